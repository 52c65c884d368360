"""The dashboard at ``/``: my tasks, items I submitted, channel health, plugins' panels."""

from __future__ import annotations

from flask import g, render_template
from flask_babel import get_locale

from hub.extensions import db
from hub.models import Item, Publication, PublicationStatus
from hub.permissions import has_permission, require
from hub.plugins import plugins
from hub.web import bp
from hub.web.links import item_url
from hub.web.tasks import my_tasks

#: publication states that need a person
TROUBLE = (PublicationStatus.FAILED.value, PublicationStatus.NEEDS_ATTENTION.value)


def submitted_items(user, limit: int = 20) -> list[dict]:
    """The person's latest items, each with its publications' states per channel."""
    items = db.session.scalars(
        db.select(Item).where(Item.created_by_id == user.id).order_by(Item.updated_at.desc()).limit(limit)
    ).all()
    pubs: dict[int, list[Publication]] = {}
    if items:
        rows = db.session.scalars(
            db.select(Publication).where(Publication.item_id.in_([i.id for i in items])).order_by(Publication.id)
        )
        for pub in rows:
            pubs.setdefault(pub.item_id, []).append(pub)
    return [{"item": i, "url": item_url(i.id), "publications": pubs.get(i.id, [])} for i in items]


def failed_publications(user, limit: int = 50) -> list[dict]:
    """Publications that failed or need a person, for those who run or oversee channels."""
    if not (has_permission(user, "publication.manage") or has_permission(user, "item.view_all")):
        return []
    rows = db.session.scalars(
        db.select(Publication)
        .where(Publication.status.in_(TROUBLE))
        .order_by(Publication.updated_at.desc())
        .limit(limit)
    ).all()
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
        can_see_health=has_permission(user, "publication.manage")
        or has_permission(user, "item.view_all")
        or has_permission(user, "screen.monitor"),
    )
