"""Delivering notifications on the media outside the hub, like publishing: through the queue.

:func:`plan` (called by :func:`hub.notify.service.notify`, in the caller's transaction) adds
one :class:`~hub.notify.models.NotificationDelivery` per notification and medium the person
chose for that kind, with the time it may go out:

* now, for the e-mail and for urgent items (*serta-merta*) and escalations;
* for media that buzz a phone (``Notifier.quiet``), outside the office's working hours (its
  working calendar): the next working morning at ``NOTIFY_MORNING`` (07:30), unless the person
  turned quiet hours off;
* with a daily digest chosen: the next working morning, in one message with the others.

After the commit, the deliveries due now are queued (:func:`deliver_job`); later ones are
queued at their time and, in case Redis lost them, by :func:`queue_due`, which the overdue
sweep runs every few minutes. A worker claims a delivery (a conditional UPDATE from
``pending`` to ``sending``) before calling the notifier: with the unique (notification,
medium) pair a notification is never sent twice on a medium. A transient error is retried
with the dispatcher's back-off (``retry_after`` honoured) up to ``NOTIFY_MAX_ATTEMPTS``; a
definite refusal stops, turns the medium off for that person and tells them in the hub.

Time is read through :func:`now`: tests set ``NOTIFY_NOW`` (an aware datetime) in the app's
configuration instead of waiting.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from hub.extensions import db
from hub.jobs import enqueue, job
from hub.models import Item, Organisation, Setting, User, utcnow
from hub.notify.models import DeliveryStatus, Notification, NotificationDelivery, NotifyPreference
from hub.notify.notifiers import (
    KIND_GROUPS,
    DeliveryRefused,
    Notifier,
    TransientDeliveryError,
    kind_group,
    notifiers,
    outside_media,
)

log = logging.getLogger(__name__)
_QUEUE_KEY = "hub.notify.deliveries"

DEFAULTS = {
    #: local time of the first message of a working morning (quiet hours end then)
    "NOTIFY_MORNING": "07:30",
    #: attempts after which a transiently failing delivery is given up
    "NOTIFY_MAX_ATTEMPTS": 8,
    #: seconds a worker's claim on a delivery lasts (a job's time limit is 120 s)
    "NOTIFY_LEASE_SECONDS": 600,
}
#: kinds that never wait for the morning
ALWAYS_NOW_KINDS = frozenset({"escalated"})


def setting(name: str):
    value = current_app.config.get(name)
    return DEFAULTS[name] if value is None else value


def now() -> dt.datetime:
    """The current time for notifications (``NOTIFY_NOW`` in the configuration, for tests)."""
    fixed = current_app.config.get("NOTIFY_NOW")
    if fixed is None:
        return utcnow()
    if isinstance(fixed, str):
        fixed = dt.datetime.fromisoformat(fixed)
    return fixed.astimezone(dt.UTC)


# --- preferences ------------------------------------------------------------------------------


def office_default() -> dict[str, list[str]]:
    """The office default: medium -> kind groups (setting ``notify.default_media``); every medium
    carries every kind unless the admin chose otherwise (a medium counts only once connected)."""
    row = db.session.execute(
        db.select(Setting.value).where(Setting.namespace == "notify", Setting.key == "default_media")
    ).scalar()
    if isinstance(row, dict):
        return {k: [g for g in v if g in KIND_GROUPS] for k, v in row.items() if isinstance(v, list)}
    return {n.code: list(KIND_GROUPS) for n in outside_media()}


def preferences(user_ids: list[int]) -> dict[int, NotifyPreference]:
    if not user_ids:
        return {}
    rows = db.session.execute(db.select(NotifyPreference).where(NotifyPreference.user_id.in_(user_ids))).scalars()
    return {p.user_id: p for p in rows}


def chosen(pref: NotifyPreference | None, default: dict, medium: str, group: str) -> bool:
    if pref is not None and medium in (pref.disabled or {}):
        return False
    media = pref.media if pref is not None and pref.media is not None else default
    return group in (media.get(medium) or [])


def preference_for(user: User) -> NotifyPreference:
    """The person's row, made (with the office default) when they first change something."""
    pref = db.session.get(NotifyPreference, user.id)
    if pref is None:
        pref = NotifyPreference(user_id=user.id, media=office_default(), quiet_hours=True, digest=False, disabled={})
        db.session.add(pref)
    return pref


