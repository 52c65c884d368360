"""The core's reports: time-limit compliance (SLA), SOP 000's 6-monthly evaluation,
the quarterly content plan and channel publication statistics."""

from __future__ import annotations

from collections import Counter, defaultdict

from flask_babel import gettext as _
from sqlalchemy import and_, or_

from hub.extensions import db
from hub.models import Item, ItemStatus, Organisation, Publication, PublicationStatus
from hub.reports.base import Chart, Period, Report, ReportResult, Section
from hub.reports.steps import step_records
from hub.web.labels import channel_label, role_name, status_label


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def sla_rows(period: Period) -> list[dict]:
    """Per (step, role): decided, on time, late, compliance %, mean minutes, escalated (steps whose
    supervisor was told they were overdue by their own time limit again)."""
    start, end = period.bounds()
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for rec in step_records(start, end):
        if rec.decided_at is not None:
            groups[(rec.step, rec.role)].append(rec)
    rows = []
    # in the order of the workflow's steps (then by name when workflows differ)
    ordered = sorted(groups.items(), key=lambda kv: (min(r.step_index for r in kv[1]), kv[0]))
    for (step, role), recs in ordered:
        late = sum(1 for r in recs if r.late)
        minutes = [r.minutes for r in recs if r.minutes is not None]
        rows.append(
            {
                "step": step,
                "role": role,
                "decided": len(recs),
                "on_time": len(recs) - late,
                "late": late,
                "compliance": _pct(len(recs) - late, len(recs)),
                "mean_minutes": round(sum(minutes) / len(minutes), 1) if minutes else None,
                "escalated": sum(1 for r in recs if r.escalated_at is not None),
            }
        )
    return rows


def build_sla(period: Period, user) -> ReportResult:
    rows = sla_rows(period)
    decided = sum(r["decided"] for r in rows)
    on_time = sum(r["on_time"] for r in rows)
    table = [
        [
            r["step"],
            role_name(r["role"]),
            r["decided"],
            r["on_time"],
            r["late"],
            r["compliance"],
            r["mean_minutes"],
            r["escalated"],
        ]
        for r in rows
    ]
    by_role: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        by_role[r["role"]][0] += r["decided"]
        by_role[r["role"]][1] += r["on_time"]
    role_table = [[role_name(k), v[0], v[1], v[0] - v[1], _pct(v[1], v[0])] for k, v in sorted(by_role.items())]
    escalated = sum(r["escalated"] for r in rows)
    cols = [
        _("Step"),
        _("Role"),
        _("Decided"),
        _("On time"),
        _("Late"),
        _("Compliance %"),
        _("Mean minutes"),
        _("Escalated"),
    ]
    return ReportResult(
        summary=[
            (_("Steps decided"), decided),
            (_("On time"), on_time),
            (_("Compliance %"), _pct(on_time, decided)),
            (_("Escalations"), escalated),
        ],
        sections=[
            Section(
                _("Per step"),
                cols,
                table,
                chart=Chart(
                    [f"{r['step']} ({role_name(r['role'])})" for r in rows],
                    [(_("On time"), [r["on_time"] for r in rows]), (_("Late"), [r["late"] for r in rows])],
                ),
            ),
            Section(_("Per role"), [_("Role"), _("Decided"), _("On time"), _("Late"), _("Compliance %")], role_table),
        ],
    )


def _items_in(period: Period):
    start, end = period.bounds()
    return db.session.scalars(db.select(Item).where(Item.created_at >= start, Item.created_at < end)).all()


def _publications_in(period: Period):
    start, end = period.bounds()
    return db.session.scalars(
        db.select(Publication).where(Publication.created_at >= start, Publication.created_at < end)
    ).all()


def build_channel_stats(period: Period, user) -> ReportResult:
    pubs = _publications_in(period)
    per: dict[str, Counter] = defaultdict(Counter)
    delays: dict[str, list[float]] = defaultdict(list)
    for p in pubs:
        per[p.channel][p.status] += 1
        if p.published_at:
            delays[p.channel].append(max(0.0, (p.published_at - p.created_at).total_seconds() / 60))
    names = sorted(per)
    published = [per[n][PublicationStatus.PUBLISHED.value] for n in names]
    failed = [per[n][PublicationStatus.FAILED.value] + per[n][PublicationStatus.NEEDS_ATTENTION.value] for n in names]
    rows = [
        [
            channel_label(n),
            sum(per[n].values()),
            published[i],
            failed[i],
            per[n][PublicationStatus.CANCELLED.value] + per[n][PublicationStatus.UNPUBLISHED.value],
            round(sum(delays[n]) / len(delays[n]), 1) if delays[n] else None,
        ]
        for i, n in enumerate(names)
    ]
    cols = [
        _("Channel"),
        _("Publications"),
        _("Published"),
        _("Failed"),
        _("Cancelled or unpublished"),
        _("Mean minutes to publish"),
    ]
    chart = Chart([channel_label(n) for n in names], [(_("Published"), published), (_("Failed"), failed)])
    return ReportResult(
        summary=[(_("Publications"), len(pubs)), (_("Published"), sum(published))],
        sections=[Section(_("Publications per channel"), cols, rows, chart=chart)],
    )


