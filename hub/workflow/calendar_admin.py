"""Changing an office's working calendar: working hours per weekday and holidays (audited)."""

from __future__ import annotations

import datetime as dt

from hub.audit import record
from hub.extensions import db
from hub.models import Organisation, User
from hub.workflow.calendar import DEFAULT_HOURS, parse_hours
from hub.workflow.errors import InvalidRequest
from hub.workflow.models import Holiday, WorkingCalendar

WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hours_of(org: Organisation) -> dict[str, list[list[str]]]:
    row = db.session.get(WorkingCalendar, org.id)
    return row.hours if row is not None and row.hours else DEFAULT_HOURS


def hours_text(hours: dict, weekday: int) -> str:
    """``"08:00-12:00, 13:00-16:00"`` for the form."""
    return ", ".join(f"{a}-{b}" for a, b in hours.get(str(weekday), []))


def parse_hours_text(texts: dict[int, str]) -> dict[str, list[list[str]]]:
    """Form fields per weekday (``"08:00-16:00, …"``; empty: a day off) -> the stored dict."""
    hours: dict[str, list[list[str]]] = {}
    for weekday, text in texts.items():
        spans = []
        for part in (text or "").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            start, _, end = part.partition("-")
            spans.append([start.strip(), end.strip()])
        if spans:
            hours[str(weekday)] = spans
    try:
        parse_hours(hours)
    except (ValueError, TypeError) as exc:
        raise InvalidRequest(
            f"Jam kerja tidak valid ({exc}); tulis misalnya 08:00-16:00.",
            f"Invalid working hours ({exc}); write e.g. 08:00-16:00.",
            field="hours",
        ) from None
    if not hours:
        raise InvalidRequest("Perlu minimal satu hari kerja.", "At least one working day is needed.", field="hours")
    return hours


def set_hours(org: Organisation, hours: dict, user: User) -> None:
    row = db.session.get(WorkingCalendar, org.id) or WorkingCalendar(organisation_id=org.id)
    old = row.hours or DEFAULT_HOURS
    row.hours = hours
    db.session.add(row)
    record(
        "calendar.hours_changed",
        actor=user,
        target_type="organisation",
        target_id=org.id,
        details={"from": old, "to": hours},
    )
    db.session.commit()


def holidays_of(org: Organisation | None, year: int | None = None) -> list[Holiday]:
    stmt = db.select(Holiday).order_by(Holiday.day)
    if org is None:
        stmt = stmt.where(Holiday.organisation_id.is_(None))
    else:
        stmt = stmt.where((Holiday.organisation_id == org.id) | Holiday.organisation_id.is_(None))
    if year:
        stmt = stmt.where(Holiday.day >= dt.date(year, 1, 1), Holiday.day <= dt.date(year, 12, 31))
    return list(db.session.execute(stmt).scalars())


def add_holiday(org: Organisation | None, day: str, name: str, user: User) -> Holiday:
    try:
        date = dt.date.fromisoformat(day)
    except (TypeError, ValueError):
        raise InvalidRequest("Tanggal harus YYYY-MM-DD.", "The date must be YYYY-MM-DD.", field="day") from None
    org_id = org.id if org is not None else None
    exists = db.session.execute(
        db.select(Holiday).where(
            Holiday.day == date,
            Holiday.organisation_id.is_(None) if org_id is None else Holiday.organisation_id == org_id,
        )
    ).scalar()
    if exists is not None:
        raise InvalidRequest("Hari libur itu sudah ada.", "That holiday is already there.", field="day")
    holiday = Holiday(organisation_id=org_id, day=date, name=(name or "").strip()[:200])
    db.session.add(holiday)
    db.session.flush()
    record(
        "calendar.holiday_added",
        actor=user,
        target_type="organisation",
        target_id=org_id,
        details={"day": date.isoformat(), "name": holiday.name, "all_offices": org_id is None},
    )
    db.session.commit()
    return holiday


def remove_holiday(holiday_id: int, user: User) -> None:
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise InvalidRequest("Hari libur tidak ditemukan.", "Holiday not found.", field="holiday")
    record(
        "calendar.holiday_removed",
        actor=user,
        target_type="organisation",
        target_id=holiday.organisation_id,
        details={"day": holiday.day.isoformat(), "name": holiday.name},
    )
    db.session.delete(holiday)
    db.session.commit()
