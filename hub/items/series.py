"""Series: an item that repeats (weekly spots on the screens, a Monday meeting, a monthly information update).

A series is an item with a ``recurrence`` rule (weekly or monthly, every ``interval`` weeks or
months, ``count`` times or ``until`` a date), counted from its ``publish_at`` in the office's time
zone: each occurrence keeps the weekday (or the day of the month) and the time of day of the first.
The rule is expanded with python-dateutil's ``rrule`` into :class:`~hub.models.ItemOccurrence` rows
while the item is prepared. The series passes the approval chain once; the final approval creates
one publication per (channel target, occurrence) at the occurrence's time
(:func:`hub.dispatch.outbox.create_publications`), each with its own idempotency key, so each goes
out once at its own time. One occurrence can be cancelled or moved on its own
(:func:`cancel_occurrence`, :func:`move_occurrence`, audited); changing the rule of an approved
series is a revision through the chain (:func:`open_revision`). See docs/workflows.md "Series".
"""

from __future__ import annotations

import datetime as dt
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from flask import current_app

from hub.extensions import db
from hub.models import Item, ItemOccurrence, ItemStatus, OccurrenceStatus, Organisation, Publication, User
from hub.models import PublicationStatus as PS
from hub.workflow.errors import DecisionConflict, InvalidRequest, NotAllowed

FREQUENCIES = {"weekly": WEEKLY, "monthly": MONTHLY}
#: publications of an occurrence that have not gone out yet (cancelled or moved with it)
NOT_SENT = {PS.PENDING.value, PS.QUEUED.value, PS.FAILED.value, PS.NEEDS_ATTENTION.value}


def max_occurrences() -> int:
    return int(current_app.config.get("SERIES_MAX_OCCURRENCES", 52))


def office_zone(item: Item) -> ZoneInfo:
    """The time zone of the item's office (the rule's times of day are in it)."""
    from hub.workflow.calendar import office_timezone

    return office_timezone(db.session.get(Organisation, item.organisation_id) if item.organisation_id else None)


def clean_rule(raw) -> dict | None:
    """The repeat rule from the form or the API, checked; None (or ``freq`` "none"/""): no series.

    Raises :class:`InvalidRequest` naming the ``recurrence.<field>``.
    """
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise InvalidRequest(
            "Aturan pengulangan harus berupa objek.", "The repeat rule must be an object.", field="recurrence"
        )
    freq = str(raw.get("freq") or "none")
    if freq == "none":
        return None
    if freq not in FREQUENCIES:
        raise InvalidRequest(
            "Pengulangan: pilih mingguan atau bulanan.", "Repeat: choose weekly or monthly.", field="recurrence.freq"
        )
    try:
        interval = int(raw.get("interval") or 1)
    except (TypeError, ValueError):
        interval = 0
    if not 1 <= interval <= 12:
        raise InvalidRequest(
            "Jarak pengulangan 1 sampai 12.", "The repeat interval is 1 to 12.", field="recurrence.interval"
        )
    count, until = raw.get("count"), raw.get("until")
    if count in ("", None) and until in ("", None):
        raise InvalidRequest(
            "Isi jumlah kali atau tanggal akhir pengulangan.",
            "Give the number of times or the date the series ends.",
            field="recurrence.count",
        )
    rule = {"freq": freq, "interval": interval}
    limit = max_occurrences()
    if count not in ("", None):
        try:
            count = int(count)
        except (TypeError, ValueError):
            count = 0
        if not 1 <= count <= limit:
            raise InvalidRequest(
                f"Jumlah kali 1 sampai {limit}.", f"The number of times is 1 to {limit}.", field="recurrence.count"
            )
        rule["count"] = count
    else:
        try:
            rule["until"] = dt.date.fromisoformat(str(until)).isoformat()
        except ValueError:
            raise InvalidRequest(
                "Tanggal akhir pengulangan harus berformat YYYY-MM-DD.",
                "The series' end date must be YYYY-MM-DD.",
                field="recurrence.until",
            ) from None
    return rule


