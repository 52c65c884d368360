"""Items: one piece of content submitted once and sent to several channels."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.models.base import Base, UTCDateTime, utcnow
from hub.models.media import Asset


class ItemStatus(enum.StrEnum):
    """The life of an item through its workflow."""

    DRAFT = "draft"  #: being prepared by its creator
    IN_REVIEW = "in_review"  #: somewhere in the approval chain
    RETURNED = "returned"  #: sent back for revision
    APPROVED = "approved"  #: final approval given; publications created
    REJECTED = "rejected"  #: refused; stays for the record
    WITHDRAWN = "withdrawn"  #: the creator withdrew it


class Item(Base):
    """One piece of content: created once, decided through its workflow, published to every target channel."""

    __tablename__ = "item"
    #: keyset paging of the item list by status, office and creator (newest first: ``id`` descending)
    __table_args__ = (
        Index("ix_item_status_id", "status", "id"),
        Index("ix_item_organisation_id_id", "organisation_id", "id"),
        Index("ix_item_created_by_id_id", "created_by_id", "id"),
        #: the dashboard's "items I submitted" (a person's latest, by last change)
        Index("ix_item_created_by_id_updated_at", "created_by_id", "updated_at"),
    )

    #: the item's number (shown as #id)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the requesting office
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    #: the person who created it (the creator: never decides its steps)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: what sort of content: "article", "post", "video" or a kind a plugin declares (``register_item_kinds``)
    kind: Mapped[str] = mapped_column(String(40), default="article")
    #: the title shown everywhere; channels may have their own in ``ItemChannel.title``
    title: Mapped[str] = mapped_column(String(300), default="")
    #: the main text; a channel's variant text (``ItemChannel.text``) overrides it there
    body: Mapped[str] = mapped_column(Text, default="")
    #: the date of the event the content is about (display windows count from it)
    event_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: where the event takes place
    event_place: Mapped[str] = mapped_column(String(300), default="")
    #: 1 (highest) .. 5 (lowest)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    #: when the publications should go out (None: as soon as approved)
    publish_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: start of the display window on channels that show content for a time (screens)
    window_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: end of the display window
    window_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: the repeat rule of a series (:mod:`hub.items.series`): ``{"freq": "weekly"|"monthly", "interval",
    #: "count" or "until"}``, counted from ``publish_at`` in the office's time zone; None: a single item
    recurrence: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: an ``ItemStatus`` value
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.DRAFT.value, index=True)
    #: the fields plugins declare (``register_item_fields``, :class:`hub.declarations.ItemField`), by name,
    #: and other kind-specific values a plugin keeps with the item
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    #: when it was created (aware UTC)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when it last changed (aware UTC)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    #: the target channels with their variants and options (``ItemChannel``), loaded with the item
    channels: Mapped[list[ItemChannel]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin", order_by="ItemChannel.id"
    )
    #: the attached media in order (``ItemAsset``; ``media()`` gives the ``Asset`` rows)
    assets: Mapped[list[ItemAsset]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin", order_by="ItemAsset.position"
    )

    @property
    def channel_names(self) -> list[str]:
        """The names of the item's target channels, in the order they were added."""
        return [c.channel for c in self.channels]

    def target(self, channel: str) -> ItemChannel | None:
        """The item's ``ItemChannel`` for ``channel``, or None when it does not target it."""
        return next((c for c in self.channels if c.channel == channel), None)

    def text_for(self, channel: str) -> str:
        """The channel's variant text if the creator wrote one, else the body."""
        target = self.target(channel)
        return (target.text if target and target.text else None) or self.body

    def media(self, role: str | None = None) -> list[Asset]:
        """The attached assets in order, only those of ``role`` ("main", "featured"…) when given."""
        return [a.asset for a in self.assets if role is None or a.role == role]


class OccurrenceStatus(enum.StrEnum):
    """The state of one occurrence of a series."""

    PLANNED = "planned"  #: goes out at the time the rule gives
    CHANGED = "changed"  #: moved to another time on its own
    CANCELLED = "cancelled"  #: will not go out; its publications are cancelled


class ItemOccurrence(Base):
    """One occurrence of a series (an item with a ``recurrence``): its number and its own time.

    Written from the rule while the item is prepared; the final approval creates one publication per
    (channel target, occurrence) at ``starts_at``. Cancelling or moving it touches only its own publications.
    """

    __tablename__ = "item_occurrence"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3… in time order of the rule (kept when one occurrence is moved)
    number: Mapped[int] = mapped_column(Integer)
    #: when it goes out (aware UTC)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    #: the time the rule gave it (differs from ``starts_at`` once it was moved)
    rule_starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: an ``OccurrenceStatus`` value
    status: Mapped[str] = mapped_column(String(20), default=OccurrenceStatus.PLANNED.value)
    #: the draft item made for this occurrence on channels that approve each occurrence
    #: (``Channel.approval_per_occurrence``); None when there is none
    occurrence_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"), nullable=True)


class ItemChannel(Base):
    """A target channel of an item with its per-channel variant.

    ``options`` holds what the channel's plugin needs (target screens, account ids,
    categories, thread opt-in…), as declared by that plugin.
    """

    __tablename__ = "item_channel"
    __table_args__ = (UniqueConstraint("item_id", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    #: the channel's name (``Channel.name``)
    channel: Mapped[str] = mapped_column(String(50))
    #: the channel's variant title ("": the item's title)
    title: Mapped[str] = mapped_column(String(300), default="")
    #: the channel's variant text ("": the item's body); see ``Item.text_for``
    text: Mapped[str] = mapped_column(Text, default="")
    #: what the channel's plugin needs, as it declared (screens, accounts, categories…)
    options: Mapped[dict] = mapped_column(JSON, default=dict)

    item: Mapped[Item] = relationship(back_populates="channels")


class ItemAsset(Base):
    """An asset attached to an item, with its role there ("main", "featured", "gallery", "document")."""

    __tablename__ = "item_asset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"))
    role: Mapped[str] = mapped_column(String(20), default="main")
    position: Mapped[int] = mapped_column(Integer, default=0)
    alt_text: Mapped[str] = mapped_column(String(1000), default="")

    item: Mapped[Item] = relationship(back_populates="assets")
    asset: Mapped[Asset] = relationship(lazy="joined")
