"""The vidcon recap (``/reports``, code ``vidcon_recap``; page, PDF and XLSX from the reports
framework): per period, meetings per office, hours and utilisation per room, trials done before
the start, meetings started on time, reports filed, and the problems reported.

*Utilisation* is a room's booked hours over the service hours of its office's working calendar in
the period. *On time*: the actual start (from the report) no later than 5 minutes after the
booked start. Percentages count the meetings that have ended (reports, trials) or were reported
as held (on time); "–" when there is nothing to count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask_babel import gettext as _
from hub_vidcon.booking import operator_office, service_calendar
from hub_vidcon.models import HOLDING, Booking, BookingStatus, Room
from sqlalchemy.orm import joinedload

from hub.sdk import Chart, Organisation, ReportResult, Section, db, utcnow

ON_TIME = dt.timedelta(minutes=5)


def _pct(part: int, whole: int):
    return round(100 * part / whole, 1) if whole else "–"


def _service_hours(room: Room, start: dt.date, end: dt.date) -> float:
    cal = service_calendar(room)
    total = 0.0
    day = start
    while day <= end:
        total += sum((b - a).total_seconds() for a, b in cal.intervals(day)) / 3600
        day += dt.timedelta(days=1)
    return total


def build_recap(period, user) -> ReportResult:
    office = operator_office()
    zone = service_calendar(None).tz
    start, end = period.bounds(str(zone))
    rows = (
        db.session.execute(
            db.select(Booking)
            .options(joinedload(Booking.item), joinedload(Booking.room))
            .where(Booking.starts_at >= start, Booking.starts_at < end)
            .order_by(Booking.starts_at)
        )
        .scalars()
        .all()
    )
    live = [b for b in rows if b.status in HOLDING]
    cancelled = [b for b in rows if b.status == BookingStatus.CANCELLED.value]
    now = utcnow()
    ended = [b for b in live if b.ends_at <= now]
    reported = [b for b in ended if b.status == BookingStatus.DONE.value]
    trial_before = [b for b in ended if b.trial_at is not None and b.trial_at <= b.starts_at]
    held = [b for b in reported if b.held and b.actual_start is not None]
    on_time = [b for b in held if b.actual_start <= b.starts_at + ON_TIME]

    orgs = {o.id: o for o in db.session.execute(db.select(Organisation)).scalars()}
    per_office: dict[int, list[Booking]] = defaultdict(list)
    for b in live:
        per_office[b.item.organisation_id].append(b)
    office_rows = [
        [
            orgs[org_id].name if org_id in orgs else str(org_id),
            len(items),
            round(sum((b.ends_at - b.starts_at).total_seconds() for b in items) / 3600, 1),
        ]
        for org_id, items in sorted(per_office.items(), key=lambda kv: -len(kv[1]))
    ]

    rooms = db.session.execute(db.select(Room).options(joinedload(Room.organisation)).order_by(Room.name)).scalars()
    room_rows = []
    for room in rooms:
        mine = [b for b in live if b.room_id == room.id]
        if not mine and not room.active:
            continue
        booked = sum((b.ends_at - b.starts_at).total_seconds() for b in mine) / 3600
        open_hours = _service_hours(room, period.start, period.end)
        room_rows.append([room.name, len(mine), round(booked, 1), _pct(booked, open_hours) if open_hours else "–"])
    without_room = [b for b in live if b.room_id is None]
    if without_room:
        hours = sum((b.ends_at - b.starts_at).total_seconds() for b in without_room) / 3600
        room_rows.append([_("Online or at the requester's place"), len(without_room), round(hours, 1), "–"])

    problem_rows = [
        [b.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), b.place, b.item.title, b.problems]
        for b in reported
        if (b.problems or "").strip()
    ]
    sections = [
        Section(
            _("Meetings per office"),
            [_("Office"), _("Meetings"), _("Hours")],
            office_rows,
            chart=Chart([r[0] for r in office_rows], [(_("Meetings"), [r[1] for r in office_rows])])
            if office_rows
            else None,
        ),
        Section(
            _("Hours per room"),
            [_("Room"), _("Meetings"), _("Hours"), _("Utilisation (%)")],
            room_rows,
            note=_("Utilisation: booked hours over the service hours of the room's office in the period."),
        ),
        Section(_("Problems reported"), [_("When"), _("Place"), _("Meeting"), _("Problems")], problem_rows),
    ]
    summary = [
        (_("Meetings"), len(live)),
        (_("Cancelled"), len(cancelled)),
        (_("Trial done before the start (%)"), _pct(len(trial_before), len(ended))),
        (_("Started on time (%)"), _pct(len(on_time), len(held))),
        (_("Reports filed (%)"), _pct(len(reported), len(ended))),
    ]
    if office is not None:
        summary.append((_("Time zone"), str(zone)))
    return ReportResult(sections=sections, summary=summary)
