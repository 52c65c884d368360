"""Tables of the accounts area: two-factor state, server-side sessions, API tokens,
recovery codes, failed-login records and earlier password hashes. Secrets are never stored in clear: session ids,
tokens and recovery codes as SHA-256 digests (they are long random values), the TOTP
secret encrypted with :mod:`hub.crypto`'s key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.models.base import Base, UTCDateTime, utcnow
from hub.models.org import User


class TwoFactor(Base):
    """A user's TOTP enrolment. ``last_step`` is the last accepted 30-second step: a code is
    accepted once, by an atomic ``UPDATE … WHERE last_step < :step``."""

    __tablename__ = "auth_two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    #: None while the user is enrolling (secret shown, not yet confirmed with a code)
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_step: Mapped[int] = mapped_column(BigInteger, default=0)


class AuthSession(Base):
    """A server-side login session; the browser holds only the random id (in the signed cookie)."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: SHA-256 of the session id the browser holds
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the absolute timeout: the session ends then, however active it is
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: why it ended: logout, idle, expired, password_changed, disabled, revoked
    end_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(300), nullable=True)

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A bearer token for scripts: shown once, stored hashed, expires, revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters, to tell tokens apart in lists
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A single-use recovery code (ten per user, shown once)."""

    __tablename__ = "auth_recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginFailure(Base):
    """One failed login, counted per account (``scope="account"``) and per address."""

    __tablename__ = "auth_login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PasswordHistory(Base):
    """A user's earlier password hashes (Argon2id), so the last N are refused; the newest N kept."""

    __tablename__ = "auth_password_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
