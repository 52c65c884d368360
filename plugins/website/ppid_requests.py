"""The PPID's register of public information requests (UU 14/2008 Pasal 22): receipt, the one
extension, the decision. Objections are in :mod:`hub_website.ppid_objections`.

Every change is written with its audit entry and the requester's e-mail (a
:class:`PpidMessage` row, sent by a job after the commit) in one transaction; the caller commits.
Overdue requests are shown on the PPID's dashboard and escalated once to the atasan PPID when
their (extended) due time passes (:func:`escalate_overdue`, a job scheduled at that time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from flask import current_app
from hub_website import ppid, ppid_clock, ppid_law
from hub_website.ppid_models import PpidDocument, PpidRequest
from sqlalchemy import func

from hub.sdk import (
    HubError,
    Item,
    User,
    UserRole,
    _,
    db,
    decrypt_json,
    encrypt_json,
    enqueue,
    job,
    notify,
    record_audit,
    utcnow,
)

PERSONAL_FIELDS = ("name", "nik", "organisation", "legal_basis", "address", "email", "phone")
#: the documents sent with an answer: at most this many bytes in all
DOCUMENTS_MAX_BYTES = 10 * 1024 * 1024
#: magic bytes -> (mime, extension) of the documents accepted with an answer
DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"PK\x03\x04", "application/zip", ".zip"),
)


class PpidError(HubError):
    """A request or objection cannot be changed that way; ``code`` for the API, the message for people."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


# --- personal data ---------------------------------------------------------------------------------


