"""The decision engine: submit an item, decide its steps in order, withdraw it.

Every function here is one transaction: it checks everything first (who, which step,
comment, checklist, the channels' checks), then claims the item's workflow state
(:func:`hub.workflow.state.claim`, the conditional UPDATE that lets exactly one of two
simultaneous decisions through), then writes the step change, the decision, the audit
entry, the notifications and — at the final approval — the publication rows, and
commits. Only after the commit are the publications handed to the queue and the
``item_status_changed`` hook fired.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError

from hub.extensions import db
from hub.models import Item, ItemStatus, User, utcnow
from hub.workflow import effects, store
from hub.workflow import state as st
from hub.workflow.access import check_can_act
from hub.workflow.checks import require_checklist, require_step_ready, require_valid
from hub.workflow.errors import DecisionConflict, InvalidRequest, NotAllowed
from hub.workflow.models import Decision, ItemWorkflow, StepStatus
from hub.workflow.selection import select_workflow

S = ItemStatus
SUBMITTABLE = (S.DRAFT.value, S.RETURNED.value)


def _item(item_id: int) -> Item:
    # channels and assets load when read (the channels' checks), not on every decision
    item = db.session.get(Item, item_id, populate_existing=True, options=st.PLAIN_ITEM)
    if item is None:
        raise InvalidRequest(f"Konten {item_id} tidak ada.", f"Item {item_id} does not exist.")
    return item


def submit(item_id: int, user: User) -> Item:
    """The creator sends a draft (or a returned item) into its workflow.

    The channels' checks run first (:class:`ChecksFailed` lists the problems). A first
    submission picks the workflow (the item keeps that version) and records the
    preparation steps; a resubmission after a return re-enters at the step that returned it.
    """
    item = _item(item_id)
    if item.created_by_id != user.id:
        raise NotAllowed("Hanya pembuat konten yang dapat mengajukannya.", "Only the item's creator can submit it.")
    if item.status not in SUBMITTABLE:
        raise DecisionConflict(
            "Konten ini sudah diajukan; hanya draf atau konten yang dikembalikan yang dapat diajukan.",
            "This item was already submitted; only drafts and returned items can be submitted.",
        )
    require_valid(item, "submit")
    now = utcnow()
    state = st.state_of(item)
    if state is None:
        workflow = select_workflow(item)
        version = store.get_version(workflow)
        wf = store.parsed(version)
        cal = st.calendar_for_item(item, workflow)
        state = ItemWorkflow(item_id=item.id, workflow_version_id=version.id, revision=1, submitted_at=now)
        db.session.add(state)
        try:
            db.session.flush()
        except IntegrityError as exc:  # submitted twice at the same moment
            db.session.rollback()
            raise st.conflict(exc) from exc
        st.record_preparation(item, state, wf, user, now, cal)
        target = wf.first_decision_index
    else:
        wf = st.definition_of(state)
        cal = st.calendar_for_item(item, state.version.workflow)
        st.claim(state, state.revision, state.step_index)
        current = st.open_step(item.id)
        if current is not None:
            st.close(current, StepStatus.SUBMITTED, user, now)
        target = state.resume_index if state.resume_index is not None else wf.first_decision_index
        state.resume_index = None
    old = item.status
    item.status = S.IN_REVIEW.value
    instance = st.enter(item, state, wf, target, now, cal)
    db.session.flush()
    effects.audit(
        "item.submitted",
        actor=user,
        item=item,
        details={
            "workflow": state.version.workflow.code,
            "version": state.version.number,
            "resubmission": old == S.RETURNED.value,
            "next": effects.step_details(instance, wf.steps[target] if target < len(wf.steps) else None),
        },
    )
    effects.notify_step(item, wf.steps[target], instance, cal)
    effects.commit(effects.AfterCommit(item.id, old, item.status))
    return item


def decide(
    item_id: int,
    user: User | None,
    decision: str,
    *,
    step_id: int | None = None,
    comment: str = "",
    return_to: str | None = None,
    checklist: list[str] | tuple[str, ...] = (),
    publish_at: dt.datetime | None = None,
    system: bool = False,
    step_kind: str | None = None,
) -> Decision:
    """Decide the item's current step: ``approve``, ``return`` (to ``creator`` or ``previous``)
    or ``reject``. ``step_id`` names the step the person looked at; a different (older or
    later) step is refused, so nothing is decided twice and no step is skipped.
    ``system=True`` is the dispatcher completing a publish step (no person, no checks);
    ``step_kind`` refuses (:class:`DecisionConflict`) a current step of another kind.
    """
    item = _item(item_id)
    state = st.state_of(item)
    current = st.open_step(item.id) if state is not None else None
    if state is None or state.step_index is None or current is None or current.step_index != state.step_index:
        raise DecisionConflict(
            "Konten ini tidak sedang menunggu keputusan.", "This item is not waiting for a decision."
        )
    if step_kind is not None and current.kind != step_kind:
        raise DecisionConflict(
            "Langkah yang sedang berjalan bukan langkah yang dimaksud.",
            "The current step is not of the kind meant.",
            current_step_id=current.id,
        )
    if step_id is not None and step_id != current.id:
        raise DecisionConflict(
            "Langkah itu bukan langkah yang sedang berjalan (sudah diputuskan atau belum tiba). Muat ulang.",
            "That step is not the current one (it was already decided or has not come yet). Reload the page.",
            current_step_id=current.id,
        )
    wf = st.definition_of(state)
    step = wf.steps[state.step_index]
    comment = (comment or "").strip()
    acting = None if system else check_can_act(user, item, step, state.step_index)
    if decision not in step.decisions:
        raise InvalidRequest(
            f"Keputusan {decision!r} tidak tersedia pada langkah ini (pilih: {', '.join(step.decisions)}).",
            f"Decision {decision!r} is not available at this step (choose: {', '.join(step.decisions)}).",
            field="decision",
        )
    if decision in ("return", "reject") and not comment:
        raise InvalidRequest(
            "Tuliskan alasan pengembalian atau penolakan.",
            "Write why the item is returned or rejected.",
            field="comment",
        )
    if decision == "return":
        return_to = return_to or step.return_to[0]
        if return_to not in step.return_to:
            raise InvalidRequest(
                f"Pengembalian ke {return_to!r} tidak tersedia di langkah ini.",
                f"Returning to {return_to!r} is not available at this step.",
                field="return_to",
            )
    confirmed: list[str] = []
    if decision == "approve" and not system:
        if step.checklist:
            confirmed = require_checklist(wf, checklist)
        require_step_ready(item, step)
        if step.kind == "approval":
            if publish_at is not None:
                item.publish_at = publish_at
            require_valid(item, "approve")
    if publish_at is not None and not (decision == "approve" and step.kind == "approval"):
        raise InvalidRequest(
            "Waktu terbit hanya ditetapkan pada persetujuan akhir.",
            "A publish time is set only at the final approval.",
            field="publish_at",
        )

    st.claim(state, state.revision, state.step_index)
    now = utcnow()
    cal = st.LazyCalendar(item, state)
    old = item.status
    after = effects.AfterCommit(item.id, old)
    status = {"approve": StepStatus.APPROVED, "return": StepStatus.RETURNED, "reject": StepStatus.REJECTED}
    st.close(current, status[decision], user, now)
    record = Decision(
        item_id=item.id,
        step_id=current.id,
        actor_id=getattr(user, "id", None),
        decision=decision,
        return_to=return_to if decision == "return" else None,
        comment=comment,
        checklist=confirmed,
        due_at=current.due_at,
        decided_at=now,
        late=current.due_at is not None and now > current.due_at,
        **effects.acting_columns(acting),
    )
    db.session.add(record)
    nxt = _apply(item, state, wf, decision, return_to, comment, now, cal, after)
    # at most one step is open at a time: none entered, none whose due time needs a check
    after.schedule_overdue = nxt is not None
    db.session.flush()
    effects.audit(
        "item.decision",
        actor=user,
        item=item,
        details={
            "decision": decision,
            "return_to": record.return_to,
            "comment": comment,
            "checklist": confirmed,
            "decided_at": effects.iso(now),
            "late": record.late,
            **effects.acting_details(acting),
            **effects.step_details(current, step),
            "next": effects.step_details(nxt, wf.steps[nxt.step_index] if nxt is not None else None),
        },
    )
    if acting is not None:
        effects.notify_acted_for(item, acting, user, decision, step)
    after.new_status = item.status
    effects.commit(after)
    return record


def _apply(item, state, wf, decision, return_to, comment, now, cal, after):
    """Move the item after a decision; returns the step instance entered (if any)."""
    index = state.step_index
    step = wf.steps[index]
    if decision == "reject":
        item.status = S.REJECTED.value
        state.step_index, state.completed_at = None, now
        effects.notify_creator(item, "rejected", f"Ditolak: {item.title}", f"Rejected: {item.title}", comment, comment)
        return None
    if decision == "return":
        state.resume_index = index
        target = index - 1 if return_to == "previous" else None
        if target is None or wf.steps[target].kind == "prepare":
            item.status = S.RETURNED.value
            prepare = wf.last_prepare_index
            instance = st.enter(item, state, wf, prepare, now, cal) if prepare is not None else None
            if instance is None:
                state.step_index = None
            effects.notify_creator(
                item,
                "returned",
                f"Dikembalikan untuk perbaikan: {item.title}",
                f"Returned for revision: {item.title}",
                f"Langkah: {step.name_id}. {comment}",
                f"Step: {step.name_en}. {comment}",
            )
            return instance
        instance = st.enter(item, state, wf, target, now, cal)
        effects.notify_step(item, wf.steps[target], instance, cal)
        return instance
    if step.kind == "approval":
        from hub.dispatch import create_publications, republish_published, transitions

        item.status = S.APPROVED.value
        state.approved_at = now
        db.session.flush()
        # a revision of a published item: its published copies are sent again (updated in place)
        republished = republish_published(item)
        after.publication_events = transitions.take_events()
        after.kick = bool(create_publications(item)) or bool(republished)
        effects.notify_creator(item, "approved", f"Disetujui: {item.title}", f"Approved: {item.title}")
    instance = st.enter(item, state, wf, index + 1, now, cal)
    if instance is not None:
        effects.notify_step(item, wf.steps[index + 1], instance, cal)
    return instance


def withdraw(item_id: int, user: User) -> Item:
    """The creator takes back an item that is not approved yet."""
    item = _item(item_id)
    if item.created_by_id != user.id:
        raise NotAllowed("Hanya pembuat konten yang dapat menariknya.", "Only the item's creator can withdraw it.")
    if item.status not in (S.DRAFT.value, S.IN_REVIEW.value, S.RETURNED.value):
        raise DecisionConflict(
            "Konten yang sudah disetujui, ditolak atau ditarik tidak dapat ditarik lagi.",
            "An approved, rejected or withdrawn item cannot be withdrawn.",
        )
    from hub.models import Publication, PublicationStatus

    live = db.session.execute(
        db.select(db.func.count(Publication.id)).where(
            Publication.item_id == item.id, Publication.status == PublicationStatus.PUBLISHED.value
        )
    ).scalar_one()
    if live:
        raise DecisionConflict(
            "Konten ini sudah terbit; revisinya tidak dapat ditarik. Minta admin kanal menurunkan publikasinya.",
            "This item is published; its revision cannot be withdrawn. Ask the channel admin to unpublish it.",
        )
    state = st.state_of(item)
    now = utcnow()
    if state is not None:
        st.claim(state, state.revision, state.step_index)
        current = st.open_step(item.id)
        if current is not None:
            st.close(current, StepStatus.CANCELLED, user, now)
        state.step_index, state.completed_at = None, now
    old = item.status
    item.status = S.WITHDRAWN.value
    effects.audit("item.withdrawn", actor=user, item=item, details={"from": old})
    effects.commit(effects.AfterCommit(item.id, old, item.status))
    return item


def may_revise(user: User, item: Item) -> bool:
    """Whether ``user`` may open a revision of ``item`` now (the conditions :func:`revise` checks)."""
    if item.created_by_id != user.id or item.status != S.APPROVED.value:
        return False
    state = st.state_of(item)
    return state is not None and state.step_index is None


def revise(item_id: int, user: User) -> Item:
    """The creator opens a revision of an approved item (a correction after publication).

    Only when its workflow has finished (everything published or closed). The item goes back
    to its creator as ``returned``; once resubmitted it passes every review step again from
    the first, and the final approval sends its published copies again: the channels update
    them (:func:`hub.dispatch.republish_published`). Audited as ``item.revision_started``.
    """
    item = _item(item_id)
    if item.created_by_id != user.id:
        raise NotAllowed("Hanya pembuat konten yang dapat merevisinya.", "Only the item's creator can revise it.")
    state = st.state_of(item)
    if item.status != S.APPROVED.value or state is None:
        raise DecisionConflict(
            "Hanya konten yang sudah disetujui yang dapat direvisi setelah terbit.",
            "Only an approved item can be revised after publication.",
        )
    if state.step_index is not None:
        raise DecisionConflict(
            "Alur kerja konten ini belum selesai (publikasi masih berjalan); revisi setelah semua kanal selesai.",
            "This item's workflow has not finished (publishing is still going on); revise it once every channel"
            " is done.",
        )
    st.claim(state, state.revision, None)
    now = utcnow()
    wf = st.definition_of(state)
    cal = st.calendar_for_item(item, state.version.workflow)
    old = item.status
    item.status = S.RETURNED.value
    state.completed_at = None
    state.approved_at = None
    state.resume_index = wf.first_decision_index
    prepare = wf.last_prepare_index
    if prepare is not None:
        st.enter(item, state, wf, prepare, now, cal)
    effects.audit("item.revision_started", actor=user, item=item, details={"from": old})
    effects.commit(effects.AfterCommit(item.id, old, item.status))
    return item


def complete_publish_step(item_id: int) -> bool:
    """Close the item's open publish step when every publication has reached its channel.

    Called after each publication change; True when it closed the step (and committed
    whatever the session held with it). A concurrent close (an admin confirming) makes this
    one a no-op.
    """
    from hub.models import Publication, PublicationStatus

    # the cheap test first: an item with several publications is called once per publication
    statuses = set(db.session.execute(db.select(Publication.status).where(Publication.item_id == item_id)).scalars())
    done = {PublicationStatus.PUBLISHED.value, PublicationStatus.CANCELLED.value, PublicationStatus.UNPUBLISHED.value}
    if not statuses or not statuses <= done or PublicationStatus.PUBLISHED.value not in statuses:
        return False
    try:  # decide() reads the item, its state and its open step (a publish step, or nothing happens)
        decide(item_id, None, "approve", system=True, comment="", step_kind="publish")
    except DecisionConflict:
        return False
    return True
