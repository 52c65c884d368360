"""Items: one piece of content submitted once and sent to several channels."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    __tablename__ = "item"
    #: keyset paging of the item list by status, office and creator (newest first: ``id`` descending)
    __table_args__ = (
        Index("ix_item_status_id", "status", "id"),
        Index("ix_item_organisation_id_id", "organisation_id", "id"),
        Index("ix_item_created_by_id_id", "created_by_id", "id"),
        #: the dashboard's "items I submitted" (a person's latest, by last change)
        Index("ix_item_created_by_id_updated_at", "created_by_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the requesting office
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: what sort of content: "video", "article", "post", "ppid_document", "vidcon_booking"…
    kind: Mapped[str] = mapped_column(String(40), default="article")
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    event_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    event_place: Mapped[str] = mapped_column(String(300), default="")
    #: 1 (highest) .. 5 (lowest)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    #: approved as urgent (serta-merta): interrupts loops, goes first
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: approver allowed a display window longer than the SOP default (public need)
    public_need_exception: Mapped[bool] = mapped_column(Boolean, default=False)
    publish_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.DRAFT.value, index=True)
    #: kind-specific fields (PPID class, unit, year…) declared by plugins
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    channels: Mapped[list[ItemChannel]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin", order_by="ItemChannel.id"
    )
    assets: Mapped[list[ItemAsset]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin", order_by="ItemAsset.position"
    )

    @property
    def channel_names(self) -> list[str]:
        return [c.channel for c in self.channels]

    def target(self, channel: str) -> ItemChannel | None:
        return next((c for c in self.channels if c.channel == channel), None)

    def text_for(self, channel: str) -> str:
        """The channel's variant text if the creator wrote one, else the body."""
        target = self.target(channel)
        return (target.text if target and target.text else None) or self.body

    def media(self, role: str | None = None) -> list[Asset]:
        return [a.asset for a in self.assets if role is None or a.role == role]


class ItemChannel(Base):
    """A target channel of an item with its per-channel variant.

    ``options`` holds what the channel's plugin needs (target screens, account ids,
    categories, thread opt-in…), as declared by that plugin.
    """

    __tablename__ = "item_channel"
    __table_args__ = (UniqueConstraint("item_id", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
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
