"""Who is reached where: Telegram chats linked by a one-time deep link, WhatsApp numbers verified
by a one-time code."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.sdk import Base, UTCDateTime, utcnow


class LinkToken(Base):
    """A one-time deep-link token (``https://t.me/<bot>?start=<token>``); only its SHA-256 is kept."""

    __tablename__ = "messaging_link_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TelegramChat(Base):
    """The Telegram chat a person linked (one per person; ``/stop`` removes it)."""

    __tablename__ = "messaging_telegram_chat"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(40), index=True)
    username: Mapped[str] = mapped_column(String(100), default="")
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WhatsAppNumber(Base):
    """A person's WhatsApp number: used only once ``verified_at`` is set (the code came back)."""

    __tablename__ = "messaging_whatsapp_number"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    #: international form without "+" (6281234567890), as the Cloud API wants it
    phone: Mapped[str] = mapped_column(String(20))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
