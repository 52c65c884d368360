"""Configuration: defaults with nothing set, HUB_* overrides, and one clear line for a bad setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.app import create_app
from hub.exceptions import ConfigError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("HUB_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HUB_INSTANCE_DIR", str(tmp_path / "instance"))
    return tmp_path / "instance"


def test_defaults_with_nothing_set(clean_env):
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{clean_env / 'hub.sqlite3'}"
    assert app.config["MEDIA_DIR"] == str(clean_env / "media")
    assert app.config["TIMEZONE"] == "Asia/Jakarta"
    assert app.config["REDIS_URL"] is None
    key = (clean_env / "secret_key").read_text()
    assert len(key) == 64 and app.config["SECRET_KEY"] == key
    assert (clean_env / "secret_key").stat().st_mode & 0o777 == 0o600
    # generated once and kept
    assert create_app().config["SECRET_KEY"] == key


def test_environment_and_instance_file(clean_env, monkeypatch):
    clean_env.mkdir(parents=True)
    (clean_env / "hub.toml").write_text('TIMEZONE = "Asia/Makassar"\nJOB_TIMEOUT = 99\n')
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql://u:pw@db.example/hub")
    monkeypatch.setenv("HUB_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["TIMEZONE"] == "Asia/Makassar"
    assert app.config["JOB_TIMEOUT"] == 99
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://u:pw@db.example/hub"
    assert app.config["SECRET_KEY"] == "from-env"
    monkeypatch.setenv("HUB_TIMEZONE", "Asia/Jayapura")
    assert create_app().config["TIMEZONE"] == "Asia/Jayapura"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("HUB_REDIS_URL", "http://localhost:6379"),
        ("HUB_REDIS_URL", "redis://localhost:notaport/0"),
        ("HUB_TIMEZONE", "Mars/Olympus"),
    ],
)
def test_bad_static_settings_raise_config_error(clean_env, monkeypatch, setting, value):
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError) as info:
        create_app()
    assert info.value.setting == setting


def _hub(args, env_extra, instance):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_INSTANCE_DIR": str(instance), **env_extra})
    return subprocess.run([sys.executable, "-m", "hub", *args], env=env, capture_output=True, text=True, timeout=60)


def _assert_one_clear_line(proc, setting):
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr  # one line, no traceback
    assert setting in lines[0]
    assert "Traceback" not in proc.stderr


def test_unreachable_database_stops_start_up_with_one_line(tmp_path):
    proc = _hub(
        ["db", "upgrade"],
        {
            "HUB_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nodb",
            "HUB_REDIS_URL": "redis://127.0.0.1:1/0",
        },
        tmp_path / "i",
    )
    _assert_one_clear_line(proc, "HUB_DATABASE_URL")
    assert "cannot connect" in proc.stderr


def test_malformed_redis_url_stops_start_up_with_one_line(tmp_path):
    proc = _hub(["up", "--port", "1"], {"HUB_REDIS_URL": "redis//oops"}, tmp_path / "i")
    _assert_one_clear_line(proc, "HUB_REDIS_URL")


def test_unwritable_media_folder_stops_start_up_with_one_line(tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    proc = _hub(["worker", "--burst"], {"HUB_MEDIA_DIR": str(blocker / "media")}, tmp_path / "i")
    _assert_one_clear_line(proc, "HUB_MEDIA_DIR")


def test_unreachable_redis_stops_worker_with_one_line(tmp_path):
    proc = _hub(["worker", "--burst"], {"HUB_REDIS_URL": "redis://127.0.0.1:1/0"}, tmp_path / "i")
    _assert_one_clear_line(proc, "HUB_REDIS_URL")


def test_media_folder_is_created(clean_env, tmp_path, monkeypatch):
    monkeypatch.setenv("HUB_MEDIA_DIR", str(tmp_path / "deep" / "media"))
    create_app()
    assert Path(tmp_path / "deep" / "media").is_dir()
