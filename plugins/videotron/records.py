"""What screens report and what people record about them: heartbeats, plays, incidents, content plans."""

from __future__ import annotations

import datetime as dt
import enum

from hub_videotron.models import Screen
from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.sdk import Base, User, UTCDateTime, utcnow


class Heartbeat(Base):
    """One "I am alive" from a player (kept ``heartbeat_retention_days``)."""

    __tablename__ = "videotron_heartbeat"
    __table_args__ = (Index("ix_videotron_heartbeat_screen_received", "screen_id", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("videotron_screen.id", ondelete="CASCADE"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    now_playing_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    info: Mapped[dict] = mapped_column(JSON, default=dict)


class PlayRecord(Base):
    """Proof of play: one showing of one entry on one screen, reported by the player.

    ``play_uuid`` is made by the player, so a report sent twice (offline queue, retry) counts once.
    """

    __tablename__ = "videotron_play"
    __table_args__ = (UniqueConstraint("screen_id", "play_uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("videotron_screen.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("videotron_playlist_entry.id", ondelete="SET NULL"), nullable=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"), nullable=True, index=True)
    #: the item's title when played, so recaps survive a deleted item
    item_title: Mapped[str] = mapped_column(String(300), default="")
    play_uuid: Mapped[str] = mapped_column(String(36))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: seconds actually shown
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    #: False when interrupted (urgent item, error, page closed)
    completed: Mapped[bool] = mapped_column(Boolean, default=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    screen: Mapped[Screen] = relationship()


class IncidentStatus(enum.StrEnum):
    """An incident is open until the admin or a technician records how it was resolved."""

    OPEN = "open"
    RESOLVED = "resolved"


#: kinds of incident: code -> (Bahasa Indonesia, English)
INCIDENT_KINDS = {
    "offline": ("Layar tidak melapor", "Screen silent"),
    "display": ("Tampilan/panel LED", "Display / LED panel"),
    "player": ("Komputer pemutar", "Player PC"),
    "network": ("Jaringan", "Network"),
    "power": ("Listrik", "Power"),
    "content": ("Konten", "Content"),
    "other": ("Lainnya", "Other"),
}


class Incident(Base):
    """A problem with a screen (SOP 000: the admin and the technician resolve it), opened by a person
    or automatically when the screen is silent too long."""

    __tablename__ = "videotron_incident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("videotron_screen.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=IncidentStatus.OPEN.value, index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None: opened by the hub (silent screen)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: the screen reported again (set automatically; a person still records the resolution)
    recovered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    #: for an incident the watch opened: the screen's last report (its title is written from it)
    silent_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    screen: Mapped[Screen] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    def title_in(self, lang: str) -> str:
        """The title in ``lang``: a silent screen's is written from ``silent_since`` in the screen's zone."""
        if self.silent_since is None:
            return self.title
        from hub_videotron.screens import screen_zone

        from hub.sdk import format_moment

        since = format_moment(self.silent_since, screen_zone(self.screen), lang)
        return f"Layar tidak melapor sejak {since}" if lang == "id" else f"Screen silent since {since}"


class ContentPlan(Base):
    """SOP 000 flow B: the content planned for a quarter, set by the Sub Koordinator at least every
    3 months, signed by the Kepala Bidang and handed to the Kepala Dinas."""

    __tablename__ = "videotron_content_plan"
    __table_args__ = (UniqueConstraint("year", "quarter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: handed to the Kepala Dinas
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    prepared_by: Mapped[User] = relationship(foreign_keys=[prepared_by_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    entries: Mapped[list[ContentPlanEntry]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(ContentPlanEntry.planned_date, ContentPlanEntry.id)",
    )

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"


#: production time of SOP 000 flow B, in days: (content type, difficulty) -> days
PRODUCTION_DAYS = {
    ("design", "simple"): 2,
    ("design", "medium"): 2,
    ("design", "hard"): 2,
    ("video", "simple"): 2,
    ("video", "medium"): 7,
    ("video", "hard"): 14,
}


class ContentPlanEntry(Base):
    """One row of the plan table."""

    __tablename__ = "videotron_content_plan_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("videotron_content_plan.id", ondelete="CASCADE"), index=True)
    planned_date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: "design" or "video"
    content_type: Mapped[str] = mapped_column(String(20), default="video")
    #: "simple", "medium" or "hard"
    difficulty: Mapped[str] = mapped_column(String(20), default="simple")
    #: the office making it (in-house team or an OPD)
    producer: Mapped[str] = mapped_column(String(200), default="")
    #: screens or screen groups, as people write them
    screens: Mapped[str] = mapped_column(String(300), default="")

    plan: Mapped[ContentPlan] = relationship(back_populates="entries")

    @property
    def production_days(self) -> int:
        return PRODUCTION_DAYS.get((self.content_type, self.difficulty), 2)

    @property
    def start_by(self) -> dt.date:
        """The latest day production can start to be ready on the planned date."""
        return self.planned_date - dt.timedelta(days=self.production_days)
