"""Tables of the PPID's public information requests and objections (UU 14/2008 Pasal 22, 35-36).

Personal data (name, NIK, organisation and its legal basis, address, e-mail, phone, and the
tracking secret so the registration e-mail can be sent again) lives only in ``personal``,
encrypted at rest with the hub's key (``hub.sdk.encrypt_json``); ``email_hash`` (an HMAC) lets
throttling and look-ups work without decrypting. After the retention period the blob is erased
(``erased_at``); the request's facts stay for the reports.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.sdk import Base, UTCDateTime, utcnow


class PpidRequest(Base):
    """One request for public information, from its receipt to the PPID's written answer."""

    __tablename__ = "website_ppid_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the registration number people quote ("PPID-2026-0001")
    number: Mapped[str] = mapped_column(String(40), unique=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: end of the 10th working day after receipt (Pasal 22 ayat 7)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: after the one extension (at most 7 working days, Pasal 22 ayat 8): the new due time
    extended_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    #: "received", "extended" or "answered"
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    info_requested: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    #: "person" (with NIK) or "organisation" (with its legal basis)
    requester_kind: Mapped[str] = mapped_column(String(20), default="person")
    #: how the information is obtained: "view", "paper", "electronic"
    receive_how: Mapped[str] = mapped_column(String(20))
    #: how it is delivered: "collect", "post", "email"
    deliver_how: Mapped[str] = mapped_column(String(20))
    #: the requester's language for letters and e-mails ("id" or "en")
    lang: Mapped[str] = mapped_column(String(5), default="id")
    personal: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    email_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    tracking_hash: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: "granted", "partly", "refused", "not_held", "forwarded" once answered
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: the answer's text (what is given, how, the cost; or why not)
    answer: Mapped[str] = mapped_column(Text, default="")
    #: refused or partly granted: UU 14/2008 Pasal 17 letter ("a".."j") and the consequence test
    exception_class: Mapped[str | None] = mapped_column(String(2), nullable=True)
    consequence_reason: Mapped[str] = mapped_column(Text, default="")
    #: the DIP's decision that the information is excluded (a ppid_document classed dikecualikan)
    excluded_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"), nullable=True)
    #: forwarded: the public body that holds the information
    forwarded_to: Mapped[str] = mapped_column(String(300), default="")
    #: when the atasan PPID was told it is overdue (once; hub_website.ppid_requests.escalate_overdue)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    documents: Mapped[list[PpidDocument]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="PpidDocument.id"
    )
    objections: Mapped[list[PpidObjection]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="PpidObjection.id"
    )

    @property
    def current_due_at(self) -> dt.datetime:
        return self.extended_due_at or self.due_at

    def late(self, now: dt.datetime | None = None) -> bool:
        """Answered after its due time, or still unanswered past it."""
        moment = self.decided_at or now or utcnow()
        return moment > self.current_due_at


class PpidDocument(Base):
    """A document sent with the answer (kept in the database; a few MB at most)."""

    __tablename__ = "website_ppid_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("website_ppid_request.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[PpidRequest] = relationship(back_populates="documents")


class PpidObjection(Base):
    """An objection (keberatan) to the PPID's superior (Pasal 35-36)."""

    __tablename__ = "website_ppid_objection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("website_ppid_request.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Pasal 35 ayat (1) letters ("a".."g")
    grounds: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: end of the 30th working day after filing (Pasal 36 ayat 2)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: "registered" or "decided"
    status: Mapped[str] = mapped_column(String(20), default="registered", index=True)
    #: "upheld" (the PPID must give the information) or "rejected"
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)

    request: Mapped[PpidRequest] = relationship(back_populates="objections")


class PpidMessage(Base):
    """An e-mail to a requester (registration, extension notice, answer, objection), sent by a job."""

    __tablename__ = "website_ppid_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("website_ppid_request.id", ondelete="CASCADE"), index=True)
    objection_id: Mapped[int | None] = mapped_column(
        ForeignKey("website_ppid_objection.id", ondelete="CASCADE"), nullable=True
    )
    #: "registered", "extended", "answered", "objection_registered", "objection_answered"
    kind: Mapped[str] = mapped_column(String(30))
    #: "pending", "sent", "failed", "skipped" (no SMTP, or the contact details were erased)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
