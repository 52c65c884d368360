"""Files the hub writes are readable by its own user only (issue 13): the instance folder and media
700, the SQLite database, the embedded Redis dump, media files and the secret key 600; the kiosk
players' secret URLs never reach the access log; a damaged image's refusal does not show a path."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.umask(0o022)  # what a shell usually gives
    from hub.app import create_app
    from hub.extensions import db
    from hub.embedded_redis import EmbeddedRedis
    from pathlib import Path
    app = create_app()
    with app.app_context():
        db.create_all()
        from hub.media import storage
        media = Path(app.config["MEDIA_DIR"])
        (media / "ab").mkdir(exist_ok=True)
        part2 = storage.incoming_path("u"); part2.write_bytes(b"y")
        os.replace(part2, media / "ab" / "file.mp4")
    server = EmbeddedRedis(Path(app.config["INSTANCE_DIR"]) / "redis").start()
    try:
        server.client().set("k", "v")
        server.client().save()
    finally:
        server.stop()
    """
)


def test_instance_files_and_folders_are_private(tmp_path):
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_INSTANCE_DIR"] = str(instance)
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    mode = lambda p: p.stat().st_mode & 0o777  # noqa: E731
    assert mode(instance) == 0o700
    assert mode(instance / "media") == 0o700
    assert mode(instance / "hub.sqlite3") == 0o600
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "redis") == 0o700
    assert mode(instance / "redis" / "dump.rdb") == 0o600
    for path in (instance / "media").rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_a_stored_media_file_is_600(app, tmp_path):
    from hub.media import storage
    from hub.media.sniff import detect

    part = storage.incoming_path("modes")
    part.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    os.chmod(part, 0o644)
    name = storage.store(part, detect(part.read_bytes()[:4096]))
    assert (storage.media_dir() / name).stat().st_mode & 0o777 == 0o600


def _access_line(path: str, query: str = "", referer: str = "-") -> str:
    """What gunicorn writes for one request, through the hub's logger class."""
    import datetime as dt
    import io

    from gunicorn.config import Config

    from hub.access_log import AccessLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = AccessLogger(cfg)
    out = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(out)
    raw = path + (f"?{query}" if query else "")
    environ = {
        "REMOTE_ADDR": "10.0.0.9",
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Chromium kiosk",
    }
    resp = type("Resp", (), {"status": "200 OK", "headers": [], "sent": 10})()
    req = type("Req", (), {"headers": [("REFERER", referer)]})()
    logger.access(resp, req, environ, dt.timedelta(milliseconds=5))
    return out.getvalue()


@pytest.mark.parametrize(
    "path",
    [
        "/videotron/player/Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWZnaA",
        "/videotron/player/Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWZnaA/playlist.json",
        "/videotron/player/Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWZnaA/media/12/preview",
    ],
)
def test_kiosk_secret_urls_are_redacted_from_the_access_log(path):
    line = _access_line(path, referer="https://hub.example" + path)
    assert line.strip()
    assert "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWZnaA" not in line
    assert "[redacted]" in line


def test_ordinary_paths_stay_in_the_access_log():
    line = _access_line("/items/12", "tab=history")
    assert "GET /items/12?tab=history" in line and "/items/12" in line and "tab=history" in line


def test_gunicorn_is_told_to_use_the_redacting_logger():
    from pathlib import Path

    import hub.up

    assert 'self.cfg.set("logger_class", "hub.access_log.AccessLogger")' in Path(hub.up.__file__).read_text()


def test_a_damaged_image_refusal_does_not_show_the_server_path(app, tmp_path):
    from hub.media.errors import MediaError
    from hub.media.sniff import Detected
    from hub.media.verify import check_image

    path = tmp_path / "secret-folder" / "broken.png"
    path.parent.mkdir()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(MediaError) as err:
        check_image(path, Detected("image", "image/png", "png", "png"))
    assert err.value.code == "corrupt_image"
    for text in (str(err.value), err.value.message_id, err.value.message_en):
        assert str(tmp_path) not in text and "secret-folder" not in text