def expand(rule: dict, first: dt.datetime, tz: ZoneInfo) -> list[dt.datetime]:
    """The occurrence times (aware UTC) of ``rule`` from ``first``, in wall-clock time of ``tz``.

    Monthly on the 29th-31st skips the months that lack that day (rrule's rule, as calendars do).
    """
    local = first.astimezone(tz).replace(tzinfo=None)
    limit = max_occurrences()
    kwargs = {"dtstart": local, "interval": int(rule.get("interval") or 1)}
    if rule.get("count"):
        kwargs["count"] = int(rule["count"])
    else:
        kwargs["until"] = dt.datetime.combine(dt.date.fromisoformat(rule["until"]), dt.time.max)
    # at most one more than allowed, to tell "too many" apart without expanding years of dates
    times = islice(rrule(FREQUENCIES[rule["freq"]], **kwargs), limit + 1)
    return [t.replace(tzinfo=tz).astimezone(dt.UTC) for t in times]


def check(item: Item) -> list[dt.datetime]:
    """The occurrence times of the item's rule; :class:`InvalidRequest` when the rule cannot be used."""
    rule = item.recurrence
    if not item.publish_at:
        raise InvalidRequest(
            "Seri butuh waktu terbit pertama (jadwal terbit).",
            "A series needs the time of its first publication (publish at).",
            field="publish_at",
        )
    tz = office_zone(item)
    if rule.get("until") and dt.date.fromisoformat(rule["until"]) < item.publish_at.astimezone(tz).date():
        raise InvalidRequest(
            "Tanggal akhir pengulangan sebelum waktu terbit pertama.",
            "The series ends before its first publication.",
            field="recurrence.until",
        )
    times = expand(rule, item.publish_at, tz)
    limit = max_occurrences()
    if len(times) > limit:
        raise InvalidRequest(
            f"Seri ini lebih dari {limit} kali; pilih tanggal akhir lebih awal.",
            f"This series has more than {limit} occurrences; choose an earlier end date.",
            field="recurrence.until",
        )
    return times


def occurrences(item_id: int) -> list[ItemOccurrence]:
    """The item's occurrences in number order (one query)."""
    return list(
        db.session.execute(
            db.select(ItemOccurrence).where(ItemOccurrence.item_id == item_id).order_by(ItemOccurrence.number)
        ).scalars()
    )


def sync(item: Item) -> None:
    """Write the occurrences of the item's rule (none when it is not a series); no commit.

    Called when the rule or the first time changes while the item is prepared: occurrences are
    written again from the rule, so a moved or cancelled occurrence follows the new rule
    (a number the new rule still has keeps its cancellation).
    """
    if item.id is None:
        db.session.flush()
    existing = {o.number: o for o in occurrences(item.id)}
    times = check(item) if item.recurrence else []
    for number, when in enumerate(times, start=1):
        occ = existing.pop(number, None)
        if occ is None:
            db.session.add(
                ItemOccurrence(
                    item_id=item.id,
                    number=number,
                    starts_at=when,
                    rule_starts_at=when,
                    status=OccurrenceStatus.PLANNED.value,
                )
            )
            continue
        occ.rule_starts_at = when
        if occ.status != OccurrenceStatus.CANCELLED.value:
            occ.starts_at, occ.status = when, OccurrenceStatus.PLANNED.value
    for occ in existing.values():
        db.session.delete(occ)
    db.session.flush()


def may_change(user: User | None, item: Item) -> bool:
    """The creator, or a person who manages publications, may cancel or move one occurrence."""
    from hub.permissions import can_view_item, has_permission

    if user is None or not can_view_item(user, item):
        return False
    return item.created_by_id == user.id or has_permission(user, "publication.manage")


