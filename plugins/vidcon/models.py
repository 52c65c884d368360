"""Video-conference bookings (SOP 003): one booking per approved request."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.sdk import Base, Item, UTCDateTime, utcnow


class BookingStatus(enum.StrEnum):
    """Where a booking is: confirmed when published, done when the technical team has reported."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    DONE = "done"


class Booking(Base):
    __tablename__ = "vidcon_booking"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    #: the publication that created it: a retried publish finds its booking here
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), unique=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(100), default="")
    meeting_link: Mapped[str] = mapped_column(String(500), default="")
    participants: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    #: equipment codes from the SOP (see booking.EQUIPMENT) and whether each was checked before the meeting
    equipment: Mapped[dict] = mapped_column(JSON, default=dict)
    trial_done: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.CONFIRMED.value, index=True)
    report: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    reported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()
