"""The deployment kit in deploy/: checked as far as this machine allows.

* the systemd units pass ``systemd-analyze verify`` (paths pointed at this checkout's ``hub``);
* the nginx site passes ``nginx -t`` (``.ci/run`` installs nginx-light; skipped without nginx);
* the compose file parses and has web, worker, PostgreSQL and Redis;
* every ``hub …`` command the units, the compose file and the Containerfile run exists, with
  the options they pass.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
HUB = Path(sys.executable).parent / "hub"


def _unit(path: Path) -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, _, value = line.partition("=")
            entries.setdefault(key.strip(), []).append(value.strip())
    return entries


def _hub_invocations() -> list[tuple[str, list[str]]]:
    """(where, argv after ``hub``) of every hub command the kit runs."""
    found = []
    for path in UNITS:
        for key in ("ExecStart", "ExecStartPost"):
            for value in _unit(path).get(key, []):
                for match in re.finditer(r"/srv/hub/\.venv/bin/hub ([^\"';|$]+)", value):
                    found.append((f"{path.name} {key}", shlex.split(match.group(1))))
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name, service in compose["services"].items():
        if "command" in service and service.get("image", "").startswith("localhost/hub"):
            found.append((f"compose {name}", list(service["command"])))
    container = (DEPLOY / "Containerfile").read_text()
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (.+)$", container, re.M).group(1))
    assert entrypoint == ["hub"]
    found.append(("Containerfile CMD", json.loads(re.search(r"^CMD (.+)$", container, re.M).group(1))))
    return found


def test_the_kit_runs_only_hub_commands_and_options_that_exist(app):
    import click

    from hub.cli import build_cli

    group = build_cli(app)
    invocations = _hub_invocations()
    assert len(invocations) >= 7
    for where, argv in invocations:
        command: click.Command = group
        args = list(argv)
        while isinstance(command, click.Group) and args and not args[0].startswith("-"):
            name = args.pop(0)
            assert name in command.commands, f"{where}: hub has no command {' '.join(argv)}"
            command = command.commands[name]
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        for arg in args:
            if arg.startswith("--"):
                assert arg.split("=")[0] in options, f"{where}: {' '.join(argv)}: no option {arg}"


def test_units_restart_and_run_as_the_hub_user():
    units = {p.name: _unit(p) for p in UNITS}
    assert set(units) == {"hub-web.service", "hub-worker@.service", "hub-backup.service", "hub-backup.timer"}
    for name in ("hub-web.service", "hub-worker@.service"):
        assert units[name]["Restart"] == ["always"] and units[name]["User"] == ["hub"]
    assert units["hub-backup.service"]["Type"] == ["oneshot"]
    assert units["hub-backup.timer"]["Unit"] == ["hub-backup.service"]
    assert units["hub-backup.timer"]["Persistent"] == ["true"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    env_file = tmp_path / "hub.env"
    env_file.write_text("HUB_LOG_FORMAT=json\n")
    names = []
    for path in UNITS:
        text = path.read_text().replace("/srv/hub/.venv/bin/hub", str(HUB)).replace("/etc/hub/hub.env", str(env_file))
        # the user and folders of a real server do not exist here
        text = re.sub(r"^(User|Group)=hub$", r"\1=root", text, flags=re.M).replace(
            "WorkingDirectory=/srv/hub", f"WorkingDirectory={tmp_path}"
        )
        (tmp_path / path.name).write_text(text)
        names.append(str(tmp_path / path.name.replace("@.", "@1.")) if "@." in path.name else str(tmp_path / path.name))
    (tmp_path / "hub-worker@1.service").write_text((tmp_path / "hub-worker@.service").read_text())
    out = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    problems = [line for line in out.stderr.splitlines() if "hub" in line]
    assert out.returncode == 0 and not problems, out.stderr


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub.example.go.id")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (.ci/run installs nginx-light)")
def test_nginx_accepts_the_site(tmp_path):
    cert, key = _self_signed(tmp_path)
    site = (DEPLOY / "nginx" / "hub.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/hub.example.go.id/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/hub.example.go.id/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  {mime}\n  client_body_temp_path {tmp_path}/body;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    out = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "test is successful" in out.stderr
    assert "client_max_body_size 2100m;" in site and "proxy_request_buffering off;" in site
    assert "X-Request-ID $request_id" in site


def test_compose_has_web_worker_postgres_and_redis():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "worker", "postgres", "redis", "migrate"} <= set(services)
    for name in ("web", "worker"):
        service = services[name]
        assert service["restart"] == "always"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = service["environment"]
        assert env["HUB_DATABASE_URL"].startswith("postgresql://") and env["HUB_REDIS_URL"].startswith("redis://")
        assert "media:/srv/hub/media" in service["volumes"]  # web and workers share the media
    assert services["migrate"]["command"] == ["db", "upgrade"]
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]
    assert set(compose["volumes"]) >= {"media", "pgdata"}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (.ci/run installs nginx-light)")
def test_nginx_proxies_with_a_request_id_and_logs_no_player_secret(tmp_path):
    """The site in front of a stand-in for the hub: the request id goes through, the access log
    keeps no player secret or secret query value."""
    import os
    import signal
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import requests
    import urllib3

    from tests.helpers import free_port, wait_for

    seen = []

    class Hub(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            seen.append((self.path, dict(self.headers)))
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    cert, key = _self_signed(tmp_path)
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "hub.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/hub.example.go.id/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/hub.example.go.id/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/").replace(
        "127.0.0.1:8000", f"127.0.0.1:{upstream.server_port}"
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen [::]:80;", "")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl;").replace(
        "listen [::]:443 ssl http2;", ""
    )
    (tmp_path / "site.conf").write_text(site)
    temp = "".join(
        f"  {kind}_temp_path {tmp_path}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\ndaemon off;\nmaster_process off;\n"
        + ("user root;\n" if os.geteuid() == 0 else "")
        + f"events {{}}\nhttp {{\n{temp}  include {tmp_path}/site.conf;\n}}\n"
    )
    proc = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    urllib3.disable_warnings()
    secret = "PlayerSecret0123456789abcdefghijklmnopqrstuvwxyz"
    try:
        base = f"https://127.0.0.1:{https_port}"
        wait_for(lambda: requests.get(base + "/healthz", verify=False, timeout=2).ok, timeout=30, what="nginx")
        requests.get(f"{base}/videotron/player/{secret}/feed.json", verify=False, timeout=5)
        requests.get(f"{base}/items?token={secret}&page=2", verify=False, timeout=5)
        redirect = requests.get(f"http://127.0.0.1:{http_port}/items", allow_redirects=False, timeout=5)
        metrics = requests.get(f"{base}/metrics", verify=False, timeout=5)
    finally:
        proc.send_signal(signal.SIGQUIT)
        proc.wait(timeout=30)
        upstream.shutdown()
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://")
    assert metrics.status_code == 200  # 127.0.0.1 is on the allow-list
    paths = [path for path, _headers in seen]
    assert f"/videotron/player/{secret}/feed.json" in paths  # the hub gets the real URL
    headers = seen[-1][1]
    assert len(headers["X-Request-ID"]) == 32 and headers["X-Forwarded-Proto"] == "https"
    log = (tmp_path / "hub.access.log").read_text()
    assert secret not in log, log
    assert "/videotron/player/[redacted]/feed.json" in log and "token=[redacted]&page=2" in log
    assert f"req={headers['X-Request-ID']}" in log