def may_revise(user: User | None, item: Item) -> bool:
    """Whether ``user`` may open a revision now: the engine's conditions, or (a series) while its
    publish step waits for occurrences to come (:func:`open_revision`)."""
    from hub.workflow import engine
    from hub.workflow import state as st

    if engine.may_revise(user, item):
        return True
    if user is None or not item.recurrence or item.created_by_id != user.id or item.status != ItemStatus.APPROVED.value:
        return False
    current = st.open_step(item.id)
    return current is not None and current.kind == "publish"


def _occurrence(item: Item, number: int, user: User | None) -> ItemOccurrence:
    if not item.recurrence:
        raise InvalidRequest("Konten ini bukan seri.", "This item is not a series.", field="occurrence")
    if user is not None and not may_change(user, item):
        raise NotAllowed("Anda tidak dapat mengubah jadwal seri ini.", "You cannot change this series' occurrences.")
    if item.status in (ItemStatus.REJECTED.value, ItemStatus.WITHDRAWN.value):
        raise DecisionConflict("Seri ini sudah selesai.", "This series is closed.")
    occ = db.session.execute(
        db.select(ItemOccurrence).where(ItemOccurrence.item_id == item.id, ItemOccurrence.number == int(number))
    ).scalar_one_or_none()
    if occ is None:
        raise InvalidRequest("Jadwal seri tidak ditemukan.", "Occurrence not found.", field="occurrence")
    return occ


def _publications(item_id: int, number: int) -> list[Publication]:
    return list(
        db.session.execute(
            db.select(Publication)
            .where(Publication.item_id == item_id, Publication.occurrence == number)
            .order_by(Publication.id)
        ).scalars()
    )


def _refuse_if_out(item_id: int, number: int) -> None:
    """An occurrence every publication of which has gone out is history: it is neither cancelled nor moved."""
    statuses = {p.status for p in _publications(item_id, number)}
    if statuses and not statuses & NOT_SENT:
        raise DecisionConflict(
            "Jadwal ini sudah terbit; minta admin kanal menurunkan publikasinya bila perlu.",
            "This occurrence has gone out; ask the channel admin to unpublish it if needed.",
        )


def cancel_occurrence(item: Item, number: int, user: User | None) -> ItemOccurrence:
    """Cancel one occurrence: its publications that have not gone out are cancelled (audited as
    ``publication.cancel``), the others stay; the occurrence is audited as ``item.occurrence_cancelled``."""
    from hub.audit import record
    from hub.dispatch import transitions

    occ = _occurrence(item, number, user)
    if occ.status == OccurrenceStatus.CANCELLED.value:
        return occ
    _refuse_if_out(item.id, occ.number)
    cancelled = _cancel_unsent(item.id, occ.number, user, occ.number)
    _stop_occurrence_item(occ, user)
    occ.status = OccurrenceStatus.CANCELLED.value
    record(
        "item.occurrence_cancelled",
        actor=user,
        target_type="item",
        target_id=item.id,
        details={"occurrence": occ.number, "starts_at": occ.starts_at.isoformat(), "publications": cancelled},
    )
    transitions.commit()
    _close_publish_step_if_done(item.id)
    return occ


def move_occurrence(item: Item, number: int, when: dt.datetime, user: User | None) -> ItemOccurrence:
    """Move one occurrence to ``when`` (aware): its publications not yet out go at the new time."""
    from hub.audit import record
    from hub.dispatch import relay

    occ = _occurrence(item, number, user)
    if occ.status == OccurrenceStatus.CANCELLED.value:
        raise DecisionConflict("Jadwal ini sudah dibatalkan.", "This occurrence is cancelled.")
    _refuse_if_out(item.id, occ.number)
    before = occ.starts_at
    occ.starts_at = when.astimezone(dt.UTC)
    occ.status = (
        OccurrenceStatus.PLANNED.value if occ.starts_at == occ.rule_starts_at else OccurrenceStatus.CHANGED.value
    )
    moved = []
    for pub in _publications(item.id, occ.number):
        if pub.status in (PS.PENDING.value, PS.QUEUED.value):
            if pub.status == PS.QUEUED.value:
                relay.delete_job(relay.publish_job_id(pub))  # the job at the old time
            pub.scheduled_at = occ.starts_at
            moved.append(pub)
    record(
        "item.occurrence_moved",
        actor=user,
        target_type="item",
        target_id=item.id,
        details={"occurrence": occ.number, "from": before.isoformat(), "to": occ.starts_at.isoformat()},
    )
    db.session.commit()
    for pub in moved:
        if pub.status == PS.QUEUED.value:
            try:
                relay.enqueue_publication(pub)
            except Exception:  # noqa: BLE001 - Redis down: the reconciler enqueues queued rows again
                pass
    return occ


