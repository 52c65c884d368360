"""Creating notifications; their deliveries on other media are planned in the same transaction.

:func:`notify` adds one :class:`~hub.notify.models.Notification` per person to the current
transaction (the in-app message) and, through :func:`hub.notify.deliveries.plan`, one
delivery per medium the person chose for that kind (e-mail, a plugin's notifier). When the
transaction commits the deliveries due now are handed to the queue; a rolled-back transaction
sends nothing. No SMTP host configured, or a person without an address: no e-mail
(``email_status="skipped"``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app

from hub.extensions import db
from hub.models import User
from hub.notify.models import EmailStatus, Notification

log = logging.getLogger(__name__)


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
    data: dict | None = None,
    media: Iterable[str] | None = None,
) -> list[Notification]:
    """Add a notification for each distinct active person in ``users`` (no commit).

    ``data``: what a message template needs besides the text (``item``, ``step_id``,
    ``step_en``, ``due_id``, ``due_en``); ``media``: only these media (``("hub",)``: in the hub
    only), else those each person chose for the kind.
    """
    from hub.notify.deliveries import plan

    rows = []
    people: dict[int, User] = {}
    for user in users:
        if user is None or user.id in people or not user.is_active:
            continue
        people[user.id] = user
        row = Notification(
            user_id=user.id,
            kind=kind,
            item_id=item_id,
            title_id=title_id[:300],
            title_en=title_en[:300],
            body_id=body_id,
            body_en=body_en,
            url=url,
            data=dict(data or {}),
            email_status=EmailStatus.SKIPPED.value,
        )
        db.session.add(row)
        rows.append(row)
    if rows:
        db.session.flush()
        only = set(media) if media is not None else None
        if only is None or only - {"hub"}:
            for delivery in plan(rows, people, only=only):
                if delivery.medium == "email":
                    note = next(r for r in rows if r.id == delivery.notification_id)
                    note.email_status = EmailStatus.PENDING.value
    return rows


#: the e-mail's last line, in the reader's language
_OPEN = {"id": "Buka di hub: {link}", "en": "Open in the hub: {link}"}


def link_of(note) -> str:
    """The absolute address of a notification's page (``BASE_URL`` + its path), or ""."""
    return current_app.config["BASE_URL"].rstrip("/") + note.url if note.url else ""


def compose_mail(note: Notification, user: User) -> tuple[str, str]:
    """Subject and body in the person's language only (the one chosen in the hub, kept on the account)."""
    lang = "en" if user.language == "en" else "id"
    link = link_of(note)
    parts = [note.title(lang), "", note.body(lang), "", _OPEN[lang].format(link=link) if link else None]
    return note.title(lang), "\n".join(p for p in parts if p is not None).strip() + "\n"


def unread_count(user: User) -> int:
    return db.session.execute(
        db.select(db.func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()
