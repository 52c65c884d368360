"""My tasks for the dashboard: the open approval steps waiting for this person, overdue first.

The steps belong to the workflow area (``hub.workflow.models.StepInstance``); this
module only reads them. A step is the person's when its role is one of theirs, when it
is a channel admin's step and they administer one of the item's channels, or when it
is the creator's own step on their item. Without the workflow area the list is empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import get_locale

from hub.extensions import db
from hub.models import Item
from hub.models.base import utcnow
from hub.permissions import visible_items_clause


@dataclass
class Task:
    item_id: int
    title: str
    step: str
    due_at: dt.datetime | None
    url: str | None

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < utcnow()


def sort_tasks(tasks: list[Task]) -> list[Task]:
    """Overdue first (most overdue on top), then by due time, undated last."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(tasks, key=lambda t: (not t.overdue, t.due_at or far, t.item_id))


def _admin_channels(user) -> set[str]:
    from hub.plugins import plugins

    return {name for name, ch in plugins().channels.items() if ch.admin_role in user.role_codes}


def my_tasks(user, limit: int = 50) -> list[Task]:
    try:
        from hub.workflow.models import StepInstance, StepStatus, WorkflowVersion
    except ImportError:  # a build without the workflow area
        return []
    from hub.reports.steps import _step_name
    from hub.web.links import item_url

    query = (
        db.select(StepInstance, Item, WorkflowVersion.definition)
        .join(Item, Item.id == StepInstance.item_id)
        .join(WorkflowVersion, WorkflowVersion.id == StepInstance.workflow_version_id)
        .where(StepInstance.status == StepStatus.OPEN.value)
        .where(
            db.or_(
                # nobody decides a step of an item they created (separation of duties)
                db.and_(StepInstance.role.in_(sorted(user.role_codes)), Item.created_by_id != user.id),
                db.and_(StepInstance.role == "channel_admin", Item.created_by_id != user.id),
                db.and_(StepInstance.role == "creator", Item.created_by_id == user.id),
            )
        )
        .order_by(StepInstance.due_at, StepInstance.id)
    )
    query = query.where(visible_items_clause(user))
    lang = str(get_locale() or "id")
    admin_of = _admin_channels(user)
    tasks = []
    for step, item, definition in db.session.execute(query).all():
        if step.role == "channel_admin" and not admin_of.intersection(item.channel_names):
            continue
        name = _step_name(definition, step.step_index, step.step_key, lang)
        tasks.append(Task(item.id, item.title, name, step.due_at, item_url(item.id)))
    return sort_tasks(tasks)[:limit]