def _close_publish_step_if_done(item_id: int) -> None:
    from hub.workflow.engine import complete_publish_step

    complete_publish_step(item_id)


def open_revision(item_id: int, user: User) -> Item:
    """The creator changes an approved series (its rule, its text): a revision through the chain.

    While occurrences are still to come the publish step is open; their publications that have not
    gone out are cancelled (they are planned again by the next final approval) and the publish step
    is closed, then :func:`hub.workflow.engine.revise` sends the item back to its creator.
    """
    from hub.dispatch import transitions
    from hub.workflow import state as st
    from hub.workflow.engine import revise
    from hub.workflow.models import StepStatus

    item = db.session.get(Item, item_id)
    if item is None or not item.recurrence or item.created_by_id != user.id or item.status != ItemStatus.APPROVED.value:
        return revise(item_id, user)  # the engine's own refusals
    state = st.state_of(item)
    current = st.open_step(item.id)
    if state is not None and current is not None and current.kind == "publish":
        st.claim(state, state.revision, state.step_index)
        for pub in db.session.execute(
            db.select(Publication).where(Publication.item_id == item.id, Publication.status.in_(NOT_SENT))
        ).scalars():
            transitions.transition(
                pub.id,
                PS.CANCELLED,
                allowed_from=set(NOT_SENT),
                action="publication.cancel",
                actor=user,
                details={"reason": "series revision"},
                next_attempt_at=None,
            )
        st.close(current, StepStatus.CANCELLED, user, dt.datetime.now(dt.UTC))
        state.step_index = None
        transitions.commit()
    return revise(item_id, user)


def plan_publications(item: Item, make) -> list[Publication]:
    """The outbox's part for a series: one publication per (channel target, live occurrence).

    ``make(occurrence_number, when)`` returns the occurrence's rows (existing or new), one per target. Rows of a
    live occurrence cancelled by a series revision are planned again; not-yet-sent rows of an
    occurrence that is cancelled or no longer in the rule are cancelled.
    """
    from hub.dispatch import transitions

    occs = occurrences(item.id)
    if not occs:
        sync(item)
        occs = occurrences(item.id)
    live = {o.number: o for o in occs if o.status != OccurrenceStatus.CANCELLED.value}
    make_occurrence_items(item, list(live.values()))
    result = []
    for occ in live.values():
        result.extend(make(occ.number, occ.starts_at))
    for pub in db.session.execute(db.select(Publication).where(Publication.item_id == item.id)).scalars().all():
        occ = live.get(pub.occurrence)
        if occ is None and pub.status in NOT_SENT:
            transitions.transition(
                pub.id,
                PS.CANCELLED,
                allowed_from=set(NOT_SENT),
                action="publication.cancel",
                details={"occurrence": pub.occurrence, "reason": "not in the series"},
                next_attempt_at=None,
            )
        elif occ is not None and pub.status == PS.CANCELLED.value:
            transitions.transition(
                pub.id,
                PS.PENDING,
                allowed_from={PS.CANCELLED},
                action="publication.replanned",
                details={"occurrence": pub.occurrence},
                scheduled_at=occ.starts_at,
                next_attempt_at=None,
                retry_base=pub.attempts,
                lease_until=None,
            )
    return result


