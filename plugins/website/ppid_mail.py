"""E-mails to requesters, who have no account: one :class:`PpidMessage` row per e-mail, written in
the transaction of the change it reports and handed to the :func:`send_message` job after the
commit (a rolled-back change sends nothing). The job composes the e-mail in the requester's
language at sending time, from the register, with the letter and documents attached.
``hub website ppid-mail`` hands rows still pending (Redis was down) to the job again.
"""

from __future__ import annotations

import logging

from flask_babel import force_locale
from hub_website import ppid_clock, ppid_law
from hub_website.ppid_models import PpidMessage, PpidObjection, PpidRequest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from hub.sdk import MailError, _, db, enqueue, job, send_mail, smtp_enabled, utcnow

log = logging.getLogger(__name__)
_PENDING = "hub_website.ppid_mail"


def queue(req: PpidRequest, kind: str, objection: PpidObjection | None = None) -> PpidMessage:
    message = PpidMessage(request_id=req.id, objection_id=objection.id if objection else None, kind=kind)
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(message.id)
    return message


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING, None)
    for message_id in ids or ():
        try:
            enqueue(send_message, message_id, job_timeout=300)
        except Exception as exc:  # noqa: BLE001 - Redis down: `hub website ppid-mail` sends them later
            log.warning("could not queue PPID e-mail %s: %s", message_id, exc)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _day(moment) -> str:
    from hub.sdk import format_day

    return format_day(ppid_clock.local_day(moment), lang=_lang(), form="long")


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "id")


def compose(message: PpidMessage, secret: str) -> tuple[str, str, list[tuple[str, str, bytes]]]:
    """Subject, body and attachments, in the current locale."""
    from hub_website import ppid_letters
    from hub_website.ppid_requests import tracking_url

    req = db.session.get(PpidRequest, message.request_id)
    link = tracking_url(req, secret)
    attachments: list[tuple[str, str, bytes]] = []
    track = _("Follow your request here (keep this link to yourself): %(link)s", link=link)
    if message.kind == "registered":
        subject = _("Request for public information %(number)s received", number=req.number)
        lines = [
            _("Your request for public information is registered as number %(number)s.", number=req.number),
            _("The PPID answers in writing by %(day)s (10 working days, UU 14/2008 Art. 22(7)).", day=_day(req.due_at)),
            track,
        ]
    elif message.kind == "extended":
        subject = _("Request %(number)s: the answer is extended", number=req.number)
        lines = [*ppid_letters.extension_notice(req), track]
    elif message.kind == "answered":
        subject = _("Request %(number)s: the PPID's answer", number=req.number)
        lines = [
            _(
                "The PPID has answered your request: %(decision)s.",
                decision=ppid_law.label(ppid_law.DECISIONS, req.decision),
            ),
            _("The answer letter is attached."),
            track,
        ]
        attachments.append((f"jawaban-{req.number}.pdf", "application/pdf", ppid_letters.answer_letter(req)))
        attachments.extend((d.filename, d.mime, d.data) for d in req.documents)
    else:
        objection = db.session.get(PpidObjection, message.objection_id)
        if message.kind == "objection_registered":
            subject = _("Objection %(number)s registered", number=objection.number)
            lines = [
                _(
                    "Your objection is registered as number %(number)s. The PPID's superior answers in writing by "
                    "%(day)s (30 working days, UU 14/2008 Art. 36(2)).",
                    number=objection.number,
                    day=_day(objection.due_at),
                ),
                track,
            ]
        else:
            subject = _("Objection %(number)s: the answer", number=objection.number)
            lines = [_("The answer letter is attached."), track]
            attachments.append(
                (f"jawaban-{objection.number}.pdf", "application/pdf", ppid_letters.objection_letter(objection))
            )
    return subject, "\n\n".join(str(line) for line in lines) + "\n", attachments


@job
def send_message(message_id: int) -> bool:
    """Send one requester e-mail still pending; True when it went out."""
    from hub_website.ppid_requests import personal

    claimed = db.session.execute(
        update(PpidMessage)
        .where(PpidMessage.id == message_id, PpidMessage.status == "pending")
        .values(status="sending")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    message = db.session.get(PpidMessage, message_id)
    req = db.session.get(PpidRequest, message.request_id)
    data = personal(req)
    sent = False
    if not smtp_enabled() or not data.get("email"):
        message.status = "skipped"
    else:
        try:
            with force_locale(req.lang):
                subject, body, attachments = compose(message, data.get("secret", ""))
            send_mail(data["email"], subject, body, attachments)
            message.status, message.sent_at, sent = "sent", utcnow(), True
        except MailError as exc:
            message.status, message.error = "failed", str(exc)[:1000]
            log.warning("PPID e-mail %s failed: %s", message_id, exc)
        except Exception as exc:  # noqa: BLE001 - never leave the row "sending": say what broke
            db.session.rollback()
            message = db.session.get(PpidMessage, message_id)
            message.status, message.error = "failed", f"{type(exc).__name__}: {exc}"[:1000]
            log.exception("PPID e-mail %s could not be composed", message_id)
    db.session.commit()
    return sent


def queue_pending() -> int:
    """Hand the e-mails still pending to the job again (after Redis was down)."""
    ids = list(db.session.execute(db.select(PpidMessage.id).where(PpidMessage.status == "pending")).scalars())
    for message_id in ids:
        enqueue(send_message, message_id, job_timeout=300)
    return len(ids)
