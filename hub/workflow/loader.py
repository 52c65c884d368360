"""Load the workflow templates into the database: the SOPs the plugins give through
``register_workflow_templates`` (dicts, or YAML files in the plugin's own folder).

Run by ``hub db upgrade`` and ``hub up`` (:func:`hub.migrate.upgrade`). Idempotent: a
template already stored adds nothing; a template changed by a new release becomes a new
version, unless an administrator has edited that workflow since (their version stays).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from hub.exceptions import PluginError
from hub.extensions import db
from hub.workflow import definition as defs
from hub.workflow import document
from hub.workflow.errors import DefinitionError
from hub.workflow.store import add_default_assignment, get_version, get_workflow, save_definition

log = logging.getLogger(__name__)


def template_sources(app: Flask) -> list[tuple[str, dict]]:
    """``(source, definition)`` of every plugin's template (a :class:`~pathlib.Path` is read as YAML)."""
    from hub.plugins import plugins

    found = []
    for impl in plugins(app).hook.register_workflow_templates.get_hookimpls():
        for data in impl.function() or []:
            if isinstance(data, Path):
                data = document.from_yaml(data.read_text(encoding="utf-8"))
            found.append((f"plugin:{impl.plugin_name}", data))
    return found


def _load_one(source: str, data: dict) -> str:
    """Store one template; returns "created", "updated" or "unchanged"."""
    code = str(data.get("code", "")) if isinstance(data, dict) else ""
    workflow = get_workflow(code) if code else None
    if workflow is not None:
        newest = get_version(workflow)
        if newest.origin != "template":
            return "unchanged"  # an administrator's version wins over the template
        _, _, created = save_definition(data, origin="template", source=workflow.source, note=f"template ({source})")
        return "updated" if created else "unchanged"
    workflow, _, _ = save_definition(data, origin="template", source=source, note=f"template ({source})")
    add_default_assignment(workflow, defs.parse(data))
    return "created"


def load_templates(app: Flask | None = None) -> dict[str, str]:
    """Store every template; returns ``{code: "created" | "updated" | "unchanged"}`` and commits.

    A plugin's invalid template stops with :class:`~hub.exceptions.PluginError` naming it.
    """
    app = app or current_app._get_current_object()
    results: dict[str, str] = {}
    with app.app_context():
        for source, data in template_sources(app):
            code = str(data.get("code")) if isinstance(data, dict) else repr(data)[:40]
            try:
                outcome = _load_one(source, data)
                db.session.commit()
            except DefinitionError as exc:
                db.session.rollback()
                raise PluginError(f"workflow template {code!r} from {source} is invalid: {exc}") from exc
            except IntegrityError:  # another process loaded it at the same moment
                db.session.rollback()
                outcome = "unchanged"
            results[code] = outcome
            if outcome != "unchanged":
                log.info("workflow template %s %s (%s)", code, outcome, source)
        _start_sweep()
    return results


def _start_sweep() -> None:
    """Start the periodic overdue sweep (a no-op when it is scheduled already or Redis is not there)."""
    from hub.workflow.overdue import ensure_sweep

    try:
        ensure_sweep()
    except Exception as exc:  # noqa: BLE001 - no Redis during `hub db upgrade`: the first transition starts it
        log.info("overdue sweep not scheduled now (%s); the next workflow transition schedules it", exc)


def ensure_templates() -> None:
    """Load the templates when the database holds no workflow at all (a fresh or emptied database)."""
    from hub.workflow.models import Workflow

    if db.session.execute(db.select(Workflow.id).limit(1)).first() is None:
        load_templates()