def per_occurrence_channels(item: Item) -> list:
    """The item's channels (``ItemChannel``) whose plugin declares ``approval_per_occurrence``."""
    from hub.plugins import plugins

    declared = plugins().channels
    return [ic for ic in item.channels if getattr(declared.get(ic.channel), "approval_per_occurrence", False)]


def make_occurrence_items(item: Item, live: list[ItemOccurrence]) -> list[Item]:
    """At the series' final approval: one draft item per live occurrence for the channels that approve
    each occurrence (none when the series has no such channel); no commit.

    The draft copies the series' text, media and those channels' variants, is due at the occurrence's
    time (its display window shifted with it) and is marked ``extra["series"] = {"item_id", "occurrence"}``;
    its creator submits it through the chain like any item. An occurrence that already has one keeps it.
    """
    from hub.audit import record
    from hub.models import ItemAsset, ItemChannel

    channels = per_occurrence_channels(item)
    if not channels:
        return []
    made = []
    for occ in live:
        if occ.occurrence_item_id is not None:
            continue
        shift = occ.starts_at - item.publish_at if item.publish_at else dt.timedelta(0)
        copy = Item(
            organisation_id=item.organisation_id,
            created_by_id=item.created_by_id,
            kind=item.kind,
            title=item.title,
            body=item.body,
            event_date=item.event_date,
            event_place=item.event_place,
            priority=item.priority,
            publish_at=occ.starts_at,
            window_start=item.window_start + shift if item.window_start else None,
            window_end=item.window_end + shift if item.window_end else None,
            status=ItemStatus.DRAFT.value,
            extra={**(item.extra or {}), "series": {"item_id": item.id, "occurrence": occ.number}},
        )
        copy.channels = [
            ItemChannel(channel=ic.channel, title=ic.title, text=ic.text, options=dict(ic.options or {}))
            for ic in channels
        ]
        copy.assets = [
            ItemAsset(asset_id=a.asset_id, role=a.role, position=a.position, alt_text=a.alt_text) for a in item.assets
        ]
        db.session.add(copy)
        db.session.flush()
        occ.occurrence_item_id = copy.id
        record(
            "item.created",
            actor=None,
            target_type="item",
            target_id=copy.id,
            details={"title": copy.title, "series_item_id": item.id, "occurrence": occ.number},
        )
        made.append(copy)
    return made


def _stop_occurrence_item(occ: ItemOccurrence, user: User | None) -> None:
    """Cancelling an occurrence stops its own item too: a draft is deleted, an item in the chain is
    withdrawn, an approved one has its publications not yet out cancelled."""

    child = db.session.get(Item, occ.occurrence_item_id) if occ.occurrence_item_id else None
    if child is None:
        return
    if child.status == ItemStatus.DRAFT.value:
        occ.occurrence_item_id = None
        db.session.delete(child)
    elif child.status in (ItemStatus.IN_REVIEW.value, ItemStatus.RETURNED.value):
        from hub.workflow import state as st
        from hub.workflow.models import StepStatus

        state = st.state_of(child)
        current = st.open_step(child.id)
        now = dt.datetime.now(dt.UTC)
        if current is not None:
            st.close(current, StepStatus.CANCELLED, user, now)
        if state is not None:
            state.step_index, state.completed_at = None, now
        child.status = ItemStatus.WITHDRAWN.value
    else:
        _cancel_unsent(child.id, 0, user, occ.number)


def _cancel_unsent(item_id: int, number: int, user, occurrence: int) -> list[int]:
    """Cancel the item's publications of occurrence ``number`` that have not gone out; returns their ids."""
    from hub.dispatch import transitions

    cancelled = []
    for pub in _publications(item_id, number):
        if pub.status in NOT_SENT:
            transitions.transition(
                pub.id,
                PS.CANCELLED,
                allowed_from=set(NOT_SENT),
                action="publication.cancel",
                actor=user,
                details={"occurrence": occurrence},
                next_attempt_at=None,
            )
            cancelled.append(pub.id)
    return cancelled
