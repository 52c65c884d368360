"""Alembic, driven from the app: the core's revisions plus every plugin's.

``hub db upgrade`` runs :func:`upgrade`, which upgrades all heads (the core's
branch and one branch per plugin that has tables).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

if TYPE_CHECKING:
    from flask import Flask

HERE = Path(__file__).parent / "migrations"


def alembic_config(app: Flask) -> Config:
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
    with app.app_context():
        command.upgrade(alembic_config(app), revision)
    if revision == "heads":
        from hub.installation import ensure
        from hub.workflow.loader import load_templates

        load_templates(app)
        ensure(app)


def downgrade(app: Flask, revision: str) -> None:
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
    return current_heads(app) == script_heads(app)
