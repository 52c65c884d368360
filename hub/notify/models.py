"""In-app notifications; each may also go out by e-mail."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, Text
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
    #: "step_waiting", "returned", "rejected", "published", "publication_failed", "overdue", "acted_for"
    #: (an acting official decided for the person), "delegation" (named or revoked as Plh./Plt.)
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