def build_content_plan(period: Period, user) -> ReportResult:
    start, end = period.bounds()
    items = db.session.scalars(
        db.select(Item)
        .where(Item.status.notin_([ItemStatus.REJECTED.value, ItemStatus.WITHDRAWN.value]))
        .where(
            or_(
                and_(Item.event_date >= period.start, Item.event_date <= period.end),
                and_(Item.publish_at >= start, Item.publish_at < end),
                and_(Item.window_start < end, Item.window_end >= start),
            )
        )
        .order_by(Item.event_date, Item.publish_at, Item.id)
    ).all()
    orgs = {o.id: o.short_name or o.name for o in db.session.scalars(db.select(Organisation))}
    per_month: Counter = Counter()
    rows = []
    for item in items:
        when = item.event_date or (item.publish_at or item.window_start).date()
        per_month[when.strftime("%Y-%m")] += 1
        rows.append(
            [
                when,
                item.title,
                item.kind,
                ", ".join(channel_label(c) for c in item.channel_names),
                orgs.get(item.organisation_id, ""),
                status_label(item.status),
            ]
        )
    months = sorted(per_month)
    return ReportResult(
        summary=[(_("Planned items"), len(rows))],
        sections=[
            Section(
                _("Planned content"),
                [_("Date"), _("Title"), _("Kind"), _("Channels"), _("Office"), _("Status")],
                rows,
                chart=Chart(months, [(_("Items"), [per_month[m] for m in months])]),
            )
        ],
    )


def build_evaluation(period: Period, user) -> ReportResult:
    """SOP 000: every 6 months the coordinator reports activities, items, delays and problems."""
    items = _items_in(period)
    pubs = _publications_in(period)
    start, end = period.bounds()
    steps = [s for s in step_records(start, end) if s.decided_at is not None]
    late = [s for s in steps if s.late]
    by_status = Counter(i.status for i in items)
    by_channel = Counter(c for i in items for c in i.channel_names)
    pub_status = Counter(p.status for p in pubs)
    activities = [
        [_("Items received"), len(items)],
        [_("Items submitted for approval"), sum(v for k, v in by_status.items() if k != ItemStatus.DRAFT.value)],
        [_("Approval decisions"), len(steps)],
        [_("Publications made"), pub_status[PublicationStatus.PUBLISHED.value]],
    ]
    statuses = sorted(by_status)
    problems = [
        [_("Failed publications"), pub_status[PublicationStatus.FAILED.value]],
        [_("Publications needing attention"), pub_status[PublicationStatus.NEEDS_ATTENTION.value]],
        [_("Items returned for revision"), by_status[ItemStatus.RETURNED.value]],
        [_("Items rejected"), by_status[ItemStatus.REJECTED.value]],
    ]
    failed_rows = [
        [p.item.title, channel_label(p.channel), status_label(p.status), p.last_error or ""]
        for p in pubs
        if p.status in (PublicationStatus.FAILED.value, PublicationStatus.NEEDS_ATTENTION.value)
    ]
    return ReportResult(
        summary=[(_("Items received"), len(items)), (_("Late decisions"), len(late))],
        sections=[
            Section(
                _("Activities"),
                [_("Activity"), _("Count")],
                activities,
                chart=Chart([a[0] for a in activities], [(_("Count"), [a[1] for a in activities])]),
            ),
            Section(
                _("Items by status"),
                [_("Status"), _("Items")],
                [[status_label(s), by_status[s]] for s in statuses],
                chart=Chart([status_label(s) for s in statuses], [(_("Items"), [by_status[s] for s in statuses])]),
            ),
            Section(
                _("Items by channel"),
                [_("Channel"), _("Items")],
                [[channel_label(c), n] for c, n in sorted(by_channel.items())],
            ),
            Section(
                _("Delays"),
                [_("Item"), _("Step"), _("Role"), _("Due"), _("Decided")],
                [[s.item_id, s.step, role_name(s.role), s.due_at, s.decided_at] for s in late],
            ),
            Section(_("Problems"), [_("Problem"), _("Count")], problems),
            Section(_("Failed publications"), [_("Item"), _("Channel"), _("Status"), _("Error")], failed_rows),
        ],
    )


CORE_REPORTS = [
    Report(
        "sla",
        "Kepatuhan batas waktu",
        "Time-limit compliance",
        build_sla,
        period="month",
        description_id="Langkah persetujuan yang diputuskan tepat waktu, per langkah dan peran.",
        description_en="Approval steps decided within their time limit, per step and role.",
    ),
    Report(
        "evaluation",
        "Evaluasi 6 bulanan (SOP 000)",
        "6-monthly evaluation (SOP 000)",
        build_evaluation,
        period="half",
        description_id="Kegiatan, konten, keterlambatan dan masalah, untuk Kepala Dinas.",
        description_en="Activities, items, delays and problems, for the head of agency.",
    ),
    Report(
        "content_plan",
        "Rencana konten triwulanan",
        "Quarterly content plan",
        build_content_plan,
        description_id="Konten yang direncanakan tayang dalam triwulan.",
        description_en="Content planned to go out in the quarter.",
    ),
    Report(
        "channel_stats",
        "Statistik publikasi kanal",
        "Channel publication statistics",
        build_channel_stats,
        description_id="Publikasi per kanal: terbit, gagal, waktu sampai terbit.",
        description_en="Publications per channel: published, failed, time to publish.",
    ),
]
