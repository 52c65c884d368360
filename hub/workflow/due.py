"""When a step is due: its time limit after it opens, or a time tied to a date of the item.

A step whose definition says ``due: {anchor: publish_at, after: 15m}`` is due 15 minutes
after the item's ``publish_at``; ``before: 0m`` of ``meeting_start`` is due when the
meeting starts. The dates are the item's own (:func:`item_dates`: ``publish_at``,
``window_start``, ``window_end``, ``event_date``) and those plugins name through the
``item_dates`` hook. Without the date (no ``publish_at`` yet) the step's plain ``limit``
counts from when it opened, as for every other step.

When a date moves (a new ``publish_at``, a rescheduled meeting), :func:`refresh_due_times`
moves the open steps' due times with it and records the move on the step (the timeline
shows it) and in the audit trail. The overdue sweep calls it for every open anchored step
before flagging anything, so a date a plugin moved without calling it never yields a false
overdue alert.

Escalation: a step still open when it is overdue by its own time limit again
(``escalate_at``) is told to its supervisor's role once (:mod:`hub.workflow.overdue`).
"""

from __future__ import annotations

import datetime as dt
import logging

from hub.extensions import db
from hub.models import Item, Organisation, utcnow
from hub.workflow.calendar import WorkCalendar, office_timezone
from hub.workflow.definition import StepDef, WorkflowDef
from hub.workflow.duration import Duration
from hub.workflow.models import StepInstance, StepStatus

log = logging.getLogger(__name__)

#: the dates the core knows of every item (``event_date`` counts from 00:00 in the office's zone)
CORE_DATES = ("publish_at", "window_start", "window_end", "event_date")


def item_dates(item: Item) -> dict[str, dt.datetime]:
    """The item's named dates: the core's, then those plugins return from the ``item_dates`` hook.

    A core name is never replaced by a plugin's value; values that are not aware datetimes are
    left out (and logged), so a plugin's mistake never breaks a decision.
    """
    from hub.plugins import plugins

    dates: dict[str, dt.datetime] = {}
    try:
        answers = plugins().hook.item_dates(item=item)
    except Exception:  # noqa: BLE001 - a plugin's bug must not stop a decision: its dates are missing
        log.exception("item_dates hook failed for item %s", item.id)
        answers = []
    for answer in answers or []:
        for name, value in (answer or {}).items():
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                dates[str(name)] = value.astimezone(dt.UTC)
            else:
                log.warning("item_dates: %r of item %s is not an aware datetime", name, item.id)
    for name in ("publish_at", "window_start", "window_end"):
        dates.pop(name, None)
        value = getattr(item, name)
        if value is not None:
            dates[name] = value
    dates.pop("event_date", None)
    if item.event_date is not None:
        tz = office_timezone(db.session.get(Organisation, item.organisation_id))
        dates["event_date"] = dt.datetime.combine(item.event_date, dt.time(), tz).astimezone(dt.UTC)
    return dates


def known_anchor_names() -> list[str]:
    """Date names an administrator may pick in the step editor: the core's and those any stored
    workflow already anchors to (a plugin's templates name its own, e.g. a meeting's start)."""
    from hub.plugins import plugins
    from hub.workflow.models import WorkflowVersion

    names = set(CORE_DATES) | set(plugins().item_dates)
    for definition in db.session.execute(db.select(WorkflowVersion.definition)).scalars():
        for step in (definition or {}).get("steps") or []:
            anchor = (step.get("due") or {}).get("anchor") if isinstance(step, dict) else None
            if isinstance(anchor, str) and anchor:
                names.add(anchor)
    return sorted(names)


def _wall(moment: dt.datetime, offset: Duration, before: bool) -> dt.datetime:
    delta = dt.timedelta(days=offset.days, minutes=offset.minutes)
    return moment - delta if before else moment + delta


def anchored_due(step: StepDef, dates: dict[str, dt.datetime], cal: WorkCalendar) -> dt.datetime | None:
    """The due time the step's ``due`` rule gives with these dates; None without the anchor date."""
    rule = step.due
    moment = dates.get(rule.anchor) if rule is not None else None
    if moment is None:
        return None
    if rule.calendar == "working":
        return cal.subtract(moment, rule.offset) if rule.before else cal.add(moment, rule.offset)
    return _wall(moment, rule.offset, rule.before).astimezone(dt.UTC)


def due_time(
    step: StepDef, item: Item, started_at: dt.datetime, cal: WorkCalendar, dates: dict | None = None
) -> dt.datetime | None:
    """When a step that opened at ``started_at`` is due: from its anchor date when the item has it,
    else its plain time limit after it opened; None for a step without either."""
    if step.due is not None:
        due = anchored_due(step, item_dates(item) if dates is None else dates, cal)
        if due is not None:
            return due
    limit = step.limit_for(item.extra)
    return cal.add(started_at, limit) if limit else None


