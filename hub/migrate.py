"""Alembic, driven from the app: the core's revisions plus every plugin's.

``hub db upgrade`` runs :func:`upgrade`, which upgrades all heads (the core's
branch and one branch per plugin that has tables).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from flask import Flask

HERE = Path(__file__).parent / "migrations"


def alembic_config(app: Flask) -> Config:
    from alembic.config import Config

    from hub.plugins import plugins

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    locations = [str(HERE / "versions")]
    for result in plugins(app).hook.register_migrations():
        locations.extend(str(p) for p in result or [])
    # a separator that cannot appear in a path we generate
    cfg.set_main_option("path_separator", ";")
    cfg.set_main_option("version_locations", ";".join(locations))
    cfg.attributes["flask_app"] = app
    return cfg


def upgrade(app: Flask, revision: str = "heads") -> None:
    """Apply the migrations, then load the workflow templates (bundled SOPs and plugins'; idempotent)."""
    from alembic import command

    with app.app_context():
        command.upgrade(alembic_config(app), revision)
    if revision == "heads":
        from hub.installation import ensure
        from hub.workflow.loader import load_templates

        load_templates(app)
        ensure(app)


def downgrade(app: Flask, revision: str) -> None:
    from alembic import command

    with app.app_context():
        command.downgrade(alembic_config(app), revision)


def current_heads(app: Flask) -> set[str]:
    """Revisions the database is at."""
    from alembic.runtime.migration import MigrationContext

    from hub.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def script_heads(app: Flask) -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config(app)).get_heads())


def is_up_to_date(app: Flask) -> bool:
    """What ``/healthz`` asks on every call: without alembic (about 14 MiB, with mako and pygments,
    in each web worker) and without parsing every migration each time."""
    from sqlalchemy import inspect, text

    from hub.extensions import db

    wanted = app.extensions.get("hub.script_heads")
    if wanted is None:
        wanted = app.extensions["hub.script_heads"] = _script_heads_from_files(app)
    with app.app_context(), db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return not wanted
        applied = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    return applied == wanted


def _script_heads_from_files(app: Flask) -> set[str]:
    """The heads of the revision files (core and plugins): revisions no other revision follows."""
    revisions, parents = _revision_graph(app)
    return revisions - parents


def known_revisions(app: Flask) -> set[str]:
    """Every revision id this code has a file for (core and plugins)."""
    return _revision_graph(app)[0]


def _revision_graph(app: Flask) -> tuple[set[str], set[str]]:
    """``(revisions, parents)`` of the revision files (core and plugins)."""
    from hub.plugins import plugins

    folders = [HERE / "versions"]
    for result in plugins(app).hook.register_migrations():
        folders.extend(Path(p) for p in result or [])
    revisions, parents = set(), set()
    for folder in folders:
        for path in sorted(Path(folder).glob("*.py")):
            found = _revision_ids(path)
            if found is None:
                continue
            revision, down = found
            revisions.add(revision)
            parents.update(down)
    return revisions, parents


def _revision_ids(path: Path) -> tuple[str, set[str]] | None:
    """``revision`` and ``down_revision`` (one, none or a tuple) of a migration file."""
    values = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            values[target.id] = ast.literal_eval(value)
    if not isinstance(values.get("revision"), str):
        return None
    down = values.get("down_revision")
    down = {down} if isinstance(down, str) else set(down or ())
    return values["revision"], down
