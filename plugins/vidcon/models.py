"""Video-conference rooms and bookings (SOP 003): one booking per approved request.

Two live bookings of one room never overlap: the database refuses it (PostgreSQL: an
exclusion constraint over ``tstzrange(starts_at, ends_at)``; SQLite: triggers that run under
SQLite's single write lock). See ``docs/vidcon.md`` and migration ``v0002_vidcon_rooms``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.sdk import Base, Item, Organisation, UTCDateTime, utcnow


class BookingStatus(enum.StrEnum):
    """Where a booking is: confirmed when published, done when the technical team has reported."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    DONE = "done"


#: statuses that hold a room (the database constraint names the same two)
HOLDING = (BookingStatus.CONFIRMED.value, BookingStatus.DONE.value)


def name_key(name: str) -> str:
    """A room name reduced to letters and digits, lower case: "Ruang Rapat Lt. 2" == "ruang rapat lt.2"."""
    return re.sub(r"[^0-9a-z]+", "", (name or "").casefold())


class Room(Base):
    """A meeting room an office lends for video conferences (the registry at ``/vidcon/rooms``)."""

    __tablename__ = "vidcon_room"
    __table_args__ = (UniqueConstraint("organisation_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ``name_key(name)``: two spellings of one name cannot make two rooms
    name_key: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: equipment codes present in the room (booking.EQUIPMENT)
    equipment: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class Booking(Base):
    __tablename__ = "vidcon_booking"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    #: the publication that created it: a retried publish finds its booking here
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), unique=True)
    #: the room, or None for a meeting online only / at the requester's place
    room_id: Mapped[int | None] = mapped_column(ForeignKey("vidcon_room.id"), nullable=True, index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: what people read as the place (the room's name then, "Online"…); never used to compare rooms
    place: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(100), default="")
    meeting_link: Mapped[str] = mapped_column(String(500), default="")
    participants: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    #: every SOP equipment code (booking.EQUIPMENT) and whether it was checked before the meeting
    equipment: Mapped[dict] = mapped_column(JSON, default=dict)
    trial_done: Mapped[bool] = mapped_column(default=False)
    trial_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.CONFIRMED.value, index=True)
    report: Mapped[str] = mapped_column(Text, default="")
    #: the report: was the meeting held, when did it really run, who came, what went wrong
    held: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    actual_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    actual_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attendance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    problems: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    reported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: a move the requester asked for, waiting for the Kepala Bidang:
    #: {"date", "start", "end", "room", "reason", "by", "at"} (None: none waiting)
    pending_move: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: RFC 5545 SEQUENCE: raised on every change a calendar should learn of
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()
    room: Mapped[Room | None] = relationship()


class Feed(Base):
    """A secret calendar feed URL: one room's bookings, or (``room_id`` None) all of them for the team."""

    __tablename__ = "vidcon_feed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("vidcon_room.id", ondelete="CASCADE"), nullable=True)
    #: sha256 of the secret in the URL (the secret itself is shown once)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    room: Mapped[Room | None] = relationship()
