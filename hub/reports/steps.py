"""Approval-step records for the reports, read from the workflow area's tables.

The reports need, for each decided step: which item, the step (its key and its name
in the person's language), the role that decides it, when it started, when it was
due, when and how it was decided. :func:`step_records` returns those as
:class:`StepRecord` rows from ``hub.workflow.models.StepInstance`` (and its
``Decision``); a build without the workflow area gets an empty list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import get_locale

from hub.extensions import db


@dataclass(frozen=True)
class StepRecord:
    item_id: int
    step_key: str
    step: str
    #: the step's position in its workflow (reports list steps in this order)
    step_index: int
    role: str
    started_at: dt.datetime
    due_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision: str | None
    #: when the step, overdue by its own time limit again, was escalated to its supervisor (None: never)
    escalated_at: dt.datetime | None = None

    @property
    def late(self) -> bool:
        """Decided after its due time (a step without a time limit is never late)."""
        return self.due_at is not None and self.decided_at is not None and self.decided_at > self.due_at

    @property
    def minutes(self) -> float | None:
        if self.decided_at is None:
            return None
        return (self.decided_at - self.started_at).total_seconds() / 60


def _step_name(definition: dict, index: int, key: str, lang: str) -> str:
    try:
        name = definition["steps"][index]["name"]
    except (KeyError, IndexError, TypeError):
        return key
    if isinstance(name, dict):
        return name.get(lang) or name.get("id") or key
    return str(name or key)


def step_records(start: dt.datetime, end: dt.datetime) -> list[StepRecord]:
    """Steps decided in [start, end); the creator's own preparation steps and cancelled steps are left out."""
    try:
        from hub.workflow.models import Decision, StepInstance, StepStatus, WorkflowVersion
    except ImportError:  # a build without the workflow area
        return []
    lang = str(get_locale() or "id")
    rows = db.session.execute(
        db.select(StepInstance, Decision.decision, WorkflowVersion.definition)
        .outerjoin(Decision, Decision.step_id == StepInstance.id)
        .join(WorkflowVersion, WorkflowVersion.id == StepInstance.workflow_version_id)
        .where(StepInstance.decided_at >= start, StepInstance.decided_at < end)
        .where(StepInstance.kind != "prepare")
        .where(StepInstance.status.notin_([StepStatus.OPEN.value, StepStatus.CANCELLED.value]))
        .order_by(StepInstance.decided_at, StepInstance.id)
    ).all()
    return [
        StepRecord(
            item_id=step.item_id,
            step_key=step.step_key,
            step=_step_name(definition, step.step_index, step.step_key, lang),
            step_index=step.step_index,
            role=step.role,
            started_at=step.started_at,
            due_at=step.due_at,
            decided_at=step.decided_at,
            decision=decision or step.status,
            escalated_at=step.escalated_at,
        )
        for step, decision, definition in rows
    ]
