"""The dashboard at ``/``: my tasks, items I submitted, channel health, plugins' panels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import g, render_template
from flask_babel import get_locale
from sqlalchemy.orm import joinedload, lazyload, load_only

from hub.extensions import db
from hub.models import Item, Publication, PublicationStatus
from hub.models.base import utcnow
from hub.permissions import has_permission, require
from hub.plugins import plugins
from hub.web import bp
from hub.web.links import item_url
from hub.web.tasks import my_tasks

#: publication states that need a person
TROUBLE = (PublicationStatus.FAILED.value, PublicationStatus.NEEDS_ATTENTION.value)


@dataclass
class Whereabouts:
    """Where an item is in its workflow: the open step, who acts on it, by when."""

    step: str
    role: str
    due_at: dt.datetime | None

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < utcnow()


def open_steps(item_ids: list[int], lang: str) -> dict[int, Whereabouts]:
    """The open step of each item (name in ``lang``, the role that acts, the due time), read in one query."""
    try:
        from hub.workflow import store
        from hub.workflow.models import StepInstance, StepStatus, WorkflowVersion
    except ImportError:  # a build without the workflow area
        return {}
    from hub.web.labels import role_name

    if not item_ids:
        return {}
    rows = db.session.execute(
        db.select(
            StepInstance.item_id,
            StepInstance.step_index,
            StepInstance.step_key,
            StepInstance.role,
            StepInstance.due_at,
            StepInstance.workflow_version_id,
            WorkflowVersion.digest,
        )
        .join(WorkflowVersion, WorkflowVersion.id == StepInstance.workflow_version_id)
        .where(StepInstance.item_id.in_(item_ids), StepInstance.status == StepStatus.OPEN.value)
        .order_by(StepInstance.id)
    ).all()
    definitions = store.parsed_versions({r.workflow_version_id: r.digest for r in rows})
    found = {}
    for r in rows:
        name = store.step_name(definitions.get(r.workflow_version_id), r.step_index, r.step_key, lang)
        found[r.item_id] = Whereabouts(name, role_name(r.role), r.due_at)
    return found


def submitted_items(user, limit: int = 20) -> list[dict]:
    """The person's latest items, each with the step it waits at and its publications' states per channel."""
    items = db.session.scalars(
        db.select(Item)
        .where(Item.created_by_id == user.id)
        # what the panel shows (title, status, channels), along ix_item_created_by_id_updated_at
        .options(
            load_only(Item.id, Item.title, Item.status, Item.created_by_id, Item.updated_at), lazyload(Item.assets)
        )
        .order_by(Item.updated_at.desc())
        .limit(limit)
    ).all()
    pubs: dict[int, list[Publication]] = {}
    if items:
        rows = db.session.scalars(
            db.select(Publication).where(Publication.item_id.in_([i.id for i in items])).order_by(Publication.id)
        )
        for pub in rows:
            pubs.setdefault(pub.item_id, []).append(pub)
    steps = open_steps([i.id for i in items], str(get_locale() or "id"))
    return [
        {"item": i, "url": item_url(i.id), "publications": pubs.get(i.id, []), "step": steps.get(i.id)} for i in items
    ]


def failed_publications(user, limit: int = 50) -> list[dict]:
    """Publications that failed or need a person, for those who run or oversee channels."""
    if not (has_permission(user, "publication.manage") or has_permission(user, "item.view_all")):
        return []
    rows = db.session.scalars(
        db.select(Publication)
        .where(Publication.status.in_(TROUBLE))
        .options(
            # what the panel shows: not the channel's state, keys or remote ids
            load_only(
                Publication.id,
                Publication.item_id,
                Publication.channel,
                Publication.status,
                Publication.last_error,
                Publication.last_error_en,
                Publication.updated_at,
            ),
            joinedload(Publication.item).options(
                load_only(Item.id, Item.title), lazyload(Item.channels), lazyload(Item.assets)
            ),
        )
        .order_by(Publication.updated_at.desc())
        .limit(limit)
    ).all()  # one statement along ix_publication_trouble: the panel shows each item's title, not its body or media
    return [{"publication": p, "url": item_url(p.item_id)} for p in rows]


def plugin_health(user) -> list:
    notes = []
    for result in plugins().hook.channel_health(user=user):
        notes.extend(result or [])
    return sorted(notes, key=lambda n: (n.severity != "error", n.channel))


def plugin_panels(user) -> list:
    panels = []
    for result in plugins().hook.dashboard_panels(user=user):
        panels.extend(result or [])
    return sorted(panels, key=lambda p: p.order)


@bp.get("/")
@require()
def dashboard():
    """Start page of every logged-in person."""
    user = g.user
    registry = plugins()
    return render_template(
        "web/dashboard.html",
        lang=str(get_locale() or "id"),
        tasks=my_tasks(user),
        submitted=submitted_items(user),
        failed=failed_publications(user),
        health=plugin_health(user),
        panels=plugin_panels(user),
        channels=registry.channels,
        can_see_health=has_permission(user, "publication.manage") or has_permission(user, "item.view_all"),
    )
