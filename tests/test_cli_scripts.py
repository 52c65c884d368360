"""The command line for scripts: ``hub --version``, ``--json`` on list commands, and a warning for
a ``HUB_`` variable nothing reads (with the nearest known name)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hub.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_INSTANCE_DIR"] = str(tmp_path / "instance")
    env.update(extra)
    return env


def test_version_answers_without_an_app_even_with_a_bad_setting(tmp_path):
    from hub import __version__

    out = subprocess.run(
        [sys.executable, "-m", "hub", "--version"],
        env=_env(tmp_path, HUB_DATABASE_URL="not a url", HUB_TIMEZONE="Mars/Olympus"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"hub {__version__} (plugin API ")


def test_an_unknown_hub_variable_is_warned_about_with_the_nearest_name(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "hub", "--help"],
        env=_env(
            tmp_path,
            HUB_DATABSE_URL="postgresql://x/y",
            HUB_MEDIA_MAX_VIDEO_BYTE="1",
            HUB_NOTHING_LIKE_IT="1",
            HUB_DISPATCH_RETRY_BASE="5",
            HUB_LOG_FORMAT="text",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "unknown setting HUB_DATABSE_URL is ignored; did you mean HUB_DATABASE_URL?" in out.stderr
    assert "did you mean HUB_MEDIA_MAX_VIDEO_BYTES?" in out.stderr
    assert "unknown setting HUB_NOTHING_LIKE_IT is ignored" in out.stderr
    assert "HUB_DISPATCH_RETRY_BASE" not in out.stderr and "HUB_LOG_FORMAT" not in out.stderr
    assert out.stderr.count("unknown setting") == 3  # once per process, not once per app


def test_every_setting_the_code_reads_is_known(app):
    """What ``config.get("X")``/``config["X"]`` reads anywhere is a known setting, so it is never
    warned about (this keeps :data:`hub.config.OTHER_SETTINGS` complete)."""
    from hub.config import known_settings

    known = known_settings(app)
    pattern = re.compile(r"""(?:config|cfg)(?:\.get\(|\.setdefault\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
    read = set()
    for folder in ("hub", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            read |= set(pattern.findall(path.read_text()))
    test_only = {"TESTING", "VIDEOTRON_NOW", "API_CONFORMANCE"}  # set by tests through test_config, never by people
    assert sorted(read - known - test_only) == []


def test_plugin_settings_and_flask_settings_are_known(app):
    from hub.config import unknown_environment
    from hub.plugins import plugins

    plugin, declared = next((p, d) for p, d in plugins().settings.items() if d)
    key = next(iter(declared))
    env = {
        f"HUB_{plugin.upper()}_{key.upper()}": "x",
        "HUB_SESSION_COOKIE_SECURE": "true",
        "HUB_MEDIA_DIR": "/srv/media",
        "HUB_SECRET_KEY": "x",
        "HUB_TEST_DATABASE_URL": "x",
        "HUB_SECRET_KYE": "x",
        "PATH": "/bin",
    }
    assert unknown_environment(app, env) == [("HUB_SECRET_KYE", "HUB_SECRET_KEY")]


@pytest.fixture
def populated(app, make_user):
    from hub.models import Item, Publication

    user = make_user("operator1", roles=("admin_social",), full_name="Opa Rator")
    item = Item(
        organisation_id=user.organisation_id, created_by_id=user.id, title="Festival", body="x", status="approved"
    )
    db.session.add(item)
    db.session.flush()
    for n, status in enumerate(("published", "published", "failed")):
        db.session.add(
            Publication(item_id=item.id, channel="website", target=str(n), status=status, idempotency_key=f"k-{n}")
        )
    db.session.commit()
    return user


def test_list_commands_speak_json(runner, populated):
    status = runner.invoke(args=["dispatch", "status", "--json"])
    assert status.exit_code == 0, status.output
    assert json.loads(status.output) == {"failed": 1, "published": 2}

    users = runner.invoke(args=["user", "list", "--json"])
    assert users.exit_code == 0, users.output
    row = next(u for u in json.loads(users.output) if u["username"] == "operator1")
    assert row["active"] is True and "admin_social" in row["roles"] and row["full_name"] == "Opa Rator"
    assert "password" not in json.dumps(row)

    runner.invoke(args=["workflow", "load-templates"])
    workflows = runner.invoke(args=["workflow", "list", "--json"])
    assert workflows.exit_code == 0, workflows.output
    assert {"code", "version", "active", "name_en"} <= set(json.loads(workflows.output)[0])

    screens = runner.invoke(args=["videotron", "screens", "--json"])
    assert screens.exit_code == 0, screens.output
    assert json.loads(screens.output) == []
