"""Media assets: uploaded or fetched files, stored under generated names in ``MEDIA_DIR``."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, UTCDateTime, utcnow


class AssetStatus(enum.StrEnum):
    """Where an asset is in its life."""

    RECEIVING = "receiving"  #: bytes still arriving (chunked upload or Drive download)
    PROBING = "probing"  #: stored; the background probe has not finished
    READY = "ready"  #: checked and probed; may be attached and published
    REJECTED = "rejected"  #: refused; ``error`` says why
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
    status: Mapped[str] = mapped_column(String(20), default=AssetStatus.RECEIVING.value)
    error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    #: where it came from: "upload" or a Drive link
    source: Mapped[str] = mapped_column(String(1000), default="upload")
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: display orientation after rotation metadata: "landscape", "portrait" or "square"
    orientation: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: the full probe result (codecs, fps, rotation, audio…) and derivative paths
    probe: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
