"""Creating notifications and sending their e-mails.

:func:`notify` adds one :class:`~hub.notify.models.Notification` per person to the
current transaction. When that transaction commits, the new notifications that need an
e-mail are handed to the :func:`send_emails` job (a session ``after_commit`` listener);
a rolled-back transaction sends nothing. No SMTP host configured, or a person without an
address: the notification stays in-app only (``email_status="skipped"``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from hub.extensions import db
from hub.jobs import enqueue, job
from hub.models import User, utcnow
from hub.notify.mail import MailError, send_mail, smtp_enabled
from hub.notify.models import EmailStatus, Notification

log = logging.getLogger(__name__)
_PENDING_KEY = "hub.notify.emails"


def notify(
    users: Iterable[User],
    kind: str,
    *,
    title_id: str,
    title_en: str,
    body_id: str = "",
    body_en: str = "",
    item_id: int | None = None,
    url: str = "",
) -> list[Notification]:
    """Add a notification for each distinct active person in ``users`` (no commit)."""
    rows = []
    seen: set[int] = set()
    mail = smtp_enabled()
    for user in users:
        if user is None or user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        status = EmailStatus.PENDING if mail and user.email else EmailStatus.SKIPPED
        row = Notification(
            user_id=user.id,
            kind=kind,
            item_id=item_id,
            title_id=title_id[:300],
            title_en=title_en[:300],
            body_id=body_id,
            body_en=body_en,
            url=url,
            email_status=status.value,
        )
        db.session.add(row)
        rows.append(row)
    if rows:
        db.session.flush()
        db.session.info.setdefault(_PENDING_KEY, []).extend(r.id for r in rows if r.email_status == "pending")
    return rows


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING_KEY, None)
    if not ids:
        return
    try:
        enqueue(send_emails, list(ids), job_timeout=300)
    except Exception as exc:  # noqa: BLE001 - Redis down: the sweep in check_overdue sends them later
        log.warning("could not queue e-mails for notifications %s: %s", ids, exc)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


#: the e-mail's last line, in the reader's language
_OPEN = {"id": "Buka di hub: {link}", "en": "Open in the hub: {link}"}


def _compose(note: Notification, user: User) -> tuple[str, str]:
    """Subject and body in the person's language only (the one chosen in the hub, kept on the account)."""
    lang = "en" if user.language == "en" else "id"
    link = current_app.config["BASE_URL"].rstrip("/") + note.url if note.url else ""
    parts = [note.title(lang), "", note.body(lang), "", _OPEN[lang].format(link=link) if link else None]
    return note.title(lang), "\n".join(p for p in parts if p is not None).strip() + "\n"


@job
def send_emails(notification_ids: list[int]) -> int:
    """Send the e-mail of each notification still ``pending``; returns how many went out."""
    sent = 0
    for note_id in notification_ids:
        claimed = db.session.execute(
            update(Notification)
            .where(Notification.id == note_id, Notification.email_status == EmailStatus.PENDING.value)
            .values(email_status="sending")
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        note = db.session.get(Notification, note_id)
        user = db.session.get(User, note.user_id)
        try:
            if not smtp_enabled() or not user.email:
                note.email_status = EmailStatus.SKIPPED.value
            else:
                send_mail(user.email, *_compose(note, user))
                note.email_status, note.emailed_at = EmailStatus.SENT.value, utcnow()
                sent += 1
        except MailError as exc:
            note.email_status, note.email_error = EmailStatus.FAILED.value, str(exc)[:1000]
            log.warning("e-mail for notification %s failed: %s", note_id, exc)
        db.session.commit()
    return sent


def queue_pending_emails(older_than_seconds: int = 300) -> int:
    """Hand e-mails still pending after a while (Redis was down at commit) to the job again."""
    import datetime as dt

    limit = utcnow() - dt.timedelta(seconds=older_than_seconds)
    ids = list(
        db.session.execute(
            db.select(Notification.id).where(
                Notification.email_status == EmailStatus.PENDING.value, Notification.created_at < limit
            )
        ).scalars()
    )
    if ids:
        enqueue(send_emails, ids, job_timeout=300)
    return len(ids)


def unread_count(user: User) -> int:
    return db.session.execute(
        db.select(db.func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()
