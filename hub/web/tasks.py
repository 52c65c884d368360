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
from hub.models import Item, ItemChannel
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


def _admin_channels(user) -> list[str]:
    from hub.plugins import plugins

    return sorted(name for name, ch in plugins().channels.items() if ch.admin_role in user.role_codes)


def my_tasks(user, limit: int = 50) -> list[Task]:
    """The first ``limit`` open steps waiting for ``user``, overdue first.

    Who it is for, the order and the limit are decided in SQL, which reads about ``limit`` narrow
    rows per role (the step, its item's title, its version's digest) whatever the number of open
    steps (:func:`hub.workflow.inbox.first_open_steps`); the step names come from the definitions
    parsed once per process.
    """
    try:
        from hub.workflow import store
        from hub.workflow.inbox import first_open_steps
        from hub.workflow.models import StepInstance, WorkflowVersion
    except ImportError:  # a build without the workflow area
        return []
    from hub.web.links import item_url

    visible = visible_items_clause(user)
    # nobody decides a step of an item they created (separation of duties)
    others = db.and_(Item.created_by_id != user.id, visible)
    branches = [(role, others) for role in sorted(user.role_codes - {"creator", "channel_admin"})]
    branches.append(("creator", db.and_(Item.created_by_id == user.id, visible)))
    admin_of = _admin_channels(user)
    if admin_of:
        on_my_channel = (
            db.select(ItemChannel.id)
            .where(ItemChannel.item_id == StepInstance.item_id, ItemChannel.channel.in_(admin_of))
            .exists()
        )
        branches.append(("channel_admin", db.and_(on_my_channel, others)))
    rows = first_open_steps(
        {
            "step_index": StepInstance.step_index,
            "step_key": StepInstance.step_key,
            "workflow_version_id": StepInstance.workflow_version_id,
            "digest": WorkflowVersion.digest,
            "title": Item.title,
        },
        branches,
        limit,
    )
    definitions = store.parsed_versions({r.workflow_version_id: r.digest for r in rows})
    lang = str(get_locale() or "id")
    tasks = [
        Task(
            r.item_id,
            r.title,
            store.step_name(definitions.get(r.workflow_version_id), r.step_index, r.step_key, lang),
            r.due_at,
            item_url(r.item_id),
        )
        for r in rows
    ]
    return sort_tasks(tasks)