def email_hash(email: str) -> str:
    key = ("website-ppid-email:" + current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def personal(req: PpidRequest) -> dict:
    """The decrypted personal data (empty after erasure). Callers showing it to a person audit it."""
    return decrypt_json(req.personal) if req.personal else {}


def show_personal(req: PpidRequest, user) -> dict:
    """The personal data for a PPID officer's page: every view is in the audit trail."""
    record_audit("ppid_request.personal_viewed", actor=user, target=f"ppid_request:{req.id}")
    return personal(req)


def find_by_secret(request_id: int, secret: str) -> PpidRequest | None:
    req = db.session.get(PpidRequest, request_id)
    if req is None or not secret or not hmac.compare_digest(req.tracking_hash, secret_hash(secret)):
        return None
    return req


# --- receipt -----------------------------------------------------------------------------------------

NIK = re.compile(r"^\d{16}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate(form: dict, *, staff: bool = False) -> dict[str, str]:
    """Field -> message for what is missing or malformed in a filed request (empty when fine).

    ``staff``: the PPID registers a request received on paper or at the desk; e-mail and phone may
    then be missing (the requester is given the number and tracking link on paper).
    """
    errors: dict[str, str] = {}

    def need(field: str, limit: int):
        value = (form.get(field) or "").strip()
        if not value:
            errors[field] = _("This field is required.")
        elif len(value) > limit:
            errors[field] = _("At most %(num)d characters.", num=limit)

    need("name", 200)
    need("address", 500)
    if not staff or (form.get("email") or "").strip():
        need("email", 200)
    if not staff:
        need("phone", 40)
    need("info_requested", 5000)
    need("purpose", 2000)
    if form.get("requester_kind") == "organisation":
        need("organisation", 300)
        need("legal_basis", 300)
    elif not NIK.match((form.get("nik") or "").strip()):
        errors["nik"] = _("The NIK is the 16 digits on the identity card (KTP).")
    email = (form.get("email") or "").strip()
    if "email" not in errors and (email or not staff) and not EMAIL.match(email):
        errors["email"] = _("This is not an e-mail address.")
    if form.get("receive_how") not in ppid_law.RECEIVE_HOW:
        errors["receive_how"] = _("Choose one of the options.")
    if form.get("deliver_how") not in ppid_law.DELIVER_HOW:
        errors["deliver_how"] = _("Choose one of the options.")
    return errors


def _next_number(year: int) -> str:
    prefix = f"PPID-{year}-"
    last = db.session.execute(
        db.select(func.max(PpidRequest.number)).where(PpidRequest.number.like(prefix + "%"))
    ).scalar_one()
    return f"{prefix}{(int(last[len(prefix) :]) if last else 0) + 1:04d}"


def create(form: dict, *, lang: str = "id", now: dt.datetime | None = None, actor=None) -> tuple[PpidRequest, str]:
    """Register a request (already validated); returns it and its tracking secret (shown once).

    ``now``: when it was received (a paper request: the day it arrived); ``actor``: the PPID who
    registered it, None for the public form.
    """
    now = now or utcnow()
    cal = ppid_clock.calendar()
    secret = secrets.token_urlsafe(24)
    kind = "organisation" if form.get("requester_kind") == "organisation" else "person"
    data = {k: (form.get(k) or "").strip() for k in PERSONAL_FIELDS}
    if kind == "person":
        data["organisation"] = data["legal_basis"] = ""
    else:
        data["nik"] = ""
    data["secret"] = secret
    req = PpidRequest(
        number=_next_number(ppid_clock.local_day(now, cal).year),
        received_at=now,
        due_at=ppid_clock.due_after(now, ppid_law.ANSWER_DAYS, cal),
        status="received",
        info_requested=form["info_requested"].strip(),
        purpose=form["purpose"].strip(),
        requester_kind=kind,
        receive_how=form["receive_how"],
        deliver_how=form["deliver_how"],
        lang="en" if lang == "en" else "id",
        personal=encrypt_json(data),
        email_hash=email_hash(data["email"]) if data["email"] else "",
        tracking_hash=secret_hash(secret),
        created_at=now,
    )
    db.session.add(req)
    db.session.flush()
    record_audit("ppid_request.received", actor=actor, target=f"ppid_request:{req.id}", details={"number": req.number})
    notify(
        holders("ppid"),
        "ppid_request",
        title_id=f"Permohonan informasi publik {req.number}",
        title_en=f"Public information request {req.number}",
        body_id="Jawab secara tertulis paling lambat 10 hari kerja setelah diterima (UU 14/2008 Pasal 22).",
        body_en="Answer in writing within 10 working days of receipt (UU 14/2008 Art. 22).",
        url=f"/ppid/register/{req.id}",
    )
    from hub_website.ppid_mail import queue

    queue(req, "registered")
    schedule_escalation(req)
    return req, secret


def holders(role: str) -> list[User]:
    """The people holding a role (the PPID, the atasan PPID), to notify them."""
    return list(
        db.session.execute(
            db.select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == role)
        ).scalars()
    )


def tracking_url(req: PpidRequest, secret: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + f"/ppid/track/{req.id}/{secret}"


# --- the PPID's actions -----------------------------------------------------------------------------


def _open(req: PpidRequest) -> None:
    if req.status == "answered":
        raise PpidError("ppid.already_answered", _("This request has been answered already."))


def extend(req: PpidRequest, user, *, days: int, reason: str, now: dt.datetime | None = None) -> None:
    """The one extension (Pasal 22 ayat 8): at most 7 working days, with a written notice to the requester."""
    _open(req)
    if req.extended_due_at is not None:
        raise PpidError("ppid.extended_once", _("A request can be extended only once (UU 14/2008 Art. 22(8))."))
    if not 1 <= days <= ppid_law.EXTENSION_MAX_DAYS:
        raise PpidError(
            "ppid.extension_days",
            _("An extension is 1 to %(num)d working days (UU 14/2008 Art. 22(8)).", num=ppid_law.EXTENSION_MAX_DAYS),
        )
    if not reason.strip():
        raise PpidError("ppid.extension_reason", _("Write the reason for the extension; the requester is told."))
    req.extended_due_at = ppid_clock.extend(req.due_at, days)
    req.extension_reason = reason.strip()
    req.status = "extended"
    record_audit(
        "ppid_request.extended",
        actor=user,
        target=f"ppid_request:{req.id}",
        details={"days": days, "due_at": req.extended_due_at.isoformat()},
    )
    from hub_website.ppid_mail import queue

    queue(req, "extended")
    schedule_escalation(req)


def excluded_decisions() -> list[Item]:
    """The DIP's excluded-information decisions: PPID documents classed *dikecualikan*."""
    items = db.session.execute(db.select(Item).where(Item.kind == ppid.KIND).order_by(Item.id.desc())).scalars()
    return [item for item in items if ppid.is_excluded(item)]


def document_type(data: bytes) -> tuple[str, str] | None:
    for magic, mime, ext in DOCUMENT_TYPES:
        if data.startswith(magic):
            return mime, ext
    return None


def decide(
    req: PpidRequest,
    user,
    *,
    decision: str,
    answer: str,
    exception_class: str = "",
    consequence_reason: str = "",
    excluded_item_id: int | None = None,
    forwarded_to: str = "",
    documents: list[tuple[str, bytes]] = (),
    now: dt.datetime | None = None,
) -> None:
    """The PPID's written answer. Refusing (wholly or partly) needs a Pasal 17 class and the consequence test."""
    _open(req)
    if decision not in ppid_law.DECISIONS:
        raise PpidError("ppid.decision", _("Choose the decision."))
    if not answer.strip():
        raise PpidError("ppid.answer", _("Write the answer to the requester."))
    if decision in ppid_law.WITHHOLDING:
        if exception_class not in ppid_law.EXCEPTIONS:
            raise PpidError(
                "ppid.exception_class",
                _("A refusal must name the exception of UU 14/2008 Art. 17 it rests on."),
            )
        if len(consequence_reason.strip()) < 20:
            raise PpidError(
                "ppid.consequence_test",
                _("A refusal must give the consequence test: what harm disclosure would cause (Art. 2(4))."),
            )
    else:
        exception_class, consequence_reason, excluded_item_id = "", "", None
    if decision == "forwarded" and not forwarded_to.strip():
        raise PpidError("ppid.forwarded_to", _("Name the public body the request is forwarded to."))
    if excluded_item_id is not None and excluded_item_id not in {i.id for i in excluded_decisions()}:
        raise PpidError("ppid.excluded_item", _("That is not an excluded-information decision of the DIP."))
    total = 0
    checked = []
    for name, data in documents:
        kind = document_type(data)
        if kind is None:
            raise PpidError(
                "ppid.document_type",
                _("%(name)s: only PDF, PNG, JPEG or ZIP (office) files can be sent.", name=name[:100]),
            )
        total += len(data)
        checked.append((name, data, kind))
    if total > DOCUMENTS_MAX_BYTES:
        raise PpidError("ppid.documents_size", _("The documents are over 10 MB together; send a link instead."))
    now = now or utcnow()
    req.decision = decision
    req.answer = answer.strip()
    req.exception_class = exception_class or None
    req.consequence_reason = consequence_reason.strip()
    req.excluded_item_id = excluded_item_id
    req.forwarded_to = forwarded_to.strip() if decision == "forwarded" else ""
    req.decided_at = now
    req.decided_by_id = user.id
    req.status = "answered"
    for name, data, (mime, ext) in checked:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name.rsplit(".", 1)[0])[:80] or "dokumen"
        req.documents.append(PpidDocument(filename=stem + ext, mime=mime, size=len(data), data=data))
    record_audit(
        "ppid_request.decided",
        actor=user,
        target=f"ppid_request:{req.id}",
        details={"decision": decision, "exception_class": req.exception_class, "late": req.late()},
    )
    from hub_website.ppid_mail import queue

    queue(req, "answered")


def overdue(now: dt.datetime | None = None) -> list[PpidRequest]:
    """Unanswered requests past their (extended) due time, oldest due first."""
    now = now or utcnow()
    due = func.coalesce(PpidRequest.extended_due_at, PpidRequest.due_at)
    return list(
        db.session.execute(
            db.select(PpidRequest).where(PpidRequest.status != "answered", due < now).order_by(due)
        ).scalars()
    )


_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


def escalate_overdue(now: dt.datetime | None = None) -> list[PpidRequest]:
    """Tell the atasan PPID, once, of each unanswered request past its (extended) due time; commits.

    The law's clock has run out by then (UU 14/2008 Pasal 22), so the superior hears of it at
    once rather than after another ten working days. A conditional UPDATE marks each request, so
    two workers never tell twice.
    """
    now = now or utcnow()
    escalated = []
    for req in overdue(now):
        if req.escalated_at is not None:
            continue
        marked = db.session.execute(
            db.update(PpidRequest)
            .where(PpidRequest.id == req.id, PpidRequest.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not marked:
            continue
        from hub.sdk import format_moment

        due, zone = req.current_due_at, ppid_clock.calendar().tz
        notify(
            holders("atasan_ppid"),
            "escalated",
            title_id=f"Permohonan informasi terlambat: {req.number}",
            title_en=f"Information request overdue: {req.number}",
            body_id=f"Batas waktu jawaban {format_moment(due, zone, 'id', 'long')} terlewati (UU 14/2008 Pasal 22).",
            body_en=f"The answer was due {format_moment(due, zone, 'en', 'long')} (UU 14/2008 Art. 22).",
            url=f"/ppid/register/{req.id}",
        )
        record_audit(
            "ppid_request.escalated", actor=None, target=f"ppid_request:{req.id}", details={"due_at": due.isoformat()}
        )
        escalated.append(req)
    db.session.commit()
    return escalated


def schedule_escalation(req: PpidRequest) -> None:
    """Queue :func:`escalation_job` for just after the request's (extended) due time (after the commit)."""
    try:
        enqueue(escalation_job, at=req.current_due_at + dt.timedelta(seconds=1))
    except Exception:  # noqa: BLE001 - Redis down: the next scheduled check (any request's) catches up
        current_app.logger.warning("ppid: escalation check of %s not queued", req.number, exc_info=True)


@job
def escalation_job() -> int:
    """The scheduled check: escalate every overdue request not escalated yet (catches up lost jobs)."""
    return len(escalate_overdue())


def register(status: str = "", limit: int = 500) -> list[PpidRequest]:
    """The register, open requests first by due time, then the answered ones newest first."""
    stmt = db.select(PpidRequest)
    if status == "open":
        stmt = stmt.where(PpidRequest.status != "answered")
    elif status in ppid_law.STATUSES:
        stmt = stmt.where(PpidRequest.status == status)
    rows = list(db.session.execute(stmt.order_by(PpidRequest.received_at.desc()).limit(limit)).scalars())
    rows.sort(
        key=lambda r: (
            r.status == "answered",
            r.current_due_at if r.status != "answered" else _NEVER,
        )
    )
    return rows


# --- retention -----------------------------------------------------------------------------------------


def erase_expired(days: int, now: dt.datetime | None = None) -> int:
    """Erase the personal data of requests answered more than ``days`` days ago (and not under objection)."""
    now = now or utcnow()
    limit = now - dt.timedelta(days=days)
    rows = db.session.execute(
        db.select(PpidRequest).where(
            PpidRequest.personal.is_not(None), PpidRequest.decided_at.is_not(None), PpidRequest.decided_at < limit
        )
    ).scalars()
    erased = 0
    for req in rows:
        if any(o.status != "decided" for o in req.objections):
            continue
        req.personal = None
        req.email_hash = ""
        req.erased_at = now
        erased += 1
        record_audit("ppid_request.personal_erased", actor=None, target=f"ppid_request:{req.id}")
    return erased
