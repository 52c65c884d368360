"""My tasks for the dashboard: the approval steps waiting for this person, overdue first.

The steps themselves belong to the workflow area (``hub.workflow``); this module only
reads them. While that area is absent the list is empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def my_tasks(user) -> list[Task]:
    return sort_tasks([])
