"""In-app notifications, their deliveries on other media (e-mail, plugins' notifiers) and people's choices."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, UTCDateTime, utcnow


class EmailStatus(enum.StrEnum):
    """What happened to a notification's e-mail."""

    PENDING = "pending"  #: a job will send it
    SENT = "sent"  #: the SMTP server accepted it
    SKIPPED = "skipped"  #: no SMTP server configured, or the person has no address
    FAILED = "failed"  #: the SMTP server refused it; ``email_error`` says why


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: "step_waiting", "returned", "rejected", "published", "publication_failed", "overdue", "escalated",
    #: "acted_for" (an acting official decided for the person), "delegation" (named or revoked as Plh./Plt.)…
    kind: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), nullable=True, index=True)
    title_id: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    body_id: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    #: path inside the hub ("/items/12")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    email_status: Mapped[str] = mapped_column(String(20), default=EmailStatus.SKIPPED.value)
    email_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: what a message template needs besides the text: ``item``, ``step_id``/``step_en``,
    #: ``due_id``/``due_en``, ``urgent`` (see :func:`hub.notify.service.notify`)
    data: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    def title(self, lang: str = "id") -> str:
        return self.title_id if lang == "id" else self.title_en

    def body(self, lang: str = "id") -> str:
        return self.body_id if lang == "id" else self.body_en

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "item_id": self.item_id,
            "title": {"id": self.title_id, "en": self.title_en},
            "body": {"id": self.body_id, "en": self.body_en},
            "url": self.url,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "read_at": self.read_at.isoformat() if self.read_at else None,
            "email_status": self.email_status,
        }


class DeliveryStatus(enum.StrEnum):
    """Where one notification's delivery on one medium is (:class:`NotificationDelivery`)."""

    PENDING = "pending"  #: waits for ``next_attempt_at`` (quiet hours, a digest, a retry)
    SENDING = "sending"  #: a worker claimed it and is handing it to the medium
    SENT = "sent"  #: the medium accepted it (``remote_status`` follows what it reports later)
    REFUSED = "refused"  #: a definite refusal (blocked bot, unknown number); the medium is disabled
    FAILED = "failed"  #: retries ran out
    SKIPPED = "skipped"  #: nothing to send by the time it was due (the person unlinked, the medium went away)


class NotificationDelivery(Base):
    """One notification on one medium (e-mail, or a notifier a plugin brings): sent at most once.

    The unique ``(notification_id, medium)`` pair and the claim (a conditional UPDATE from
    ``pending`` to ``sending``) keep two workers from sending it twice; ``next_attempt_at`` is
    when it may go out (after quiet hours, at the digest's morning, after a back-off).
    """

    __tablename__ = "notification_delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "medium"),
        Index("ix_notification_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: the notifier's code ("email", or a plugin's)
    medium: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING.value)
    #: where it goes (an e-mail address, a chat id, a phone number) when it was planned
    address: Mapped[str] = mapped_column(String(300), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: held for the person's daily digest (sent with the others due the same morning)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    #: the medium's id of the message sent (a Telegram message id, a WhatsApp message id)
    remote_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    #: what the medium reported afterwards (WhatsApp: "delivered", "read", "failed")
    remote_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def as_dict(self) -> dict:
        return {
            "medium": self.medium,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "digest": self.digest,
            "last_error": self.last_error,
            "remote_status": self.remote_status,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }


class NotifyPreference(Base):
    """A person's choices: which media for which kinds, quiet hours, a daily digest.

    ``media`` maps a medium's code to the kind groups it carries (``assigned``, ``returned``,
    ``overdue``, ``escalated``, ``published``, ``failed``); a person without a row follows the
    office default (setting ``notify.default_media``). ``disabled`` holds the media a definite
    refusal turned off, with the medium's words, until the person turns them on again.
    """

    __tablename__ = "notify_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    media: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: hold non-urgent messages outside working hours until the next working morning
    quiet_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    #: one message a working morning instead of one per notification (not for urgent items, escalations)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    #: medium code -> {"reason": the medium's words, "at": ISO time}
    disabled: Mapped[dict] = mapped_column(JSON, default=dict)
