"""An outside developer's plugin, end to end, with no change to the core.

`hub plugin new acme` writes a package in a temporary folder; it and the guide's example
(docs/examples/hub-radio) are built and installed (pip, offline, into a folder of their own
put on the path, so no other test sees them); each passes its own test with `hub.testing` in a
pytest subprocess; and in this process an item for each channel goes from submission to
published: acme through the workflow it brings, radio after the administrator assigns one on
/admin/workflows (what docs/plugins.md tells them to do).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hub.extensions import db
from hub.models import Publication, User

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "hub-radio"

pytestmark = pytest.mark.slow


def _clean_env(**extra) -> dict:
    """The environment of a child process: none of this session's HUB_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """Both packages written, built and installed into ``site`` (not into the environment)."""
    work = tmp_path_factory.mktemp("outside")
    made = subprocess.run(
        [sys.executable, "-m", "hub", "plugin", "new", "acme", "--dir", str(work)],
        env=_clean_env(HUB_INSTANCE_DIR=str(work / "instance")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert (work / "hub-acme" / "pyproject.toml").is_file(), made.stdout
    radio = work / "hub-radio"
    shutil.copytree(EXAMPLE, radio, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    site = work / "site"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--target", str(site), str(work / "hub-acme"), str(radio)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert pip.returncode == 0, pip.stderr
    return {"acme": work / "hub-acme", "radio": radio, "site": site}


def _own_tests(package: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"],
        cwd=package,
        env=_clean_env(PYTHONPATH=str(site)),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_scaffold_writes_a_plugin_that_imports_the_hub_only_through_the_sdk(outside):
    import ast

    package = outside["acme"]
    for rel in ("README.md", "hub_acme/translations/id/LC_MESSAGES/messages.po", "tests/test_acme.py"):
        assert (package / rel).is_file(), rel
    assert '[project.entry-points."hub.plugins"]\nacme = "hub_acme.plugin"' in (package / "pyproject.toml").read_text()
    for path in [*package.rglob("hub_acme/*.py"), *outside["radio"].rglob("hub_radio/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            hub_names = [n for n in names if n and (n == "hub" or n.startswith("hub."))]
            assert all(n == "hub.sdk" for n in hub_names), (path, hub_names)


@pytest.mark.parametrize("name", ["acme", "radio"])
def test_the_plugins_own_test_passes_with_the_testing_kit(outside, name):
    out = _own_tests(outside[name], outside["site"])
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "1 passed" in out.stdout


@pytest.fixture
def installed(outside, monkeypatch):
    """The two plugins visible to this process (entry points and modules), for this test only."""
    monkeypatch.syspath_prepend(str(outside["site"]))
    yield outside
    for name in list(sys.modules):
        if name.split(".")[0] in ("hub_acme", "hub_radio"):
            del sys.modules[name]


def _without_workflow(listing: str) -> set[str]:
    """The channels `hub plugins` reports without a workflow."""
    marker = "Channels without a workflow: "
    if marker not in listing:
        return set()
    return set(listing.split(marker, 1)[1].split(";", 1)[0].split(", "))


def _publications(item_id: int) -> list[Publication]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Publication).where(Publication.item_id == item_id)).scalars())


def test_an_acme_item_goes_from_submission_to_published(
    installed, app, runner, client, make_item, api_headers, approve_through, webhook_stub, monkeypatch
):
    from hub.migrate import upgrade

    upgrade(app)  # what `hub up` / `hub db upgrade` does after an install: the plugin's workflow is loaded
    listing = runner.invoke(args=["plugins"]).output
    assert "[hub-acme]" in listing and "channels: acme" in listing
    assert _without_workflow(listing) == {"radio"}  # acme brought its own workflow; radio did not
    monkeypatch.setenv("HUB_ACME_WEBHOOK_URL", webhook_stub.url)

    item = make_item(channels=["acme"], title="Festival Siti Nurbaya", body="Festival budaya di Padang.")
    creator = db.session.get(User, item.created_by_id)
    submitted = client.post(f"/api/v1/items/{item.id}/submit", headers=api_headers(creator))
    assert submitted.status_code == 200, submitted.get_data(as_text=True)

    decided = approve_through(item)

    assert [step for step, _user in decided] == ["edit", "approve"]
    assert [(p.channel, p.status) for p in _publications(item.id)] == [("acme", "published")]
    assert [r["json"]["text"] for r in webhook_stub.requests] == ["Festival budaya di Padang."]


def test_the_guides_radio_item_is_published_once_the_admin_assigns_a_workflow(
    installed, app, runner, client, login, make_user, make_item, approve_through, webhook_stub, monkeypatch
):
    from hub.migrate import upgrade

    upgrade(app)  # `hub up` after the install
    listing = runner.invoke(args=["plugins"]).output
    assert "[hub-radio]" in listing and _without_workflow(listing) == {"radio"}
    monkeypatch.setenv("HUB_RADIO_STATION_URL", webhook_stub.url)

    login(client, make_user("admin", roles=["system_admin"]))
    client.post("/admin/workflows/channels", data={"channel": "radio", "workflow": "website_social"})
    assert _without_workflow(runner.invoke(args=["plugins"]).output) == set()

    item = make_item(channels=["radio"], body="Festival Siti Nurbaya, Sabtu di Padang.")
    approve_through(item)

    assert [(p.channel, p.status) for p in _publications(item.id)] == [("radio", "published")]
    assert [r["json"]["script"] for r in webhook_stub.requests] == ["Festival Siti Nurbaya, Sabtu di Padang."]


def test_the_guides_example_is_the_file_the_suite_runs():
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = guide.split("## A minimal plugin", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert code == (EXAMPLE / "hub_radio" / "__init__.py").read_text(encoding="utf-8")
