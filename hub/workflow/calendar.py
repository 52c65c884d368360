"""Working calendars: when a step is due, counted in the office's working time.

A :class:`WorkCalendar` holds an office's time zone, its working hours per weekday and
its holidays. ``add(start, Duration)`` gives the due time:

* minutes and hours are working minutes: they run only inside working hours, so a
  60-minute step started Friday 16:00 in a Mon–Thu 08–16 / Fri 08–16:30 calendar is due
  Monday 08:30;
* days are working days: the same time of day on the n-th next working day (clamped to
  that day's closing time); a start outside working hours counts from the next opening.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app

from hub.exceptions import HubError
from hub.workflow.duration import Duration

#: SOP 003's service hours, the default for offices without their own calendar
DEFAULT_HOURS: dict[str, list[list[str]]] = {
    "0": [["08:00", "16:00"]],
    "1": [["08:00", "16:00"]],
    "2": [["08:00", "16:00"]],
    "3": [["08:00", "16:00"]],
    "4": [["08:00", "16:30"]],
}
#: how far ahead to look for working time before giving up (a calendar with no hours)
HORIZON_DAYS = 3700


class CalendarError(HubError):
    """The working calendar cannot give a due time (no working hours at all)."""


def _time(text: str) -> dt.time:
    hour, minute = (int(p) for p in str(text).split(":"))
    if hour == 24 and minute == 0:
        return dt.time.max
    return dt.time(hour, minute)


def parse_hours(hours: dict) -> dict[int, list[tuple[dt.time, dt.time]]]:
    """``{"0": [["08:00", "16:00"]], …}`` -> weekday -> sorted (open, close) times. Raises ValueError."""
    parsed: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for day, intervals in (hours or {}).items():
        weekday = int(day)
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday {day!r} is not 0 (Monday) .. 6 (Sunday)")
        spans = sorted((_time(a), _time(b)) for a, b in intervals)
        for open_, close in spans:
            if close <= open_:
                raise ValueError(f"{open_:%H:%M}-{close:%H:%M} ends before it starts")
        for (_, close), (open_, _) in zip(spans, spans[1:], strict=False):
            if open_ < close:
                raise ValueError("working hours of one day overlap")
        if spans:
            parsed[weekday] = spans
    return parsed


@dataclass
class WorkCalendar:
    tz: ZoneInfo
    hours: dict[int, list[tuple[dt.time, dt.time]]]
    holidays: set[dt.date] = field(default_factory=set)

    def intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's working intervals as aware local datetimes (none on weekends and holidays)."""
        if day in self.holidays:
            return []
        return [
            (dt.datetime.combine(day, a, self.tz), dt.datetime.combine(day, b, self.tz))
            for a, b in self.hours.get(day.weekday(), [])
        ]

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self.intervals(day))

    def add(self, start: dt.datetime, duration: Duration) -> dt.datetime:
        """The due time (aware UTC) of something started at ``start`` with this limit."""
        if duration.days:
            return self.add_days(start, duration.days)
        return self.add_minutes(start, duration.minutes)

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        current = start.astimezone(self.tz)
        remaining = dt.timedelta(minutes=minutes)
        day = current.date()
        for _ in range(HORIZON_DAYS):
            for open_, close in self.intervals(day):
                if close <= current:
                    continue
                begin = max(current, open_)
                if remaining <= close - begin:
                    return (begin + remaining).astimezone(dt.UTC)
                remaining -= close - begin
            day += dt.timedelta(days=1)
        raise CalendarError("kalender kerja tanpa jam kerja / the working calendar has no working hours")

    def subtract(self, moment: dt.datetime, duration: Duration) -> dt.datetime:
        """The moment (aware UTC) that lies ``duration`` of working time before ``moment``.

        The mirror of :meth:`add`, for due times set before a date ("done before the meeting
        starts"): minutes run back through working hours only; days are the same time of day
        on the n-th previous working day (clamped to that day's working hours).
        """
        if duration.days:
            return self.subtract_days(moment, duration.days)
        return self.subtract_minutes(moment, duration.minutes)

    def subtract_minutes(self, end: dt.datetime, minutes: int) -> dt.datetime:
        current = end.astimezone(self.tz)
        remaining = dt.timedelta(minutes=minutes)
        day = current.date()
        for _ in range(HORIZON_DAYS):
            for open_, close in reversed(self.intervals(day)):
                if open_ >= current:
                    continue
                finish = min(current, close)
                if remaining <= finish - open_:
                    return (finish - remaining).astimezone(dt.UTC)
                remaining -= finish - open_
            day -= dt.timedelta(days=1)
        raise CalendarError("kalender kerja tanpa jam kerja / the working calendar has no working hours")

    def subtract_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(days):
            day -= dt.timedelta(days=1)
            while not self.is_working_day(day):
                day -= dt.timedelta(days=1)
                if (local.date() - day).days > HORIZON_DAYS:
                    raise CalendarError("kalender kerja tanpa hari kerja / the working calendar has no working days")
        spans = self.intervals(day)
        due = dt.datetime.combine(day, local.time(), self.tz)
        due = min(max(due, spans[0][0]), spans[-1][1])
        return due.astimezone(dt.UTC)

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself inside working hours, else the next time work starts (local time)."""
        current = moment.astimezone(self.tz)
        day = current.date()
        for _ in range(HORIZON_DAYS):
            for open_, close in self.intervals(day):
                if close > current:
                    return max(current, open_)
            day += dt.timedelta(days=1)
        raise CalendarError("kalender kerja tanpa jam kerja / the working calendar has no working hours")

    def add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        anchor = self.next_opening(start)
        day = anchor.date()
        for _ in range(days):
            day += dt.timedelta(days=1)
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
                if (day - anchor.date()).days > HORIZON_DAYS:
                    raise CalendarError("kalender kerja tanpa hari kerja / the working calendar has no working days")
        spans = self.intervals(day)
        due = dt.datetime.combine(day, anchor.time(), self.tz)
        due = min(max(due, spans[0][0]), spans[-1][1])
        return due.astimezone(dt.UTC)

    def working_minutes(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working minutes between two moments (for "time taken vs limit" statistics)."""
        if end <= start:
            return 0.0
        total = dt.timedelta()
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for open_, close in self.intervals(day):
                begin, finish = max(open_, start), min(close, end)
                if finish > begin:
                    total += finish - begin
            day += dt.timedelta(days=1)
        return total.total_seconds() / 60


def office_timezone(org) -> ZoneInfo:
    return ZoneInfo((org.timezone if org is not None else None) or current_app.config["TIMEZONE"])


def calendar_for(org) -> WorkCalendar:
    """The working calendar of an office (``Organisation`` or None for the hub's defaults)."""
    from hub.extensions import db
    from hub.workflow.models import Holiday, WorkingCalendar

    row = db.session.get(WorkingCalendar, org.id) if org is not None else None
    hours = parse_hours(row.hours if row is not None and row.hours else DEFAULT_HOURS)
    stmt = db.select(Holiday.day).where(Holiday.organisation_id.is_(None))
    if org is not None:
        stmt = db.select(Holiday.day).where((Holiday.organisation_id == org.id) | Holiday.organisation_id.is_(None))
    holidays = set(db.session.execute(stmt).scalars())
    return WorkCalendar(tz=office_timezone(org), hours=hours, holidays=holidays)
