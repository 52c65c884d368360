"""The plugin boundary (issue 16): bundled plugins import the hub only through ``hub.sdk``,
never each other, and the API reference in docs/plugin-api.md is the generated one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``tree``, at any depth (function-level imports too).

    ``from hub import x`` counts as importing ``hub.x`` when ``x`` is a module, and as ``hub``
    otherwise; only ``from hub import sdk`` is the API. ``importlib.import_module("…")`` with a
    constant counts too.
    """
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "hub":
                found += [(node.lineno, "hub.sdk" if a.name == "sdk" else "hub") for a in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            found += [
                (node.lineno, a.value)
                for a in node.args[:1]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
    return sorted(found)


def boundary_offences(source: str, own_package: str, others: set[str]) -> list[str]:
    """What a plugin file imports that it may not: the hub beyond ``hub.sdk``, or another plugin."""
    offences = []
    for line, module in _imported_modules(ast.parse(source)):
        top = module.split(".")[0]
        if top == "hub" and module != "hub.sdk":
            offences.append(f"line {line}: {module} (import from hub.sdk instead)")
        elif top in others and top != own_package:
            offences.append(f"line {line}: {module} (another plugin)")
    return offences


def _bundled() -> dict[str, Path]:
    return {f"hub_{p.name}": p for p in sorted(PLUGINS.iterdir()) if (p / "__init__.py").exists()}


def test_the_scan_catches_what_the_boundary_forbids():
    others = {"hub_videotron", "hub_social"}
    source = (
        "from hub.extensions import db\n"
        "import hub.models.base\n"
        "from hub import hookimpl\n"
        "def f():\n    from hub.workflow import state\n"
        "import importlib\nimportlib.import_module('hub.queue')\n"
        "from hub_social.errors import MaybeSent\n"
        "from hub.sdk import Item\nfrom hub import sdk\nfrom hub_videotron.models import Screen\n"
    )
    found = boundary_offences(source, "hub_videotron", others)
    assert [o.split(":")[0] for o in found] == ["line 1", "line 2", "line 3", "line 5", "line 7", "line 8"]


def test_bundled_plugins_import_the_hub_only_through_hub_sdk_and_never_each_other():
    bundled = _bundled()
    assert set(bundled) == {"hub_videotron", "hub_website", "hub_social", "hub_vidcon", "hub_messaging"}
    offenders = []
    scanned = 0
    for package, folder in bundled.items():
        for path in sorted(folder.rglob("*.py")):
            scanned += 1
            for offence in boundary_offences(path.read_text(encoding="utf-8"), package, set(bundled)):
                offenders.append(f"{path.relative_to(ROOT)} {offence}")
    assert scanned > 60  # migrations and views subpackages included
    assert not offenders, "\n".join(offenders)


def test_every_sdk_name_resolves_and_has_a_line_of_documentation():
    import hub.sdk as sdk

    listed = [name for _group, names in sdk.REFERENCE for name, _module, _line in names]
    assert len(listed) == len(set(listed)), "a name is listed twice in hub.sdk.REFERENCE"
    assert sorted(sdk.__all__) == sorted(listed)
    for _group, names in sdk.REFERENCE:
        for name, _module, line in names:
            assert getattr(sdk, name) is not None, name
            assert line.strip(), f"{name} has no one-line description"
    for name in (
        "Item",
        "Publication",
        "User",
        "Organisation",
        "db",
        "record_audit",
        "enqueue",
        "notify",
        "may_decide",
    ):
        assert name in sdk.__all__
    with pytest.raises(AttributeError, match="not_a_name"):
        sdk.not_a_name  # noqa: B018


def test_the_plugin_api_reference_is_the_generated_one():
    from hub import sdk_docs

    committed = (ROOT / "docs" / "plugin-api.md").read_text(encoding="utf-8")
    assert committed == sdk_docs.render(), "docs/plugin-api.md is out of date: run python -m hub.sdk_docs"
    import hub.sdk as sdk
    from hub import hookspecs

    for name in sdk.__all__:
        assert f"| `{name}` |" in committed
    hooks = [n for n in dir(hookspecs) if hasattr(getattr(hookspecs, n), "hub_spec")]
    for hook in hooks:
        assert f"### `{hook}(" in committed
    for field in ("title", "extra", "channels"):
        assert f"| `{field}` |" in committed


def test_bundled_plugins_state_the_sdk_range_they_are_written_for():
    import importlib

    from packaging.specifiers import SpecifierSet

    from hub.sdk import HUB_SDK_VERSION

    for package in _bundled():
        module = importlib.import_module(f"{package}.plugin")
        assert SpecifierSet(module.HUB_SDK_REQUIRES).contains(HUB_SDK_VERSION), package


def test_importing_hub_sdk_loads_only_what_is_used():
    """A plugin's top-level ``from hub.sdk import …`` must not pull in PDF, spreadsheets or the engine."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom hub.sdk import Channel, Item, db, hookimpl, record_audit\n"
        "heavy = ('fpdf', 'openpyxl', 'hub.workflow.engine', 'hub.reports.export')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
