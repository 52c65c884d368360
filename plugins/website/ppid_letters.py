"""Answer letters as PDF (fpdf2, as the hub's reports): the PPID's answer to a request
(Pasal 22 ayat 7) and the atasan PPID's answer to an objection (Pasal 36 ayat 2).

The text comes from the templates below, in the requester's language (the one they filed in),
filled with the register's facts. The letterhead and the signatory are settings
(``ppid_office_name``, ``ppid_signatory``).
"""

from __future__ import annotations

from flask_babel import force_locale
from hub_website import ppid_clock, ppid_law
from hub_website.ppid_models import PpidObjection, PpidRequest
from hub_website.ppid_requests import personal

from hub.sdk import DocumentPDF, _, plugin_config


class _Letter(DocumentPDF):
    def __init__(self):
        super().__init__()
        self.set_margins(25, 20, 20)
        self.add_page()

    def para(self, text: str, bold: bool = False, size: int = 11, gap: float = 3) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, 5.5, self.text_safe(text))
        self.ln(gap)


def _day(moment) -> str:
    from flask_babel import get_locale

    from hub.sdk import format_day

    return format_day(ppid_clock.local_day(moment), lang=str(get_locale() or "id"), form="long")


def _render(number: str, subject: str, to: list[str], paragraphs: list[str], when) -> bytes:
    pdf = _Letter()
    pdf.para(str(plugin_config("website", "ppid_office_name") or ""), bold=True, size=13, gap=1)
    pdf.para(_("Public Information and Documentation Officer (PPID)"), size=10, gap=2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)
    head = [
        _("Letter number: %(number)s", number=number),
        _("Date: %(day)s", day=_day(when)),
        _("Subject: %(subject)s", subject=subject),
    ]
    pdf.para("\n".join(head), gap=5)
    pdf.para("\n".join([_("Addressed to:"), *(line for line in to if line)]), gap=5)
    for text in paragraphs:
        pdf.para(text)
    pdf.ln(8)
    pdf.para(str(plugin_config("website", "ppid_signatory") or ""), bold=True)
    return bytes(pdf.output())


def _addressee(req: PpidRequest) -> list[str]:
    data = personal(req)
    if not data:
        return [_("The requester (personal data erased)")]
    return [data.get("name", ""), data.get("organisation", ""), data.get("address", "")]


def answer_letter(req: PpidRequest) -> bytes:
    """The PPID's written answer (Pasal 22 ayat 7), in the requester's language."""
    with force_locale(req.lang):
        return _answer_letter(req)


def _answer_letter(req: PpidRequest) -> bytes:
    paragraphs = [
        _(
            "In reply to your request for public information number %(number)s received on %(day)s, "
            "concerning: %(info)s",
            number=req.number,
            day=_day(req.received_at),
            info=req.info_requested,
        ),
        _("Decision: %(decision)s.", decision=ppid_law.label(ppid_law.DECISIONS, req.decision)),
        req.answer,
    ]
    if req.decision in ppid_law.WITHHOLDING:
        paragraphs.append(
            _(
                "The information withheld is excluded under %(exception)s. Consequence test: %(reason)s",
                exception=ppid_law.label(ppid_law.EXCEPTIONS, req.exception_class),
                reason=req.consequence_reason,
            )
        )
    if req.decision == "forwarded":
        paragraphs.append(_("Your request has been forwarded to: %(body)s.", body=req.forwarded_to))
    if req.documents:
        paragraphs.append(_("Attached: %(files)s.", files=", ".join(d.filename for d in req.documents)))
    paragraphs.append(
        _(
            "If you disagree with this answer you may file an objection with the PPID's superior within 30 "
            "working days (UU 14/2008 Art. 35-36), from your tracking page."
        )
    )
    return _render(
        req.number, _("Answer to a request for public information"), _addressee(req), paragraphs, req.decided_at
    )


def extension_notice(req: PpidRequest) -> list[str]:
    return [
        _(
            "The answer to your request %(number)s needs more time. Under UU 14/2008 Art. 22(8) it is extended once, "
            "to %(day)s.",
            number=req.number,
            day=_day(req.extended_due_at),
        ),
        _("Reason: %(reason)s", reason=req.extension_reason),
    ]


def objection_letter(objection: PpidObjection) -> bytes:
    """The atasan PPID's written answer to an objection (Pasal 36 ayat 2), in the requester's language."""
    with force_locale(objection.request.lang):
        return _objection_letter(objection)


def _objection_letter(objection: PpidObjection) -> bytes:
    req = objection.request
    paragraphs = [
        _(
            "In reply to your objection number %(number)s filed on %(day)s against the answer to request %(request)s.",
            number=objection.number,
            day=_day(objection.filed_at),
            request=req.number,
        ),
        _("Decision: %(decision)s.", decision=ppid_law.label(ppid_law.OUTCOMES, objection.outcome)),
        objection.answer,
        _(
            "If you are not satisfied with this answer you may ask the Information Commission to settle the dispute "
            "within 14 working days of receiving it (UU 14/2008 Art. 37)."
        ),
    ]
    return _render(objection.number, _("Answer to an objection"), _addressee(req), paragraphs, objection.decided_at)
