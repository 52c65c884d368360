"""My tasks for the dashboard: the open approval steps waiting for this person, overdue first.

The steps belong to the workflow area (``hub.workflow.models.StepInstance``); this
module only reads them. A step is the person's when its role is one of theirs, when it
is a channel admin's step and they administer one of the item's channels, or when it
is the creator's own step on their item, or a step of a role they act in (Plh./Plt.): the
inbox's rule, :func:`hub.workflow.inbox.may_act_branches`. Without the workflow area the list is empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import get_locale

from hub.models import Item
from hub.models.base import utcnow


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


def my_tasks(user, limit: int = 50) -> list[Task]:
    """The first ``limit`` open steps waiting for ``user``, overdue first.

    Who it is for, the order and the limit are decided in SQL, which reads about ``limit`` narrow
    rows per role (the step, its item's title, its version's digest) whatever the number of open
    steps (:func:`hub.workflow.inbox.first_open_steps`); the step names come from the definitions
    parsed once per process.
    """
    try:
        from hub.workflow import store
        from hub.workflow.inbox import first_open_steps, may_act_branches
        from hub.workflow.models import StepInstance, WorkflowVersion
    except ImportError:  # a build without the workflow area
        return []
    from hub.web.links import item_url

    # the inbox's rule: the user's roles (and the roles they act in), never an item they created
    branches = may_act_branches(user)
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
