"""Settings kept in the database (editable by administrators) and channel accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, UTCDateTime, utcnow


class Setting(Base):
    """One setting value: ``namespace`` is "core" or a plugin name."""

    __tablename__ = "setting"

    namespace: Mapped[str] = mapped_column(String(50), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ChannelAccount(Base):
    """An account on an outside platform (a page, an account, a site).

    ``secret`` holds the credentials encrypted with :mod:`hub.crypto`; ``config``
    holds what is not secret. ``base_url`` is the API endpoint (the real one by
    default, a local stub in tests, a gateway in some installations).
    """

    __tablename__ = "channel_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    #: the name of the channel the account serves (``Channel.name``)
    channel: Mapped[str] = mapped_column(String(50), index=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(500), default="")
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    secret: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
