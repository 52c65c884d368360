"""Organisations (the operating office and the requesting offices) and their users."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.models.base import Base, UTCDateTime, utcnow


class Organisation(Base):
    """An office: the operator (e.g. Diskominfo) or a requesting office (OPD)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(50), default="")
    #: "operator" runs the channels; "requester" only sends items.
    kind: Mapped[str] = mapped_column(String(20), default="requester")
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: role code -> the title this office uses for it
    role_titles: Mapped[dict] = mapped_column(JSON, default=dict)
    #: street address, printed under the name on the letterhead of report PDFs
    address: Mapped[str] = mapped_column(String(300), default="")
    #: the city a document is signed in ("Padang, 7 Desember 2026")
    city: Mapped[str] = mapped_column(String(100), default="")
    #: the office's logo for the letterhead: a PNG, re-encoded on upload (at most 512 KB)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def role_title(self, code: str, lang: str = "id") -> str:
        from hub.roles import role_label

        return (self.role_titles or {}).get(code) or role_label(code, lang, own_titles=False)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    full_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="id")
    #: Nomor Induk Pegawai, 18 digits ("" for someone without one), printed under a signature
    nip: Mapped[str] = mapped_column(String(18), default="")
    #: position (jabatan) printed above a signature, e.g. "Kepala Bidang IKP"
    position: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_codes(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def nip_display(self) -> str:
        """The NIP grouped as it is printed: ``19660902 199403 1 005`` ("" when none)."""
        n = self.nip or ""
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}" if len(n) == 18 else n


class UserRole(Base):
    """A role held by a user (codes from :mod:`hub.roles`)."""

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(50))

    user: Mapped[User] = relationship(back_populates="roles")
