"""Publications: one row per (item, channel target), the outbox the dispatcher works from.

The database is the source of truth for what is published. Rows are written in
the same transaction as the final approval; a relay enqueues jobs for them; a
reconciler re-enqueues rows left behind by a crashed worker or Redis.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.models.base import Base, UTCDateTime, utcnow
from hub.models.item import Item


class PublicationStatus(enum.StrEnum):
    """States of a publication (see docs/architecture.md for the transitions)."""

    PENDING = "pending"  #: written with the approval; not yet handed to the queue
    QUEUED = "queued"  #: a job is in Redis for it
    PUBLISHING = "publishing"  #: a worker is calling the channel now
    PUBLISHED = "published"  #: the channel has it; ``remote_id`` says where
    FAILED = "failed"  #: the channel refused for good; ``last_error`` says why
    NEEDS_ATTENTION = "needs_attention"  #: outcome unknown; a person must decide
    CANCELLED = "cancelled"  #: an admin stopped it before it went out
    UNPUBLISHED = "unpublished"  #: taken down after publication


#: the publications that need a person (the dashboard's channel-health panel)
TROUBLE_WHERE = "status IN ('failed', 'needs_attention')"


class Publication(Base):
    """One item (or one occurrence of a series) on one channel target: the unit the dispatcher publishes,
    retries and reports on."""

    __tablename__ = "publication"
    __table_args__ = (
        UniqueConstraint("item_id", "channel", "target", "occurrence"),
        # the dashboard's failed publications, newest first: a small partial index, read backwards
        Index(
            "ix_publication_trouble_updated_at",
            "updated_at",
            postgresql_where=text(TROUBLE_WHERE),
            sqlite_where=text(TROUBLE_WHERE),
        ),
    )

    #: the publication's number
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the item it publishes
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    #: the channel's name (``Channel.name``)
    channel: Mapped[str] = mapped_column(String(50))
    #: which account/site/screen group within the channel ("" when the channel has one target)
    target: Mapped[str] = mapped_column(String(100), default="")
    #: the occurrence number of a series (``ItemOccurrence.number``); 0 for an item that is not a series
    occurrence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: a ``PublicationStatus`` value
    status: Mapped[str] = mapped_column(String(20), default=PublicationStatus.PENDING.value, index=True)
    #: how many times a worker has tried to publish it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: when it should go out (None: as soon as approved)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: earliest time the next attempt may run (backoff / Retry-After)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: stable key a plugin can send to the channel or search for, so a retry finds the earlier copy
    idempotency_key: Mapped[str] = mapped_column(String(100), default="")
    #: the channel's id of what was made (``PublishResult.remote_id``)
    remote_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: where the public sees it (``PublishResult.remote_url``)
    remote_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    #: plugin-owned state kept across attempts (uploaded media ids, thread ids…)
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the last failure, in words for the admin (Indonesian, or the only words the plugin gave)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the same failure in English, when the plugin gave it (``PublishError(message_en=...)``)
    last_error_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: when the channel confirmed it (aware UTC)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: while ``publishing``: the worker's lease, renewed by its heartbeat; once past, the
    #: reconciler treats the worker as dead and re-queues the row (hub.dispatch.reconcile)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: ``attempts`` when an admin last retried by hand; the automatic limit counts from here
    retry_base: Mapped[int] = mapped_column(Integer, default=0)
    #: an admin asked to take it down; set until the ``unpublish`` job has finished
    unpublish_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: when it was written (with the final approval)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when it last changed
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    #: the item (loaded on access)
    item: Mapped[Item] = relationship()

    def error_in(self, lang: str) -> str | None:
        """The last failure in ``lang`` ("id" or "en"); the Indonesian words when no English was given."""
        if lang == "en" and self.last_error_en:
            return self.last_error_en
        return self.last_error
