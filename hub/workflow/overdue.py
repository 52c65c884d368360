"""Overdue steps: flagged and notified once.

When a step with a time limit is entered, a job is scheduled at its due time
(:func:`schedule_check`, RQ's scheduler in ``hub worker``). The job runs
:func:`check_overdue`, which sweeps *every* open step past its due time, and queues the
notification deliveries that are due (after quiet hours, a back-off, a lost queue). A periodic
sweep (:func:`ensure_sweep`, every
``WORKFLOW_OVERDUE_SWEEP`` seconds, default 300) catches what a check lost with Redis
missed: each run schedules the next, and every workflow transition and every
``hub db upgrade`` / ``hub up`` starts the chain again if it was lost. ``hub workflow
check-overdue`` runs the same sweep from cron, for those who want it.

Each step is notified once: a conditional UPDATE sets ``overdue_notified_at`` only
where it is still empty, so two sweeps at the same moment notify once.

Before flagging, the sweep re-reads the dates of every open step whose due time is
anchored to a date of the item (:func:`hub.workflow.due.refresh_due_times`): a date a
plugin moved without saying so never yields a false overdue alert.

Escalation: a step still open at its ``escalate_at`` (overdue by its own time limit again)
is told once, the same way (``escalated_at``), to the holders of its supervisor's role
(:meth:`hub.workflow.definition.WorkflowDef.supervisor_of`), as an ``escalated`` notification.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import update

from hub.extensions import db
from hub.jobs import job
from hub.models import Item, utcnow
from hub.workflow.models import StepInstance, StepStatus

log = logging.getLogger(__name__)


def _notify(instance: StepInstance, item: Item) -> None:
    from hub.notify.service import notify
    from hub.workflow import state as st
    from hub.workflow.access import holders

    state = st.state_of(item)
    if state is None:
        return
    step = st.definition_of(state).steps[instance.step_index]
    cal = st.calendar_for_item(item, state.version.workflow)
    from hub.dates import format_moment

    due_id = format_moment(instance.due_at, cal.tz, "id", "long")
    due_en = format_moment(instance.due_at, cal.tz, "en", "long")
    notify(
        holders(item, step),
        "overdue",
        item_id=item.id,
        url=f"/items/{item.id}",
        title_id=f"Terlambat: {item.title}",
        title_en=f"Overdue: {item.title}",
        body_id=f"Langkah “{step.name_id}” melewati batas waktu: {due_id}.",
        body_en=f"Step “{step.name_en}” is past its due time: {due_en}.",
        data={"item": item.title, "step_id": step.name_id, "step_en": step.name_en, "due_id": due_id, "due_en": due_en},
    )


def _escalate(instance: StepInstance, item: Item) -> None:
    from dataclasses import replace

    from hub.audit import record
    from hub.notify.service import notify
    from hub.workflow import state as st
    from hub.workflow.access import holders

    state = st.state_of(item)
    if state is None:
        return
    wf = st.definition_of(state) if instance.workflow_version_id == state.workflow_version_id else None
    if wf is None:
        from hub.workflow import store
        from hub.workflow.models import WorkflowVersion

        wf = store.parsed(db.session.get(WorkflowVersion, instance.workflow_version_id))
    step = wf.steps[instance.step_index]
    role = wf.supervisor_of(instance.step_index)
    if not role:
        return
    supervisors = holders(item, replace(step, kind="review", role=role, by_creator=False))
    cal = st.calendar_for_item(item, state.version.workflow)
    from hub.dates import format_moment

    due_id = format_moment(instance.due_at, cal.tz, "id", "long")
    due_en = format_moment(instance.due_at, cal.tz, "en", "long")
    notify(
        supervisors,
        "escalated",
        item_id=item.id,
        url=f"/items/{item.id}",
        title_id=f"Eskalasi keterlambatan: {item.title}",
        title_en=f"Escalated, overdue: {item.title}",
        body_id=f"Langkah “{step.name_id}” masih terbuka jauh melewati batas waktu ({due_id}); mohon ditindaklanjuti.",
        body_en=f"Step “{step.name_en}” is still open well past its due time ({due_en}); please follow it up.",
    )
    record(
        "step.escalated",
        actor=None,
        target_type="item",
        target_id=item.id,
        details={"step": instance.step_key, "step_id": instance.id, "supervisor": role, "due_at": due_en},
    )


def refresh_anchored(now: dt.datetime) -> None:
    """Re-read the dates of every item with an open anchored step, so their due times are current."""
    from hub.workflow.due import refresh_due_times

    item_ids = (
        db.session.execute(
            db.select(StepInstance.item_id)
            .where(StepInstance.status == StepStatus.OPEN.value, StepInstance.due_anchor != "")
            .distinct()
        )
        .scalars()
        .all()
    )
    for item_id in item_ids:
        item = db.session.get(Item, item_id)
        if item is None:
            continue
        try:
            refresh_due_times(item, now)
            db.session.commit()
        except Exception:  # noqa: BLE001 - one item's broken dates must not stop the sweep
            db.session.rollback()
            log.exception("could not refresh the due times of item %s", item_id)


def _claim_each(due_column, mark_column, now: dt.datetime, tell) -> list[int]:
    """For every open step whose ``due_column`` has passed and ``mark_column`` is empty: set the mark
    (a conditional UPDATE, so two sweeps never both win), ``tell(instance, item)``, commit. Returns
    the step ids this sweep marked."""
    candidates = (
        db.session.execute(
            db.select(StepInstance.id).where(
                StepInstance.status == StepStatus.OPEN.value,
                due_column.is_not(None),
                due_column < now,
                mark_column.is_(None),
            )
        )
        .scalars()
        .all()
    )
    marked = []
    for step_id in candidates:
        won = db.session.execute(
            update(StepInstance)
            .where(StepInstance.id == step_id, mark_column.is_(None))
            .values({mark_column.key: now})
            .execution_options(synchronize_session=False)
        ).rowcount
        if won:
            instance = db.session.get(StepInstance, step_id)
            tell(instance, db.session.get(Item, instance.item_id))
            marked.append(step_id)
        db.session.commit()
    return marked


def check_escalations(now: dt.datetime | None = None) -> list[int]:
    """Tell the supervisors of every open step past its escalation time, once; returns the step ids."""
    return _claim_each(StepInstance.escalate_at, StepInstance.escalated_at, now or utcnow(), _escalate)


def check_overdue(now: dt.datetime | None = None) -> list[int]:
    """Flag and notify every open step past its due time that was not notified yet; returns their ids.

    First the anchored steps' due times are brought up to date; after flagging, the steps
    past their escalation time are escalated (:func:`check_escalations`).
    """
    now = now or utcnow()
    refresh_anchored(now)
    flagged = _claim_each(StepInstance.due_at, StepInstance.overdue_notified_at, now, _notify)
    check_escalations(now)
    return flagged


@job
def overdue_job(step_id: int | None = None) -> list[int]:
    """The scheduled check (``step_id`` only names the step that asked for it)."""
    from hub.notify.deliveries import queue_due

    flagged = check_overdue()
    try:
        queue_due()
    except Exception:  # noqa: BLE001 - Redis trouble: the next check tries again
        log.exception("could not queue due notification deliveries")
    return flagged


@job
def sweep_job() -> list[int]:
    """The periodic sweep: check, then schedule the next run."""
    try:
        return overdue_job()
    finally:
        ensure_sweep()


def ensure_sweep() -> None:
    """Schedule the next periodic sweep unless it is already scheduled (one job id per time slot)."""
    from flask import current_app
    from rq.exceptions import DuplicateJobError

    from hub.jobs import enqueue

    interval = int(current_app.config.get("WORKFLOW_OVERDUE_SWEEP") or 300)
    slot = int(utcnow().timestamp() // interval) + 1
    at = dt.datetime.fromtimestamp(slot * interval, dt.UTC)
    try:
        enqueue(sweep_job, job_id=f"hub-overdue-sweep-{slot}", at=at, unique=True, result_ttl=interval)
    except DuplicateJobError:
        pass


def schedule_check(step_id: int, due_at: dt.datetime, *, moved: bool = False) -> None:
    """Run :func:`overdue_job` just after ``due_at`` (a unique job id per step; a due time that moved,
    or an escalation time, gets its own id for that moment)."""
    from rq.exceptions import DuplicateJobError

    from hub.jobs import enqueue

    job_id = f"hub-overdue-{step_id}-{int(due_at.timestamp())}" if moved else f"hub-overdue-{step_id}"
    try:
        enqueue(overdue_job, step_id, job_id=job_id, at=due_at + dt.timedelta(seconds=5), unique=True)
    except DuplicateJobError:
        pass


def schedule_open_steps(item_id: int) -> None:
    """Schedule the due-time check of the item's open step and the periodic sweep (after a transition commits)."""
    rows = db.session.execute(
        db.select(StepInstance.id, StepInstance.due_at, StepInstance.escalate_at).where(
            StepInstance.item_id == item_id,
            StepInstance.status == StepStatus.OPEN.value,
            StepInstance.due_at.is_not(None),
        )
    ).all()
    for step_id, due_at, escalate_at in rows:
        try:
            schedule_check(step_id, due_at)
            if escalate_at is not None:
                schedule_check(step_id, escalate_at, moved=True)
        except Exception:  # noqa: BLE001 - Redis down: the next check or `hub workflow check-overdue` sweeps it
            log.warning("could not schedule the overdue check of step %s", step_id)
    if rows:
        try:
            ensure_sweep()
        except Exception:  # noqa: BLE001
            log.warning("could not schedule the periodic overdue sweep")
