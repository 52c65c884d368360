"""The audit trail's table: append-only, hash-chained (see :mod:`hub.audit`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """One recorded event. ``id`` is the position in the chain (1, 2, 3… with no gaps).

    ``hash`` is SHA-256 over the entry's canonical fields and ``prev_hash``, so changing
    or deleting any entry breaks the chain from there on (``hub audit verify``).
    ``actor_id`` is kept without a foreign key so the trail never changes when users do.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: None for the system (a command, a background job)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: the actor's user name when it happened ("system" for none)
    actor_name: Mapped[str] = mapped_column(String(80), default="system")
    action: Mapped[str] = mapped_column(String(100), index=True)
    target_type: Mapped[str | None] = mapped_column(String(50), nullable=True, index=True)
    target_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(300), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
