"""The PPID's reports through the hub's report mechanism (page, PDF, XLSX):

* ``ppid_requests_recap``: SOP 002's record of information requests and services, per month:
  every request received in the period with its due time, answer, working days taken and
  whether it was late;
* ``ppid_service_yearly``: the yearly public information service report (Perki 1/2010 Pasal
  36 ayat 2; Perki 1/2021): requests received, granted, partly granted, refused with their
  reasons (Pasal 17 classes), not held, forwarded, the average time to answer, objections and
  their outcome.

Both count the requests *received* in the period; no personal data appears in either.
"""

from __future__ import annotations

from collections import Counter

from hub_website import ppid_clock, ppid_law
from hub_website.ppid_models import PpidObjection, PpidRequest
from sqlalchemy.orm import selectinload

from hub.sdk import Chart, ReportResult, Section, _, db, utcnow


def requests_in(period) -> list[PpidRequest]:
    cal = ppid_clock.calendar()
    start, end = period.bounds(cal.tz.key)
    return list(
        db.session.execute(
            db.select(PpidRequest)
            .where(PpidRequest.received_at >= start, PpidRequest.received_at < end)
            .options(selectinload(PpidRequest.objections))
            .order_by(PpidRequest.received_at)
        ).scalars()
    )


def days_taken(req: PpidRequest, cal) -> int | None:
    if req.decided_at is None:
        return None
    return ppid_clock.working_days_between(req.received_at, req.decided_at, cal)


def figures(rows: list[PpidRequest]) -> dict:
    """The yearly report's figures (also the recap's summary)."""
    cal = ppid_clock.calendar()
    now = utcnow()
    decided = [r for r in rows if r.decided_at is not None]
    taken = [days_taken(r, cal) for r in decided]
    decisions = Counter(r.decision for r in decided)
    objections = [o for r in rows for o in r.objections]
    return {
        "received": len(rows),
        "answered": len(decided),
        "pending": len(rows) - len(decided),
        "decisions": {code: decisions.get(code, 0) for code in ppid_law.DECISIONS},
        "refusal_reasons": Counter(r.exception_class for r in decided if r.decision in ppid_law.WITHHOLDING),
        "late": sum(1 for r in rows if r.late(now)),
        "extended": sum(1 for r in rows if r.extended_due_at is not None),
        "average_days": round(sum(taken) / len(taken), 1) if taken else None,
        "objections": len(objections),
        "objection_outcomes": Counter(o.outcome or "pending" for o in objections),
    }


def _summary(f: dict) -> list[tuple[str, object]]:
    return [
        (_("Requests received"), f["received"]),
        (_("Answered"), f["answered"]),
        (ppid_law.label(ppid_law.DECISIONS, "granted"), f["decisions"]["granted"]),
        (ppid_law.label(ppid_law.DECISIONS, "partly"), f["decisions"]["partly"]),
        (ppid_law.label(ppid_law.DECISIONS, "refused"), f["decisions"]["refused"]),
        (_("Answered late or overdue"), f["late"]),
        (_("Average working days to answer"), f["average_days"]),
        (_("Objections"), f["objections"]),
    ]


def _yes(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def build_recap(period, user) -> ReportResult:
    rows = requests_in(period)
    cal = ppid_clock.calendar()
    now = utcnow()
    f = figures(rows)
    return ReportResult(
        summary=_summary(f),
        sections=[
            Section(
                _("Information requests"),
                [
                    _("Number"),
                    _("Received"),
                    _("Information requested"),
                    _("Answer due by"),
                    _("Answered"),
                    _("Decision"),
                    _("Working days"),
                    _("Late"),
                ],
                [
                    [
                        r.number,
                        r.received_at,
                        r.info_requested[:200],
                        r.current_due_at,
                        r.decided_at,
                        ppid_law.label(ppid_law.DECISIONS, r.decision) if r.decision else "",
                        days_taken(r, cal),
                        _yes(r.late(now)),
                    ]
                    for r in rows
                ],
            ),
            _decisions_section(f),
        ],
    )


def _decisions_section(f: dict) -> Section:
    labels = [ppid_law.label(ppid_law.DECISIONS, code) for code in ppid_law.DECISIONS]
    values = [f["decisions"][code] for code in ppid_law.DECISIONS]
    labels.append(_("Not answered yet"))
    values.append(f["pending"])
    return Section(
        _("Services by decision"),
        [_("Decision"), _("Requests")],
        [[label, value] for label, value in zip(labels, values, strict=True)],
        chart=Chart(labels, [(_("Requests"), values)]),
    )


def build_yearly(period, user) -> ReportResult:
    rows = requests_in(period)
    f = figures(rows)
    reasons = f["refusal_reasons"]
    outcomes = f["objection_outcomes"]
    months = Counter(ppid_clock.local_day(r.received_at).strftime("%Y-%m") for r in rows)
    return ReportResult(
        summary=_summary(f),
        sections=[
            _decisions_section(f),
            Section(
                _("Refusals by exception (UU 14/2008 Art. 17)"),
                [_("Exception"), _("Requests")],
                [
                    [ppid_law.label(ppid_law.EXCEPTIONS, code), reasons[code]]
                    for code in ppid_law.EXCEPTIONS
                    if reasons[code]
                ],
            ),
            Section(
                _("Time to answer"),
                [_("Figure"), _("Value")],
                [
                    [_("Average working days to answer"), f["average_days"]],
                    [_("Extended"), f["extended"]],
                    [_("Answered late or overdue"), f["late"]],
                ],
            ),
            Section(
                _("Objections and their outcome"),
                [_("Outcome"), _("Objections")],
                [
                    [ppid_law.label(ppid_law.OUTCOMES, "upheld"), outcomes.get("upheld", 0)],
                    [ppid_law.label(ppid_law.OUTCOMES, "rejected"), outcomes.get("rejected", 0)],
                    [_("Not answered yet"), outcomes.get("pending", 0)],
                ],
            ),
            Section(
                _("Requests per month"),
                [_("Month"), _("Requests")],
                [[month, count] for month, count in sorted(months.items())],
                chart=Chart(sorted(months), [(_("Requests"), [months[m] for m in sorted(months)])]),
            ),
        ],
    )


__all__ = ["PpidObjection", "build_recap", "build_yearly", "figures"]
