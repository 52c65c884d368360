"""An item's place in its workflow: reading it, claiming it, entering and closing steps.

:func:`claim` is the one-winner guarantee: a conditional ``UPDATE item_workflow SET
revision = revision + 1 WHERE item_id = … AND revision = <seen> AND step_index = <seen>``.
Of two transactions that saw the same state only the first to update matches a row (on
PostgreSQL the second waits for the first to commit, then matches nothing; on SQLite the
write lock does the same), and the second gets :class:`DecisionConflict`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from hub.extensions import db
from hub.models import Item, Organisation, User
from hub.workflow import store
from hub.workflow.access import instance_role
from hub.workflow.calendar import WorkCalendar, calendar_for
from hub.workflow.definition import WorkflowDef
from hub.workflow.due import set_due
from hub.workflow.errors import DecisionConflict
from hub.workflow.models import ItemWorkflow, StepInstance, StepStatus, Workflow

#: loader options for an item whose channels and assets are not needed (a transition of its
#: workflow): they stay unloaded until read, instead of two ``selectin`` loads on every get
PLAIN_ITEM = (lazyload(Item.channels), lazyload(Item.assets))


def state_of(item: Item) -> ItemWorkflow | None:
    return db.session.get(ItemWorkflow, item.id)


def definition_of(state: ItemWorkflow) -> WorkflowDef:
    return store.parsed(state.version)


def open_step(item_id: int) -> StepInstance | None:
    """The item's open step instance (at most one is open at a time)."""
    return db.session.execute(
        db.select(StepInstance)
        .where(StepInstance.item_id == item_id, StepInstance.status == StepStatus.OPEN.value)
        .order_by(StepInstance.id.desc())
        .limit(1)
    ).scalar()


def steps_of(item_id: int) -> list[StepInstance]:
    return list(
        db.session.execute(
            db.select(StepInstance).where(StepInstance.item_id == item_id).order_by(StepInstance.id)
        ).scalars()
    )


def calendar_office(item: Item, workflow: Workflow | None) -> Organisation | None:
    """Whose working calendar counts the time limits: the workflow's office, else the operator
    office (the first organisation of kind "operator"), else the item's own office."""
    if workflow is not None and workflow.organisation_id is not None:
        return db.session.get(Organisation, workflow.organisation_id)
    operator = db.session.execute(
        db.select(Organisation).where(Organisation.kind == "operator").order_by(Organisation.id).limit(1)
    ).scalar()
    return operator or db.session.get(Organisation, item.organisation_id)


def calendar_for_item(item: Item, workflow: Workflow | None) -> WorkCalendar:
    return calendar_for(calendar_office(item, workflow))


class LazyCalendar:
    """The item's :class:`WorkCalendar`, read from the database on first use.

    A decision needs the calendar only when it enters a step with a time limit (its due time
    and the text telling who acts); most closing decisions (the publish step, a rejection)
    never read it, and skip the four statements it costs.
    """

    def __init__(self, item: Item, state: ItemWorkflow):
        self._item, self._state, self._calendar = item, state, None

    def __getattr__(self, name: str):
        if self._calendar is None:
            self._calendar = calendar_for_item(self._item, self._state.version.workflow)
        return getattr(self._calendar, name)


def conflict(exc: Exception | None = None) -> DecisionConflict:
    return DecisionConflict(
        "Konten ini baru saja diputuskan atau diubah oleh orang lain. Muat ulang halaman dan periksa kembali.",
        "This item was just decided or changed by someone else. Reload the page and look again.",
    )


def claim(state: ItemWorkflow, seen_revision: int, seen_index: int | None) -> None:
    """Bump the state's revision if nobody changed it since it was read; else :class:`DecisionConflict`.

    Call it before writing anything else in the transaction.
    """
    index_matches = ItemWorkflow.step_index.is_(None) if seen_index is None else ItemWorkflow.step_index == seen_index
    stmt = (
        update(ItemWorkflow)
        .where(ItemWorkflow.item_id == state.item_id, ItemWorkflow.revision == seen_revision, index_matches)
        .values(revision=seen_revision + 1)
        .execution_options(synchronize_session=False)
    )
    try:
        matched = db.session.execute(stmt).rowcount
    except OperationalError as exc:  # SQLite: another writer holds or took the database
        db.session.rollback()
        raise conflict(exc) from exc
    if matched != 1:
        db.session.rollback()
        raise conflict()
    set_committed_value(state, "revision", seen_revision + 1)


def enter(
    item: Item, state: ItemWorkflow, wf: WorkflowDef, index: int, now: dt.datetime, cal: WorkCalendar
) -> StepInstance | None:
    """Open step ``index`` (a new round if it was entered before); past the last step: finish.

    Its due time is its time limit after now, or the time its ``due`` rule ties to a date of the
    item (:mod:`hub.workflow.due`), with the time it escalates when still open.
    """
    if index >= len(wf.steps):
        state.step_index = None
        state.completed_at = now
        return None
    step = wf.steps[index]
    rounds = db.session.execute(
        db.select(db.func.count(StepInstance.id)).where(
            StepInstance.item_id == item.id, StepInstance.step_index == index
        )
    ).scalar_one()
    limit = step.limit_for(item.extra)
    instance = StepInstance(
        item_id=item.id,
        workflow_version_id=state.workflow_version_id,
        step_index=index,
        step_key=step.key,
        kind=step.kind,
        role=instance_role(step),
        round=rounds + 1,
        status=StepStatus.OPEN.value,
        time_limit=str(limit) if limit else "",
        started_at=now,
    )
    set_due(instance, wf, item, cal)
    db.session.add(instance)
    state.step_index = index
    return instance


def close(instance: StepInstance, status: StepStatus, user: User | None, now: dt.datetime) -> None:
    instance.status = status.value
    instance.decided_at = now
    instance.decided_by_id = getattr(user, "id", None)


def record_preparation(
    item: Item, state: ItemWorkflow, wf: WorkflowDef, user: User, now: dt.datetime, cal: WorkCalendar
) -> None:
    """At the first submission: the preparation steps, from the item's creation to now, as closed steps.

    Each starts when the one before was due (the first at the item's creation), so a
    creator who took longer than the SOP allows shows as late on the timeline.
    """
    started = min(item.created_at or now, now)
    for index, step in enumerate(wf.steps):
        if step.kind != "prepare":
            break
        limit = step.limit_for(item.extra)
        due = cal.add(started, limit) if limit else None
        instance = StepInstance(
            item_id=item.id,
            workflow_version_id=state.workflow_version_id,
            step_index=index,
            step_key=step.key,
            kind=step.kind,
            role=instance_role(step),
            round=1,
            time_limit=str(limit) if limit else "",
            started_at=started,
            due_at=due,
        )
        close(instance, StepStatus.SUBMITTED, user, now)
        db.session.add(instance)
        started = min(due or started, now)
