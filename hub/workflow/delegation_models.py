"""Acting officials: a :class:`Delegation` names a user as acting holder (*Pelaksana Harian* or
*Pelaksana Tugas*) of some of another user's roles for a range of days.

The rules (who may act, what is recorded) are in :mod:`hub.workflow.delegations`.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.models.base import Base, UTCDateTime, utcnow
from hub.models.org import User


class DelegationKind(enum.StrEnum):
    """The Indonesian office's two kinds of acting official."""

    PLH = "plh"  #: Pelaksana Harian: stands in while the official is away (leave, duty travel)
    PLT = "plt"  #: Pelaksana Tugas: stands in while the post is vacant or its holder cannot serve


class Delegation(Base):
    """``delegate`` acts for ``delegator`` in ``roles`` from ``starts_on`` to ``ends_on`` (inclusive
    days in the office's time zone; ``starts_at`` / ``ends_at`` are those days' bounds in UTC, the
    end exclusive). Revoking sets ``revoked_at`` and ends it at once; rows are never deleted."""

    __tablename__ = "delegation"
    __table_args__ = (Index("ix_delegation_delegate_ends_at", "delegate_id", "ends_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the delegator's office when the delegation was made (roles are held within one office)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    delegator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: role codes of the delegator the delegate acts in
    roles: Mapped[list] = mapped_column(JSON, default=list)
    #: a :class:`DelegationKind` value
    kind: Mapped[str] = mapped_column(String(3), default=DelegationKind.PLH.value)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: why (the letter of assignment, "cuti tahunan"…)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: when the start and the end were written to the audit trail (once each)
    start_audited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_audited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id], lazy="joined")
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id], lazy="joined")

    @property
    def effective_end(self) -> dt.datetime:
        """When it stops: its end, or its revocation when that came first."""
        return min(self.ends_at, self.revoked_at) if self.revoked_at else self.ends_at

    def active_at(self, moment: dt.datetime) -> bool:
        return self.starts_at <= moment < self.effective_end

    def kind_label(self) -> str:
        """ "Plh." or "Plt." (the Indonesian abbreviations, in both languages)."""
        return "Plt." if self.kind == DelegationKind.PLT.value else "Plh."
