"""Generate docs/plugin-api.md, the plugin API reference, from the code.

``python -m hub.sdk_docs`` writes the file; ``python -m hub.sdk_docs --check`` exits 1
when the committed file differs (``tests/test_plugin_boundary.py`` does the same). The
reference comes from :data:`hub.sdk.REFERENCE` (every exported name with one line), the
``#:`` comments and types of the fields of the main plugin-facing classes, and the
arguments and docstrings of every hook in :mod:`hub.hookspecs`, so it cannot drift from
the code.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "plugin-api.md"

#: the classes whose fields are listed (import path, class name)
FIELD_CLASSES = [
    ("hub.models.item", "Item"),
    ("hub.models.item", "ItemChannel"),
    ("hub.models.publication", "Publication"),
    ("hub.channels", "Channel"),
]


def _signature(obj) -> str:
    """``(a: int, b: str = 'abc') -> bool`` with annotations written as in the source (no quotes)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return ""
    parts = []
    star_done = False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.kind is p.VAR_POSITIONAL:
            star_done = True
        text = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
        if p.annotation is not p.empty:
            text += f": {_annotation(p.annotation)}"
        if p.default is not p.empty:
            default = re.sub(r"<[^<>]* at 0x[0-9a-f]+>", "…", repr(p.default))  # an identity sentinel's repr varies
            text += f" = {default}" if p.annotation is not p.empty else f"={default}"
        parts.append(text)
        if p.kind is p.POSITIONAL_ONLY and p is list(sig.parameters.values())[-1]:
            parts.append("/")
    result = f"({', '.join(parts)})"
    if sig.return_annotation is not sig.empty:
        result += f" -> {_annotation(sig.return_annotation)}"
    return result


def _annotation(annotation) -> str:
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return type(obj).__name__


def _field_comments(cls) -> list[tuple[str, str, str]]:
    """``(name, annotation, doc)`` for each annotated attribute of ``cls``, docs from ``#:`` comments above it."""
    source = textwrap.dedent(inspect.getsource(cls))
    lines = source.splitlines()
    node = ast.parse(source).body[0]
    fields = []
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        name = stmt.target.id
        if name.startswith("_"):
            continue
        doc: list[str] = []
        i = stmt.lineno - 2
        while i >= 0 and lines[i].strip().startswith("#:"):
            doc.insert(0, lines[i].strip()[2:].strip())
            i -= 1
        annotation = ast.unparse(stmt.annotation)
        annotation = re.sub(r"^Mapped\[(.*)\]$", r"\1", annotation)
        fields.append((name, annotation, " ".join(doc)))
    return fields


def _column_note(cls, name: str) -> str:
    table = getattr(cls, "__table__", None)
    if table is None:
        return ""
    if name not in table.columns:
        return "relationship" if name in cls.__mapper__.relationships else ""
    column = table.columns[name]
    parts = [
        str(column.type.compile(dialect=_dialect())) if not _is_custom(column.type) else type(column.type).__name__
    ]
    if column.primary_key:
        parts.append("primary key")
    for fk in column.foreign_keys:
        parts.append(f"→ {fk.target_fullname}")
    if column.nullable and not column.primary_key:
        parts.append("nullable")
    return ", ".join(parts)


def _is_custom(column_type) -> bool:
    return type(column_type).__module__.startswith("hub.")


def _dialect():
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()


def _members(cls) -> list[tuple[str, str]]:
    """Public properties and methods defined on ``cls`` itself, with their docstring's first line."""
    out = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            out.append((name, (inspect.getdoc(value) or "").split("\n")[0]))
        elif inspect.isfunction(value):
            out.append((f"{name}{_signature(value)}", (inspect.getdoc(value) or "").split("\n")[0]))
    return out


def _public_names(text: str) -> str:
    """``hub.channels.Channel`` -> ``hub.sdk.Channel`` for every name the API exports (plugins never see the home)."""
    from hub import sdk

    return re.sub(
        r"\bhub(?:\.[a-z_]+)+\.([A-Za-z_]+)\b",
        lambda m: f"hub.sdk.{m.group(1)}" if m.group(1) in sdk.__all__ else m.group(0),
        text,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    import importlib

    from hub import hookspecs, sdk

    out = [
        "# The plugin API (`hub.sdk`) — reference",
        "",
        "<!-- Generated by `python -m hub.sdk_docs` from hub/sdk.py, the models and hub/hookspecs.py."
        " Do not edit: a test fails when this file differs from the generated output. -->",
        "",
        f"`HUB_SDK_VERSION` = **{sdk.HUB_SDK_VERSION}**.",
        "",
        "A plugin imports from the hub only `hub.sdk` (its own package aside). The version follows",
        "semantic versioning: a minor version adds names; a major version removes a name or changes",
        "what one means. A plugin states the range it was written for in the module its entry point",
        'names: `HUB_SDK_REQUIRES = ">=1.0,<2"` (a PEP 440 specifier). The hub refuses to start with a',
        "plugin whose range excludes its version, with one line naming the plugin; a plugin that",
        "states no range is loaded (at its own risk).",
        "",
    ]
    for group, names in sdk.REFERENCE:
        out += [f"## {group}", "", "| Name | What | Signature |", "|---|---|---|"]
        for name, _module, line in names:
            obj = getattr(sdk, name)
            sig = _signature(obj) if inspect.isfunction(obj) or inspect.isbuiltin(obj) else ""
            what = f"{_kind(obj)}: {line}" if name != "HUB_SDK_VERSION" else line
            out.append(f"| `{name}` | {_cell(what)} | {f'`{_cell(sig)}`' if sig else ''} |")
        out.append("")

    out += ["## Field reference", ""]
    for module, cls_name in FIELD_CLASSES:
        cls = getattr(importlib.import_module(module), cls_name)
        out += [f"### `{cls_name}`", ""]
        doc = inspect.getdoc(cls)
        if doc and doc != inspect.getdoc(cls.__mro__[1]):
            out += [doc, ""]
        out += ["| Field | Type | Column | Meaning |", "|---|---|---|---|"]
        for name, annotation, comment in _field_comments(cls):
            out.append(f"| `{name}` | `{_cell(annotation)}` | {_cell(_column_note(cls, name))} | {_cell(comment)} |")
        members = _members(cls)
        if members:
            out += ["", "| Property / method | Meaning |", "|---|---|"]
            out += [f"| `{_cell(name)}` | {_cell(doc)} |" for name, doc in members]
        out.append("")

    out += [
        "## Hooks",
        "",
        "Implement a hook with `@hookimpl` and the argument names below (a subset is fine). The core",
        "always calls hooks with keyword arguments. *First result*: the first implementation that",
        "returns something other than `None` wins; otherwise every implementation's result is collected.",
        "",
    ]
    specs = inspect.getmembers(hookspecs, inspect.isfunction)
    for name, func in sorted(specs, key=lambda pair: pair[1].__code__.co_firstlineno):  # the file's order
        spec = getattr(func, "hub_spec", None)
        if spec is None:
            continue
        args = ", ".join(inspect.signature(func).parameters)
        mode = "first result" if spec.get("firstresult") else "every result"
        out += [f"### `{name}({args})`", "", f"*{mode}*", "", _public_names(inspect.getdoc(func) or ""), ""]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run python -m hub.sdk_docs", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
