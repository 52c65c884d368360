"""The calendar page: a month of scheduled publications and what plugins add (windows, bookings)."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, g, render_template, request

from hub.permissions import require

bp = Blueprint("calendar", __name__)


def _month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def month_grid(first: dt.date) -> list[list[dt.date | None]]:
    """Weeks (Monday first) of the month, ``None`` outside it."""
    cal = pycalendar.Calendar(firstweekday=0)
    return [
        [d if d.month == first.month else None for d in week]
        for week in cal.monthdatescalendar(first.year, first.month)
    ]


def entry_days(entry, tz, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days between ``first`` and ``last`` (office time) on which ``entry`` shows.

    A window's end is exclusive: a screening until 10 Dec 00:00 ends on 9 Dec. A point in
    time (``end == start``) shows on its own day.
    """
    begin = entry.start.astimezone(tz)
    finish = entry.end.astimezone(tz)
    if finish > begin:
        finish -= dt.timedelta(microseconds=1)
    day, end_day = max(begin.date(), first), min(finish.date(), last)
    days = []
    while day <= end_day:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


@bp.get("/calendar")
@require()
def index():
    """Month view; ``?month=YYYY-MM`` (default: this month in the office's time zone)."""
    from hub.calendar.entries import collect

    tz = ZoneInfo(current_app.config["TIMEZONE"])
    today = dt.datetime.now(tz).date()
    first = _month(request.args.get("month"), today)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(nxt, dt.time(), tz).astimezone(dt.UTC)
    by_day: dict[dt.date, list] = {}
    for entry in collect(start, end, g.user):
        for day in entry_days(entry, tz, first, nxt - dt.timedelta(days=1)):
            by_day.setdefault(day, []).append(entry)
    return render_template(
        "calendar/month.html",
        first=first,
        weeks=month_grid(first),
        by_day=by_day,
        today=today,
        tz=tz,
        prev=prev.strftime("%Y-%m"),
        next=nxt.strftime("%Y-%m"),
    )