# --- quiet hours --------------------------------------------------------------------------------


def _morning() -> dt.time:
    hour, minute = (int(p) for p in str(setting("NOTIFY_MORNING")).split(":"))
    return dt.time(hour, minute)


def _calendar(user: User):
    from hub.workflow.calendar import calendar_for

    org = db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return calendar_for(org)


def next_morning(cal, moment: dt.datetime, *, strictly_after: bool = False) -> dt.datetime:
    """When messages may go out: ``moment`` itself inside a working day's waking window (from
    ``NOTIFY_MORNING`` to the day's closing time), else the next working morning. With
    ``strictly_after`` (a digest): the next working morning that has not begun yet."""
    local = moment.astimezone(cal.tz)
    morning = _morning()
    day = local.date()
    for _ in range(400):
        spans = cal.intervals(day)
        if spans:
            start = dt.datetime.combine(day, morning, cal.tz)
            end = spans[-1][1]
            if local < start:
                return start.astimezone(dt.UTC)
            if not strictly_after and local < end:
                return moment.astimezone(dt.UTC)
        day += dt.timedelta(days=1)
    return moment.astimezone(dt.UTC)


def is_urgent(item: Item | None) -> bool:
    """Serta-merta: the approver's urgent mark (``extra["urgent"]``) or the top priority."""
    if item is None:
        return False
    return bool((item.extra or {}).get("urgent")) or (item.priority or 3) <= 1


# --- planning (in the caller's transaction) ---------------------------------------------------------


def plan(rows: list[Notification], users: dict[int, User], only: set[str] | None = None) -> list[NotificationDelivery]:
    """Add the delivery rows of freshly flushed notifications (no commit); ``only``: these media only."""
    media = [n for n in outside_media() if (only is None or n.code in only) and n.available()]
    if not rows or not media:
        return []
    people = [users[r.user_id] for r in rows]
    prefs = preferences([u.id for u in people])
    default = office_default()
    addresses = {n.code: n.addresses(people) for n in media}
    current = now()
    item_ids = {r.item_id for r in rows if r.item_id}
    urgent = {i: is_urgent(db.session.get(Item, i)) for i in item_ids}
    calendars: dict[int | None, object] = {}
    added = []
    for row in rows:
        user = users[row.user_id]
        pref = prefs.get(user.id)
        group = kind_group(row.kind)
        at_once = urgent.get(row.item_id, False) or row.kind in ALWAYS_NOW_KINDS
        for notifier in media:
            address = addresses[notifier.code].get(user.id)
            if not address or not chosen(pref, default, notifier.code, group):
                continue
            when, digest = current, False
            if notifier.quiet and not at_once:
                wants_digest = pref is not None and pref.digest
                quiet = pref is None or pref.quiet_hours
                if wants_digest or quiet:
                    if user.organisation_id not in calendars:
                        calendars[user.organisation_id] = _calendar(user)
                    cal = calendars[user.organisation_id]
                    when = next_morning(cal, current, strictly_after=wants_digest)
                    digest = wants_digest
            delivery = NotificationDelivery(
                notification_id=row.id,
                user_id=user.id,
                medium=notifier.code,
                address=address[:300],
                next_attempt_at=when,
                digest=digest,
            )
            db.session.add(delivery)
            added.append(delivery)
    if added:
        db.session.flush()
        queue = db.session.info.setdefault(_QUEUE_KEY, [])
        queue.extend((d.id, d.next_attempt_at) for d in added)
    return added


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    planned = session.info.pop(_QUEUE_KEY, None)
    if not planned:
        return
    try:
        current = now()
        for delivery_id, when in planned:
            _enqueue(delivery_id, when if when > current else None)
    except Exception as exc:  # noqa: BLE001 - Redis down: queue_due hands them over later
        log.warning("could not queue deliveries %s: %s", [d for d, _ in planned], exc)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUE_KEY, None)


def _enqueue(delivery_id: int, at: dt.datetime | None) -> None:
    enqueue(deliver_job, delivery_id, at=at, job_timeout=120)