def own_limit(step: StepDef, item: Item) -> Duration | None:
    """The step's own time limit, which an overdue step waits again before escalating: its plain
    ``limit``, else the offset of its anchored due time; None when both are missing or zero."""
    limit = step.limit_for(item.extra) or (step.due.offset if step.due is not None else None)
    if limit is None or not (limit.days or limit.minutes):
        return None
    return limit


def escalation_time(
    wf: WorkflowDef, index: int, item: Item, due_at: dt.datetime | None, cal: WorkCalendar
) -> dt.datetime | None:
    """When the step, still open, escalates: its own time limit after its due time (working time, like
    limits); None without a due time, a time limit or a supervisor to tell."""
    limit = own_limit(wf.steps[index], item)
    if due_at is None or limit is None or not wf.supervisor_of(index):
        return None
    return cal.add(due_at, limit)


def set_due(instance: StepInstance, wf: WorkflowDef, item: Item, cal: WorkCalendar, dates: dict | None = None) -> None:
    """Fill a new step instance's ``due_at``, ``due_anchor`` and ``escalate_at``."""
    step = wf.steps[instance.step_index]
    instance.due_anchor = step.due.anchor if step.due is not None else ""
    instance.due_at = due_time(step, item, instance.started_at, cal, dates)
    instance.escalate_at = escalation_time(wf, instance.step_index, item, instance.due_at, cal)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def refresh_due_times(item: Item, now: dt.datetime | None = None) -> list[StepInstance]:
    """Re-compute the due times of the item's open anchored steps from its current dates.

    Call it after changing a date a step may be anchored to (the core does for ``publish_at``;
    a plugin does when it moves a date it returns from ``item_dates``, e.g. a rescheduled
    meeting). A step whose due time changes gets the new ``due_at`` and escalation time, its
    overdue flag cleared when the new due time is still ahead, the move recorded on the step
    (the timeline shows "due time moved from X to Y") and an audit entry ``step.due_moved``.
    Adds to the session and commits nothing (the caller commits with its own change); the
    overdue check at the new due time is scheduled once the session commits. Returns the steps
    whose due time changed.
    """
    from hub.audit import record
    from hub.workflow import state as st
    from hub.workflow import store

    now = now or utcnow()
    open_steps = [
        s
        for s in db.session.execute(
            db.select(StepInstance).where(
                StepInstance.item_id == item.id,
                StepInstance.status == StepStatus.OPEN.value,
                StepInstance.due_anchor != "",
            )
        ).scalars()
    ]
    if not open_steps:
        return []
    state = st.state_of(item)
    if state is None:
        return []
    cal = st.calendar_for_item(item, state.version.workflow)
    dates = item_dates(item)
    moved = []
    for instance in open_steps:
        wf = store.parsed(_version_of(instance, state))
        step = wf.steps[instance.step_index]
        due = due_time(step, item, instance.started_at, cal, dates)
        if due == instance.due_at:
            continue
        old = instance.due_at
        instance.due_at = due
        instance.escalate_at = escalation_time(wf, instance.step_index, item, due, cal)
        if due is None or due > now:
            instance.overdue_notified_at = None
            instance.escalated_at = None
        change = {"at": _iso(now), "from": _iso(old), "to": _iso(due), "anchor": instance.due_anchor}
        instance.due_changes = [*(instance.due_changes or []), change]
        record(
            "step.due_moved",
            actor=None,
            target_type="item",
            target_id=item.id,
            details={"step": instance.step_key, "step_id": instance.id, **change},
        )
        moved.append(instance)
        _schedule_after_commit(instance.id, due, instance.escalate_at)
    return moved


def _version_of(instance: StepInstance, state):
    if instance.workflow_version_id == state.workflow_version_id:
        return state.version
    from hub.workflow.models import WorkflowVersion

    return db.session.get(WorkflowVersion, instance.workflow_version_id)


_SCHEDULE_KEY = "hub.workflow.due.schedule"


def _schedule_after_commit(step_id: int, *moments: dt.datetime | None) -> None:
    db.session.info.setdefault(_SCHEDULE_KEY, []).extend((step_id, m) for m in moments if m is not None)


def _install_listeners() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "after_commit")
    def _after_commit(session: Session) -> None:
        pending = session.info.pop(_SCHEDULE_KEY, None)
        if not pending:
            return
        from hub.workflow.overdue import schedule_check

        for step_id, moment in pending:
            try:
                schedule_check(step_id, moment, moved=True)
            except Exception:  # noqa: BLE001 - Redis down: the periodic sweep finds the step
                log.warning("could not schedule the check of step %s at its moved due time", step_id)

    @event.listens_for(Session, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_SCHEDULE_KEY, None)


_install_listeners()
