"""hub.sdk as a versioned contract: a plugin states the range it supports and the hub refuses one
written for another major version, with one line naming it; the workflow questions plugins ask."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hub.exceptions import PluginError
from hub.plugins import plugins
from hub.sdk import HUB_SDK_VERSION
from tests import stub_channel, workflow_support
from tests.workflow_support import assign, decide, new_item

RADIO = textwrap.dedent(
    """
    from hub.sdk import Channel, hookimpl

    HUB_SDK_REQUIRES = {requires!r}

    @hookimpl
    def register_channels():
        return [Channel(name="radio", label_id="Radio Daerah", label_en="Regional radio")]
    """
)


@pytest.fixture(autouse=True)
def _forget_radio():
    """Each test installs its own ``hub_radio``; none may leak to later tests (tests/test_plugins.py has one too)."""
    yield
    sys.modules.pop("hub_radio", None)


def _install(tmp_path, monkeypatch, requires: str):
    """A plugin installed outside the repository (package + dist-info with the entry point)."""
    site = tmp_path / "site"
    pkg = site / "hub_radio"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(RADIO.format(requires=requires))
    dist = site / "hub_radio-1.2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hub-radio\nVersion: 1.2.3\n")
    (dist / "entry_points.txt").write_text("[hub.plugins]\nradio = hub_radio\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "hub_radio", raising=False)
    return site


def _plugin(requires):
    module = types.ModuleType("hub_old_radio")
    if requires is not None:
        module.HUB_SDK_REQUIRES = requires
    return module


def test_the_version_is_major_minor():
    major, minor = HUB_SDK_VERSION.split(".")
    assert int(major) >= 1 and int(minor) >= 0


@pytest.mark.parametrize("requires", [None, f">={HUB_SDK_VERSION}", f"=={HUB_SDK_VERSION.split('.')[0]}.*"])
def test_a_plugin_whose_range_includes_this_version_loads(make_app, requires):
    app = make_app(EXTRA_PLUGINS=[_plugin(requires)])
    assert "hub_old_radio" in plugins(app).info


def test_a_plugin_written_for_another_major_version_is_refused(make_app):
    major = int(HUB_SDK_VERSION.split(".")[0])
    with pytest.raises(PluginError) as refused:
        make_app(EXTRA_PLUGINS=[_plugin(f">={major + 1}.0,<{major + 2}")])
    message = str(refused.value)
    assert "\n" not in message
    assert "'hub_old_radio'" in message and f">={major + 1}.0" in message and HUB_SDK_VERSION in message


def test_an_unreadable_range_is_refused_with_its_text(make_app):
    with pytest.raises(PluginError, match=r"'hub_old_radio' has an invalid HUB_SDK_REQUIRES 'one point oh'"):
        make_app(EXTRA_PLUGINS=[_plugin("one point oh")])


def test_an_installed_plugin_for_another_version_stops_the_hub_command_with_one_line(tmp_path, monkeypatch):
    major = int(HUB_SDK_VERSION.split(".")[0])
    site = _install(tmp_path, monkeypatch, f">={major + 1}.0")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = str(site)
    env["HUB_INSTANCE_DIR"] = str(tmp_path / "instance")
    out = subprocess.run([sys.executable, "-m", "hub", "plugins"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "'radio'" in lines[0] and f">={major + 1}.0" in lines[0] and f"hub.sdk {HUB_SDK_VERSION}" in lines[0]


def test_an_installed_plugin_within_range_is_listed(tmp_path, monkeypatch, make_app):
    _install(tmp_path, monkeypatch, f">={HUB_SDK_VERSION},<{int(HUB_SDK_VERSION.split('.')[0]) + 1}")
    app = make_app()
    assert plugins(app).info["radio"].version == "1.2.3"
    assert "radio" in plugins(app).channels


# --- workflow questions -------------------------------------------------------------------------

people = workflow_support.people  # the fixture


@pytest.fixture
def app(make_app):
    """The hub with the stub channel (never called: the item is only decided, not published here)."""
    app = make_app(EXTRA_PLUGINS=[stub_channel], STUB_CHANNEL_URL="http://127.0.0.1:9/")
    with app.app_context():
        yield app


def test_workflow_questions_follow_the_item_through_its_chain(app, people):
    """SOP 000 Flow A on the stub channel: the queries plugins use for "whose step is it now"."""
    from hub.sdk import Item, current_step, db, deciding_step, is_approval_step, may_decide
    from hub.workflow import engine

    criteria = {"organisation_kinds": ["requester"], "kinds": ["video"], "channels": ["stub"]}
    assign("videotron_request", people.sysadmin, **criteria)
    item = new_item(people.pemohon, channels=[{"channel": "stub", "options": {"accounts": ["pemprov"]}}])
    assert current_step(item) is None and deciding_step(item) is None
    assert not may_decide(people.kepala_dinas, item) and not is_approval_step(item)

    engine.submit(item.id, people.pemohon)
    decide(item.id, people.verifikator)  # receive
    decide(item.id, people.verifikator)  # verify_1
    item = db.session.get(Item, item.id)
    assert current_step(item).key == deciding_step(item).key == "verify_2"
    assert may_decide(people.sub_koordinator, item)
    assert not may_decide(people.pemohon, item)  # the creator never decides
    assert not may_decide(people.kepala_dinas, item)  # not this step's role
    assert not may_decide(None, item) and not is_approval_step(item)

    decide(item.id, people.sub_koordinator)
    decide(item.id, people.kepala_bidang)
    item = db.session.get(Item, item.id)
    assert deciding_step(item).key == "approval" and is_approval_step(item)
    assert may_decide(people.kepala_dinas, item) and not may_decide(people.kepala_bidang, item)

    decide(item.id, people.kepala_dinas)
    item = db.session.get(Item, item.id)
    assert deciding_step(item) is None and not is_approval_step(item)
    assert not may_decide(people.kepala_dinas, item)


# --- the guide's example ------------------------------------------------------------------------


def _guide_example() -> str:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = guide.split("## A minimal plugin", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


class _Station(BaseHTTPRequestHandler):
    received: list[dict] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(body)
        status = 503 if body["script"] == "busy" else 200
        payload = json.dumps({"id": len(self.received)}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def station():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Station)
    _Station.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Station.received
    server.shutdown()
    server.server_close()


def test_the_guides_example_plugin_imports_only_hub_sdk_and_publishes(tmp_path, monkeypatch, make_app, station):
    from hub.sdk import Item, ItemChannel, Publication, PublishResult, TransientPublishError
    from tests.test_plugin_boundary import boundary_offences

    source = _guide_example()
    assert boundary_offences(source, "hub_radio", set()) == []
    site = _install(tmp_path, monkeypatch, ">=1.0")  # installed as the guide says: entry point radio = hub_radio
    pkg = site / "hub_radio"
    (pkg / "__init__.py").write_text(source)
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F", str(pkg)], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout  # no undefined names, no unused imports
    url, received = station
    monkeypatch.setenv("HUB_RADIO_STATION_URL", url)
    app = make_app()
    with app.app_context():
        registry = plugins(app)
        channel = registry.channels["radio"]
        item = Item(title="Siaran", body="Festival Siti Nurbaya dibuka besok.")
        item.channels.append(ItemChannel(channel="radio"))
        results = registry.hook.validate_item(item=item, channel=channel, phase="submit")
        assert [p for r in results for p in r if p.channel == "radio"] == []
        item.channels[0].text = "x" * 501
        problems = [p for r in registry.hook.validate_item(item=item, channel=channel, phase="submit") for p in r]
        assert [p.rule for p in problems if p.channel == "radio"] == ["radio.length"]

        item.channels[0].text = ""
        publication = Publication(channel="radio", idempotency_key="hub-1:7:radio:")
        result = registry.hook.publish(publication=publication, item=item, channel=channel)
        assert result == PublishResult(remote_id="1")
        assert received == [{"script": "Festival Siti Nurbaya dibuka besok.", "reference": "hub-1:7:radio:"}]
        item.body = "busy"
        with pytest.raises(TransientPublishError, match="503"):
            registry.hook.publish(publication=publication, item=item, channel=channel)