def abandon_stale() -> int:
    """Deliveries whose worker died while sending (the claim ran out): ``failed``, never sent again,
    since the medium may have taken the message before the worker died. Returns how many."""
    count = db.session.execute(
        update(NotificationDelivery)
        .where(
            NotificationDelivery.status == DeliveryStatus.SENDING.value,
            NotificationDelivery.next_attempt_at < now(),
        )
        .values(
            status=DeliveryStatus.FAILED.value,
            last_error="the worker stopped while sending; not sent again (it may have arrived)",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count


def queue_due(limit: int = 500) -> int:
    """Queue every pending delivery whose time has come (the sweep; also after quiet hours), after
    giving up the deliveries a dead worker left half-sent (:func:`abandon_stale`)."""
    abandon_stale()
    ids = list(
        db.session.execute(
            db.select(NotificationDelivery.id)
            .where(
                NotificationDelivery.status == DeliveryStatus.PENDING.value,
                NotificationDelivery.next_attempt_at <= now(),
            )
            .order_by(NotificationDelivery.next_attempt_at)
            .limit(limit)
        ).scalars()
    )
    for delivery_id in ids:
        _enqueue(delivery_id, None)
    return len(ids)


# --- delivering (in a worker) ---------------------------------------------------------------------


def _claim(ids: list[int]) -> list[int]:
    """Move the given pending, due deliveries to ``sending``; returns those this worker got."""
    got = []
    for delivery_id in ids:
        count = db.session.execute(
            update(NotificationDelivery)
            .where(
                NotificationDelivery.id == delivery_id,
                NotificationDelivery.status == DeliveryStatus.PENDING.value,
                NotificationDelivery.next_attempt_at <= now(),
            )
            .values(
                status=DeliveryStatus.SENDING.value,
                attempts=NotificationDelivery.attempts + 1,
                # while sending, next_attempt_at is the claim's end (see abandon_stale)
                next_attempt_at=now() + dt.timedelta(seconds=int(setting("NOTIFY_LEASE_SECONDS"))),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if count:
            got.append(delivery_id)
    db.session.commit()
    return got


class Digest:
    """A day's notifications for one person on one medium, handed to ``deliver`` like one."""

    kind = "digest"
    item_id = None
    url = "/notifications"

    def __init__(self, notes: list[Notification]):
        self.notes = notes
        self.data = {"count": len(notes)}
        self.title_id = f"Ringkasan notifikasi: {len(notes)} baru"
        self.title_en = f"Notification digest: {len(notes)} new"
        self.body_id = "\n".join(f"• {n.title_id}" for n in notes)
        self.body_en = "\n".join(f"• {n.title_en}" for n in notes)
        self.id = notes[0].id if notes else None

    def title(self, lang: str = "id") -> str:
        return self.title_id if lang == "id" else self.title_en

    def body(self, lang: str = "id") -> str:
        return self.body_id if lang == "id" else self.body_en


@job
def deliver_job(delivery_id: int) -> str:
    """Deliver one notification on one medium (with the person's other due digest entries)."""
    first = db.session.get(NotificationDelivery, delivery_id)
    if first is None:
        return "gone"
    ids = [delivery_id]
    if first.digest:
        ids += list(
            db.session.execute(
                db.select(NotificationDelivery.id).where(
                    NotificationDelivery.user_id == first.user_id,
                    NotificationDelivery.medium == first.medium,
                    NotificationDelivery.digest.is_(True),
                    NotificationDelivery.status == DeliveryStatus.PENDING.value,
                    NotificationDelivery.next_attempt_at <= now(),
                    NotificationDelivery.id != delivery_id,
                )
            ).scalars()
        )
    claimed = _claim(ids)
    if not claimed:
        return "not due or taken"
    rows = [db.session.get(NotificationDelivery, i) for i in claimed]
    lead = rows[0]
    person = db.session.get(User, lead.user_id)
    notifier = notifiers().get(lead.medium)
    notes = [db.session.get(Notification, r.notification_id) for r in rows]
    if notifier is None or person is None or not person.is_active:
        _finish(rows, DeliveryStatus.SKIPPED, error="medium or person gone")
        return "skipped"
    message = Digest(notes) if lead.digest and len(rows) > 1 else notes[0]
    try:
        remote_id = notifier.deliver(message, person, lead.address)
    except DeliveryRefused as exc:
        _finish(rows, DeliveryStatus.REFUSED, error=str(exc))
        disable_medium(person, notifier, exc.message_id, exc.message_en)
        db.session.commit()
        return "refused"
    except TransientDeliveryError as exc:
        return _retry(rows, str(exc), exc.retry_after)
    except Exception as exc:  # noqa: BLE001 - a notifier's bug: retried like a transient error
        log.exception("notifier %s failed on delivery %s", lead.medium, delivery_id)
        return _retry(rows, f"{type(exc).__name__}: {exc}", None)
    _finish(rows, DeliveryStatus.SENT, remote_id=remote_id)
    return "sent"


def _finish(rows, status: DeliveryStatus, *, error: str | None = None, remote_id: str | None = None) -> None:
    for row in rows:
        row.status = status.value
        row.last_error = error[:1000] if error else None
        if status == DeliveryStatus.SENT:
            row.sent_at, row.remote_id = now(), (str(remote_id)[:200] if remote_id else None)
        if row.medium == "email":  # the notification's e-mail columns, kept for the API and the page
            note = db.session.get(Notification, row.notification_id)
            note.email_status = {"sent": "sent", "skipped": "skipped"}.get(status.value, "failed")
            note.email_error = row.last_error
            note.emailed_at = row.sent_at
    db.session.commit()


def _retry(rows, error: str, retry_after: float | None) -> str:
    from hub.dispatch.policy import backoff_seconds

    attempts = max(r.attempts for r in rows)
    if attempts >= int(setting("NOTIFY_MAX_ATTEMPTS")):
        _finish(rows, DeliveryStatus.FAILED, error=error)
        return "failed"
    when = now() + dt.timedelta(seconds=backoff_seconds(attempts, retry_after))
    for row in rows:
        row.status, row.last_error, row.next_attempt_at = DeliveryStatus.PENDING.value, error[:1000], when
    db.session.commit()
    for row in rows:
        try:
            _enqueue(row.id, when)
        except Exception as exc:  # noqa: BLE001 - the sweep queues it when due
            log.warning("could not schedule delivery %s again: %s", row.id, exc)
    return "retry"


def disable_medium(person: User, notifier: Notifier, reason_id: str, reason_en: str) -> None:
    """Turn a medium off for a person after a definite refusal and tell them in the hub (no commit)."""
    from hub.notify.service import notify

    pref = preference_for(person)
    disabled = dict(pref.disabled or {})
    disabled[notifier.code] = {"reason_id": reason_id, "reason_en": reason_en, "at": now().isoformat()}
    pref.disabled = disabled
    notify(
        [person],
        "medium_refused",
        title_id=f"{notifier.label_id} dinonaktifkan untuk Anda",
        title_en=f"{notifier.label_en} turned off for you",
        body_id=f"{notifier.label_id} menolak pesan: {reason_id}. Periksa di halaman akun, lalu aktifkan lagi.",
        body_en=f"{notifier.label_en} refused a message: {reason_en}. Check it on your account page, then turn it on.",
        url="/account/notifications",
        media=("hub",),
    )


def enable_medium(person: User, code: str) -> None:
    pref = preference_for(person)
    disabled = dict(pref.disabled or {})
    disabled.pop(code, None)
    pref.disabled = disabled


def record_status(medium: str, remote_id: str, status: str, error: str | None = None, *, refused: bool = False) -> int:
    """What a medium reports about a message it took (a WhatsApp status webhook): recorded on its
    delivery. ``status="failed"`` marks the delivery failed; with ``refused=True`` (the number does
    not exist, the template was rejected) it is a definite refusal: the medium is turned off for the
    person, as when :class:`DeliveryRefused` is raised. Returns the rows changed (no commit)."""
    rows = list(
        db.session.execute(
            db.select(NotificationDelivery).where(
                NotificationDelivery.medium == medium, NotificationDelivery.remote_id == str(remote_id)
            )
        ).scalars()
    )
    for row in rows:
        row.remote_status = status[:40]
        if status != "failed":
            continue
        row.last_error = (error or "failed")[:1000]
        row.status = (DeliveryStatus.REFUSED if refused else DeliveryStatus.FAILED).value
        notifier = notifiers().get(medium)
        person = db.session.get(User, row.user_id)
        if refused and notifier is not None and person is not None:
            disable_medium(person, notifier, error or "failed", error or "failed")
    return len(rows)
