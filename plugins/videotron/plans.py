"""The quarterly content plan of SOP 000 flow B.

The Sub Koordinator sets the content to publish at least once every 3 months, as a table
signed by the Kepala Bidang and handed to the Kepala Dinas. Here: one plan per quarter with
its rows; it can be changed until it is signed; the signer must not be the person who
prepared it; a signed plan is locked and can be marked as handed over. Its PDF is built by the
reports framework's exporter from the same table the page shows.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from hub_videotron.config import now, office_zone
from hub_videotron.records import PRODUCTION_DAYS, ContentPlan, ContentPlanEntry

from hub.sdk import HubError, User, db

CONTENT_TYPES = {"design": ("Desain", "Design"), "video": ("Video", "Video")}
DIFFICULTIES = {"simple": ("Sederhana", "Simple"), "medium": ("Menengah", "Medium"), "hard": ("Sulit", "Hard")}


class PlanError(HubError):
    """A content plan change that the SOP does not allow; the message says what to do."""


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    nxt = dt.date(year + (quarter == 4), 1 if quarter == 4 else first.month + 3, 1)
    return first, nxt - dt.timedelta(days=1)


def today() -> dt.date:
    return now().astimezone(office_zone()).date()


def plan_for(year: int, quarter: int) -> ContentPlan | None:
    return db.session.scalar(db.select(ContentPlan).filter_by(year=year, quarter=quarter))


def create_plan(year: int, quarter: int, user: User, notes: str = "") -> ContentPlan:
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise PlanError("Triwulan tidak valid / Not a valid quarter")
    if plan_for(year, quarter) is not None:
        raise PlanError(
            f"Rencana {year} Q{quarter} sudah ada; buka dan ubah rencana itu / "
            f"The plan for {year} Q{quarter} exists already; open and change it"
        )
    plan = ContentPlan(year=year, quarter=quarter, prepared_by_id=user.id, notes=notes.strip())
    db.session.add(plan)
    db.session.flush()
    return plan


def _locked(plan: ContentPlan) -> None:
    if plan.signed_at is not None:
        raise PlanError(
            "Rencana sudah ditandatangani dan tidak bisa diubah / The plan is signed and can no longer be changed"
        )


def add_entry(plan: ContentPlan, form: dict) -> ContentPlanEntry:
    """Add a row from form values (planned_date, title, description, content_type, difficulty, producer, screens)."""
    _locked(plan)
    title = str(form.get("title") or "").strip()
    if not title:
        raise PlanError("Judul konten wajib diisi / The content title is required")
    try:
        planned = dt.date.fromisoformat(str(form.get("planned_date") or ""))
    except ValueError:
        raise PlanError(
            "Tanggal tayang tidak valid (TTTT-BB-HH) / The planned date is not valid (YYYY-MM-DD)"
        ) from None
    first, last = quarter_bounds(plan.year, plan.quarter)
    if not first <= planned <= last:
        raise PlanError(
            f"Tanggal tayang harus di dalam triwulan ({first} – {last}) / "
            f"The planned date must be inside the quarter ({first} – {last})"
        )
    content_type, difficulty = form.get("content_type") or "video", form.get("difficulty") or "simple"
    if (content_type, difficulty) not in PRODUCTION_DAYS:
        raise PlanError("Jenis atau tingkat kesulitan tidak dikenal / Unknown content type or difficulty")
    entry = ContentPlanEntry(
        planned_date=planned,
        title=title[:300],
        description=str(form.get("description") or "").strip(),
        content_type=content_type,
        difficulty=difficulty,
        producer=str(form.get("producer") or "").strip()[:200],
        screens=str(form.get("screens") or "").strip()[:300],
    )
    plan.entries.append(entry)
    db.session.flush()
    return entry


def remove_entry(plan: ContentPlan, entry_id: int) -> None:
    _locked(plan)
    entry = next((e for e in plan.entries if e.id == entry_id), None)
    if entry is not None:
        plan.entries.remove(entry)


def sign(plan: ContentPlan, user: User) -> None:
    """The Kepala Bidang signs (the caller checks the permission)."""
    _locked(plan)
    if not plan.entries:
        raise PlanError("Rencana masih kosong / The plan has no rows yet")
    if user.id == plan.prepared_by_id:
        raise PlanError(
            "Penyusun rencana tidak boleh menandatanganinya sendiri / The person who prepared the plan cannot sign it"
        )
    plan.signed_by_id, plan.signed_at = user.id, now()


def hand_over(plan: ContentPlan) -> None:
    """Record that the signed plan was handed to the Kepala Dinas."""
    if plan.signed_at is None:
        raise PlanError("Tandatangani rencana dulu / Sign the plan first")
    plan.submitted_at = plan.submitted_at or now()


def plan_table(plan: ContentPlan, lang: str = "id"):
    """The plan as a report result (the page, the PDF and the content-plan report share it)."""
    from hub.sdk import ReportResult, Section

    i = 0 if lang == "id" else 1
    rows = [
        [
            n,
            e.planned_date,
            e.start_by,
            e.title,
            CONTENT_TYPES[e.content_type][i],
            DIFFICULTIES[e.difficulty][i],
            e.producer,
            e.screens,
        ]
        for n, e in enumerate(plan.entries, start=1)
    ]
    columns = [
        _("No."),
        _("Planned date"),
        _("Start production by"),
        _("Content"),
        _("Type"),
        _("Difficulty"),
        _("Made by"),
        _("Screens"),
    ]
    summary = [(_("Prepared by"), plan.prepared_by.display_name)]
    if plan.signed_at is not None:
        summary.append((_("Signed by (Head of Division)"), plan.signed_by.display_name))
        summary.append((_("Signed on"), plan.signed_at))
    if plan.submitted_at is not None:
        summary.append((_("Handed to the Head of Agency"), plan.submitted_at.astimezone(office_zone()).date()))
    return ReportResult(summary=summary, sections=[Section(_("Content plan"), columns, rows, note=plan.notes)])


def plan_pdf(plan: ContentPlan, lang: str = "id", user=None) -> bytes:
    """The plan as an office document printed by ``user`` (letterhead, signature blocks)."""
    from hub.sdk import Period, office_document, to_pdf

    first, last = quarter_bounds(plan.year, plan.quarter)
    title = _("Videotron content plan %(label)s", label=plan.label)
    office = office_document(user, now()) if user is not None else None
    return to_pdf(title, Period(first, last), plan_table(plan, lang), office.printed if office else "", office=office)
