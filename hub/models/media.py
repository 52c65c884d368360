"""Media assets: uploaded or fetched files, stored under generated names in ``MEDIA_DIR``."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, UTCDateTime, utcnow


class AssetStatus(enum.StrEnum):
    """Where an asset is in its life.

    A row is only written once the file has passed the checks (type from content, size,
    header probe), so uploads and Drive downloads in progress have no row (their state
    is in Redis, see :mod:`hub.media.uploads` and :mod:`hub.media.drive`).
    """

    RECEIVING = "receiving"  #: not used by the media area (kept for compatibility)
    PROBING = "probing"  #: stored and checked; the background probe has not finished
    READY = "ready"  #: checked and probed; may be attached and published
    REJECTED = "rejected"  #: refused by the background probe (file deleted); ``error`` says why
    DELETED = "deleted"  #: file removed by retention; the row stays for the record


class Asset(Base):
    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: the name the person gave the file (cleaned); never used on disk
    original_name: Mapped[str] = mapped_column(String(255), default="")
    #: generated path relative to MEDIA_DIR
    stored_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: "video", "image" or "document"
    kind: Mapped[str] = mapped_column(String(20), default="")
    mime: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default=AssetStatus.RECEIVING.value, index=True)
    error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    #: where it came from: "upload" or a Drive link
    source: Mapped[str] = mapped_column(String(1000), default="upload")
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: display orientation after rotation metadata: "landscape", "portrait" or "square"
    orientation: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: the full probe result: container, codecs, fps, rotation, stored size, audio, browser_playable…
    probe: Mapped[dict] = mapped_column(JSON, default=dict)
    #: derived files: {"poster"|"thumbnail"|"preview": {"path", "status", "width", "height", "error"},
    #: "renditions": {"<W>x<H>-<S>s-<fit>": {...same, "max_seconds"}}}; paths relative to MEDIA_DIR
    derivatives: Mapped[dict] = mapped_column(JSON, default=dict)
    #: when the background probe finished (None while probing)
    probed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
