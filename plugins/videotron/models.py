"""Screens, their groups and secrets, and the playlist entries publishing puts on them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.sdk import Asset, Base, Item, UTCDateTime, utcnow

screen_group_member = Table(
    "videotron_screen_group_member",
    Base.metadata,
    Column("screen_id", ForeignKey("videotron_screen.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("videotron_screen_group.id", ondelete="CASCADE"), primary_key=True),
)


class Screen(Base):
    """One LED screen on the street, played by a PC running the browser player."""

    __tablename__ = "videotron_screen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: stable short name used in item options and commands ("padang-bappeda")
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(300), default="")
    #: city or regency ("Kota Padang", "Kabupaten Solok")
    city: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    width_px: Mapped[int] = mapped_column(Integer, default=1920)
    height_px: Mapped[int] = mapped_column(Integer, default=1080)
    width_m: Mapped[float] = mapped_column(Float, default=6.0)
    height_m: Mapped[float] = mapped_column(Float, default=4.0)
    #: "landscape" or "portrait"
    orientation: Mapped[str] = mapped_column(String(20), default="landscape")
    #: IANA zone of the screen; None: the office's (setting ``timezone`` / HUB_TIMEZONE)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # what the player last told us (see monitor.py)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    now_playing_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: browser, player version, cached files, queued reports
    player_info: Mapped[dict] = mapped_column(JSON, default=dict)
    #: when the current silence was alerted (cleared by the next heartbeat)
    silence_alerted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: bumped (see :mod:`hub_videotron.feedversion`) whenever the player's playlist document changes
    #: other than by time passing: the poll's ETag and the built feed's cache key
    feed_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    groups: Mapped[list[ScreenGroup]] = relationship(
        secondary=screen_group_member, back_populates="screens", order_by="ScreenGroup.name"
    )
    now_playing: Mapped[Item | None] = relationship(foreign_keys=[now_playing_item_id])

    @property
    def resolution(self) -> str:
        return f"{self.width_px}×{self.height_px}"

    @property
    def size(self) -> str:
        return f"{self.width_m:g} m × {self.height_m:g} m"


class ScreenGroup(Base):
    """A named set of screens a creator can target at once ("kota-padang", "semua")."""

    __tablename__ = "videotron_screen_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500), default="")

    screens: Mapped[list[Screen]] = relationship(
        secondary=screen_group_member, back_populates="groups", order_by="Screen.name"
    )


class ScreenToken(Base):
    """A player secret. Only its SHA-256 is kept; revoked rows stay so a revoked player is told so (410)."""

    __tablename__ = "videotron_screen_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("videotron_screen.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)

    screen: Mapped[Screen] = relationship()


class PlaylistEntry(Base):
    """An item on one screen for its display window: written by ``publish``, ended by ``unpublish``.

    The playlist of a screen at a moment is the entries whose window holds that moment (and
    whose dayparts, in the screen's time, hold its time of day), so an entry leaves by itself.
    """

    __tablename__ = "videotron_playlist_entry"
    __table_args__ = (
        UniqueConstraint("publication_id", "screen_id"),
        Index("ix_videotron_playlist_entry_screen_window", "screen_id", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("videotron_screen.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: time-of-day windows in the screen's zone, [{"start": "06:00", "end": "22:00"}]; [] = all day
    dayparts: Mapped[list] = mapped_column(JSON, default=list)
    #: copied from the item: 1 (highest) .. 5, urgent (serta-merta) plays first
    priority: Mapped[int] = mapped_column(Integer, default=3)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    event_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set by unpublish: the entry is gone at once
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    screen: Mapped[Screen] = relationship()
    item: Mapped[Item] = relationship()
    asset: Mapped[Asset] = relationship()
