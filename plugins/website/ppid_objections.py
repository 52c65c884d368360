"""Objections (keberatan) to the PPID's superior, the atasan PPID (UU 14/2008 Pasal 35-36).

The requester files one from the tracking page on the grounds of Pasal 35 ayat (1), within 30
working days of the reason arising: the PPID's answer, or the due time passing without one
(Pasal 36 ayat 1). Later is refused naming that rule. A filed objection is registered, the
atasan PPID is notified (in the hub and by e-mail) and must answer within 30 working days
(Pasal 36 ayat 2), by letter.
"""

from __future__ import annotations

import datetime as dt

from hub_website import ppid_clock, ppid_law
from hub_website.ppid_models import PpidObjection, PpidRequest
from hub_website.ppid_requests import PpidError, holders
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from hub.sdk import User, _, db, notify, record_audit, utcnow

ATASAN_ROLE = "atasan_ppid"


def reason_arose(req: PpidRequest) -> dt.datetime:
    """When the reason to object arose: the answer, else the due time passing unanswered."""
    return req.decided_at or req.current_due_at


def deadline(req: PpidRequest, cal=None) -> dt.datetime:
    """End of the 30th working day after the reason arose."""
    return ppid_clock.due_after(reason_arose(req), ppid_law.OBJECTION_DAYS, cal)


def may_object(req: PpidRequest, now: dt.datetime | None = None) -> bool:
    """The tracking page offers the form: answered, or overdue, and no objection filed yet."""
    now = now or utcnow()
    if req.objections:
        return False
    return req.status == "answered" or now > req.current_due_at


def _next_number(year: int) -> str:
    prefix = f"KEB-{year}-"
    last = db.session.execute(
        db.select(func.max(PpidObjection.number)).where(PpidObjection.number.like(prefix + "%"))
    ).scalar_one()
    return f"{prefix}{(int(last[len(prefix) :]) if last else 0) + 1:04d}"


def atasan() -> list[User]:
    return holders(ATASAN_ROLE)


def file(req: PpidRequest, *, grounds: list[str], reason: str, now: dt.datetime | None = None) -> PpidObjection:
    """Register an objection, or refuse it (late, no ground) with :class:`PpidError` naming the rule."""
    now = now or utcnow()
    cal = ppid_clock.calendar()
    if req.status != "answered" and now <= req.current_due_at:
        raise PpidError(
            "ppid.objection_early",
            _("The PPID still has time to answer; an objection can be filed once it answers or the time runs out."),
        )
    if req.objections:  # one objection per request; after its answer: the Information Commission
        raise PpidError("ppid.objection_open", _("An objection to this request is already with the PPID's superior."))
    if now > deadline(req, cal):
        raise PpidError(
            "ppid.objection_late",
            _(
                "The objection is late: it must be filed within 30 working days of the reason arising "
                "(UU 14/2008 Art. 36(1)); the time ran out on %(day)s.",
                day=ppid_clock.local_day(deadline(req, cal), cal).isoformat(),
            ),
        )
    grounds = sorted({g for g in grounds if g in ppid_law.GROUNDS})
    if not grounds:
        raise PpidError("ppid.objection_grounds", _("Choose at least one ground of UU 14/2008 Art. 35(1)."))
    if len(reason) > 5000:
        raise PpidError("ppid.objection_reason", _("At most %(num)d characters.", num=5000))
    objection = PpidObjection(
        request_id=req.id,
        number=_next_number(ppid_clock.local_day(now, cal).year),
        filed_at=now,
        grounds=grounds,
        reason=reason.strip(),
        due_at=ppid_clock.due_after(now, ppid_law.OBJECTION_ANSWER_DAYS, cal),
        status="registered",
    )
    req.objections.append(objection)
    db.session.flush()
    record_audit(
        "ppid_objection.filed",
        actor=None,
        target=f"ppid_objection:{objection.id}",
        details={"request": req.number, "grounds": grounds},
    )
    notify(
        atasan(),
        "ppid_objection",
        title_id=f"Keberatan {objection.number} atas permohonan {req.number}",
        title_en=f"Objection {objection.number} to request {req.number}",
        body_id="Keberatan informasi publik menunggu tanggapan Anda dalam 30 hari kerja (UU 14/2008 Pasal 36).",
        body_en="A public-information objection waits for your answer within 30 working days (UU 14/2008 Art. 36).",
        url=f"/ppid/register/objections/{objection.id}",
    )
    from hub_website.ppid_mail import queue

    queue(req, "objection_registered", objection)
    return objection


def decide(objection: PpidObjection, user, *, outcome: str, answer: str, now: dt.datetime | None = None) -> None:
    if objection.status == "decided":
        raise PpidError("ppid.objection_decided", _("This objection has been answered already."))
    if outcome not in ppid_law.OUTCOMES:
        raise PpidError("ppid.objection_outcome", _("Choose the decision."))
    if not answer.strip():
        raise PpidError("ppid.answer", _("Write the answer to the requester."))
    objection.outcome = outcome
    objection.answer = answer.strip()
    objection.decided_at = now or utcnow()
    objection.decided_by_id = user.id
    objection.status = "decided"
    record_audit(
        "ppid_objection.decided", actor=user, target=f"ppid_objection:{objection.id}", details={"outcome": outcome}
    )
    from hub_website.ppid_mail import queue

    queue(objection.request, "objection_answered", objection)


def open_objections() -> list[PpidObjection]:
    return list(
        db.session.execute(
            db.select(PpidObjection)
            .where(PpidObjection.status == "registered")
            .options(selectinload(PpidObjection.request))
            .order_by(PpidObjection.due_at)
        ).scalars()
    )
