"""The plugin system: entry points, the bundled four, a third party's plugin, loud failures."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hub import hookspecs
from hub.exceptions import PluginError
from hub.plugins import plugins

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = {"videotron", "website", "social", "vidcon"}


def test_bundled_plugins_load_through_entry_points(app):
    registry = plugins(app)
    assert BUNDLED <= set(registry.info)
    for name in BUNDLED:
        assert registry.info[name].distribution == "publishing-hub"
    assert {"videotron", "website", "ppid", "x", "facebook", "instagram", "youtube", "vidcon"} <= set(registry.channels)
    assert registry.channels["x"].plugin == "social"


def test_hub_plugins_command_lists_plugins_with_version_and_channels(runner):
    result = runner.invoke(args=["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert BUNDLED <= set(rows)
    assert rows["social"]["channels"] == ["x", "facebook", "instagram", "youtube"]
    assert rows["videotron"]["version"]


THIRD_PARTY = textwrap.dedent(
    """
    from hub import hookimpl
    from hub.channels import Channel, Problem

    CALLS = []

    @hookimpl
    def register_channels():
        CALLS.append("register_channels")
        return [Channel(name="radio", label_id="Radio Daerah", label_en="Regional radio")]

    @hookimpl
    def validate_item(item, channel, phase):
        CALLS.append(("validate_item", channel.name, phase))
        if channel.name != "radio":
            return []
        return [Problem("radio", "title", "radio.title", "Judul terlalu panjang", "Title too long")]

    @hookimpl
    def register_commands(cli):
        import click

        @cli.command("radio-ping")
        def radio_ping():
            click.echo("pong from radio")
    """
)


@pytest.fixture
def third_party(tmp_path, monkeypatch):
    """A plugin installed outside the repository: its package and its dist-info with an entry point."""
    site = tmp_path / "site"
    pkg = site / "hub_radio"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(THIRD_PARTY)
    dist = site / "hub_radio-1.2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hub-radio\nVersion: 1.2.3\n")
    (dist / "entry_points.txt").write_text("[hub.plugins]\nradio = hub_radio\n")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("hub_radio", None)


def test_third_party_plugin_appears_and_its_hooks_are_called(third_party, make_app):
    app = make_app()
    registry = plugins(app)
    assert registry.info["radio"].version == "1.2.3"
    assert registry.info["radio"].distribution == "hub-radio"
    assert "radio" in registry.channels
    import hub_radio

    assert "register_channels" in hub_radio.CALLS
    from hub.models import Item

    results = registry.hook.validate_item(item=Item(title="x"), channel=registry.channels["radio"], phase="submit")
    problems = [p for result in results for p in result]
    assert [p.rule for p in problems] == ["radio.title"]
    assert ("validate_item", "radio", "submit") in hub_radio.CALLS


def test_third_party_plugin_in_the_hub_command(third_party, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = str(third_party)
    env["HUB_INSTANCE_DIR"] = str(tmp_path / "instance")
    out = subprocess.run([sys.executable, "-m", "hub", "plugins"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^radio\s+1\.2\.3\s+\[hub-radio\]\s+channels: radio$", out.stdout, re.M), out.stdout
    assert "Workflow assignments could not be read (database not ready: hub db upgrade)." in out.stdout
    for name in BUNDLED:
        assert re.search(rf"^{name}\s", out.stdout, re.M)
    ping = subprocess.run(
        [sys.executable, "-m", "hub", "radio-ping"], env=env, capture_output=True, text=True, timeout=60
    )
    assert ping.stdout.strip() == "pong from radio", ping.stderr


class Misspelt:
    from hub import hookimpl

    @hookimpl
    def register_chanels(self):  # the typo must not pass silently
        return []


def test_unknown_hook_fails_loudly(make_app):
    with pytest.raises(PluginError, match="register_chanels"):
        make_app(EXTRA_PLUGINS=[Misspelt()])


class Clash:
    from hub import hookimpl

    @hookimpl
    def register_channels(self):
        from hub.channels import Channel

        return [Channel(name="x", label_id="X lagi", label_en="X again")]


def test_two_plugins_declaring_one_channel_fail(make_app):
    with pytest.raises(PluginError, match="'x' is declared by both"):
        make_app(EXTRA_PLUGINS=[Clash()])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
    return names


def test_core_never_imports_a_plugin():
    plugin_packages = {"plugins"} | {f"hub_{p.name}" for p in (ROOT / "plugins").iterdir() if p.is_dir()}
    offenders = []
    for path in (ROOT / "hub").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in plugin_packages:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def _hook_names() -> list[str]:
    return [
        name
        for name in dir(hookspecs)
        if callable(getattr(hookspecs, name)) and hasattr(getattr(hookspecs, name), "hub_spec")
    ]


def test_every_hook_is_documented_in_the_plugin_guide():
    names = _hook_names()
    assert "publish" in names and "register_channels" in names
    guide = (ROOT / "docs" / "plugins.md").read_text()
    missing = [n for n in names if f"### `{n}`" not in guide]
    assert not missing, f"hooks without a section in docs/plugins.md: {missing}"
    for name in names:
        assert getattr(hookspecs, name).__doc__, f"hook {name} has no docstring"


def test_plugin_settings_are_read_once_per_transaction_and_see_changes(app):
    from hub.extensions import db
    from hub.models import Setting
    from hub.plugins import plugin_config
    from tests.query_counter import count_statements

    db.session.commit()
    with count_statements() as seen:
        values = [plugin_config("videotron", k) for k in ("poll_seconds", "heartbeat_seconds", "poll_seconds")]
    assert values == [15, 30, 15]
    assert len(seen) == 1, seen  # settings without a row used to cost a query on every read
    db.session.add(Setting(namespace="videotron", key="poll_seconds", value=20))
    assert plugin_config("videotron", "poll_seconds") == 20  # a change in this session is seen at once
    db.session.commit()
    assert plugin_config("videotron", "poll_seconds") == 20
    db.session.execute(db.update(Setting).where(Setting.key == "poll_seconds").values(value=25))
    db.session.commit()  # another process's change: seen in the next transaction
    assert plugin_config("videotron", "poll_seconds") == 25


def _site_with(tmp_path, monkeypatch, name: str, source: str) -> None:
    """An installed distribution ``hub-<name>`` whose entry point ``<name>`` is the module ``hub_<name>``."""
    site = tmp_path / "site"
    (site / f"hub_{name}").mkdir(parents=True)
    (site / f"hub_{name}" / "__init__.py").write_text(source)
    dist = site / f"hub_{name}-0.3.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: hub-{name}\nVersion: 0.3.0\n")
    (dist / "entry_points.txt").write_text(f"[hub.plugins]\n{name} = hub_{name}\n")
    monkeypatch.syspath_prepend(str(site))


def test_a_plugin_that_fails_to_import_stops_the_hub_naming_its_entry_point(tmp_path, monkeypatch, make_app):
    _site_with(tmp_path, monkeypatch, "broken", "raise RuntimeError('missing station key')\n")
    try:
        with pytest.raises(PluginError, match=r"plugin 'broken' \(hub_broken\) failed to load: missing station key"):
            make_app()
    finally:
        sys.modules.pop("hub_broken", None)


def test_disabled_plugins_are_not_loaded(tmp_path, monkeypatch, make_app):
    _site_with(tmp_path, monkeypatch, "tv", THIRD_PARTY.replace('"radio"', '"tv"'))
    try:
        assert plugins(make_app()).info["tv"].distribution == "hub-tv"
        registry = plugins(make_app(DISABLED_PLUGINS=["tv", "vidcon"]))
        assert "tv" not in registry.info and "vidcon" not in registry.info and "tv" not in registry.channels
        assert "website" in registry.info
    finally:
        sys.modules.pop("hub_tv", None)


def test_the_testing_kit_imports_nothing_of_the_hub_in_a_run_that_does_not_use_it(tmp_path):
    (tmp_path / "test_other.py").write_text(
        "import sys\n\n"
        "def test_other():\n"
        "    loaded = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'redis', 'rq')]\n"
        "    loaded += [m for m in sys.modules if m.startswith('hub.') and m not in ('hub.testing', 'hub.hookspecs')]\n"
        "    assert loaded == []\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_other.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout
    assert not (tmp_path / "instance").exists()  # nor did it create anything
