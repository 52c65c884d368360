"""Working calendars: due times counted in working time (hours, weekends, holidays, time zone)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hub.workflow.calendar import DEFAULT_HOURS, CalendarError, WorkCalendar, calendar_for, parse_hours
from hub.workflow.duration import Duration, parse_duration

WITA = ZoneInfo("Asia/Makassar")
#: SOP 003's service hours: Mon–Thu 08:00–16:00, Fri 08:00–16:30
SOP_003 = parse_hours(
    {
        "0": [["08:00", "16:00"]],
        "1": [["08:00", "16:00"]],
        "2": [["08:00", "16:00"]],
        "3": [["08:00", "16:00"]],
        "4": [["08:00", "16:30"]],
    }
)


def local(y, m, d, hh, mm, tz=WITA) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=tz)


def test_sixty_minutes_from_friday_1600_is_due_monday_0830():
    cal = WorkCalendar(tz=WITA, hours=SOP_003)
    friday = local(2026, 11, 20, 16, 0)
    assert friday.weekday() == 4
    due = cal.add(friday, parse_duration("60 menit"))
    assert due.tzinfo is not None
    assert due.astimezone(WITA) == local(2026, 11, 23, 8, 30)  # Monday
    assert due.astimezone(WITA).weekday() == 0


def test_minutes_inside_one_day_and_across_the_evening():
    cal = WorkCalendar(tz=WITA, hours=SOP_003)
    assert cal.add(local(2026, 11, 17, 9, 0), Duration(minutes=10)).astimezone(WITA) == local(2026, 11, 17, 9, 10)
    # Tuesday 15:30 + 150 min: 30 min on Tuesday, 120 on Wednesday from 08:00
    assert cal.add(local(2026, 11, 17, 15, 30), Duration(minutes=150)).astimezone(WITA) == local(2026, 11, 18, 10, 0)
    # exactly to closing time stays on the same day
    assert cal.add(local(2026, 11, 20, 16, 0), Duration(minutes=30)).astimezone(WITA) == local(2026, 11, 20, 16, 30)
    # started before opening (Saturday night) counts from Monday 08:00
    assert cal.add(local(2026, 11, 21, 22, 0), Duration(minutes=60)).astimezone(WITA) == local(2026, 11, 23, 9, 0)


def test_holidays_and_lunch_breaks_are_not_working_time():
    hours = parse_hours({str(d): [["08:00", "12:00"], ["13:00", "16:00"]] for d in range(5)})
    cal = WorkCalendar(tz=WITA, hours=hours, holidays={dt.date(2026, 11, 23)})
    # Friday 11:30 + 60 min: 30 before lunch, 30 after
    assert cal.add(local(2026, 11, 20, 11, 30), Duration(minutes=60)).astimezone(WITA) == local(2026, 11, 20, 13, 30)
    # Friday 15:30 + 60: Monday is a holiday, so Tuesday 08:30
    assert cal.add(local(2026, 11, 20, 15, 30), Duration(minutes=60)).astimezone(WITA) == local(2026, 11, 24, 8, 30)


def test_working_days_keep_the_time_of_day_and_skip_weekends_and_holidays():
    cal = WorkCalendar(tz=WITA, hours=SOP_003, holidays={dt.date(2026, 11, 26)})
    # Tuesday 10:00 + 1 day = Wednesday 10:00
    assert cal.add(local(2026, 11, 17, 10, 0), Duration(days=1)).astimezone(WITA) == local(2026, 11, 18, 10, 0)
    # Friday 16:15 + 1 day: Monday closes at 16:00, so Monday 16:00
    assert cal.add(local(2026, 11, 20, 16, 15), Duration(days=1)).astimezone(WITA) == local(2026, 11, 23, 16, 0)
    # Wednesday 09:00 + 2 days: Thursday is a holiday -> Friday, then Monday
    assert cal.add(local(2026, 11, 25, 9, 0), Duration(days=2)).astimezone(WITA) == local(2026, 11, 30, 9, 0)
    # started on Saturday: counts from Monday 08:00
    assert cal.add(local(2026, 11, 21, 10, 0), Duration(days=1)).astimezone(WITA) == local(2026, 11, 24, 8, 0)


def test_time_zone_changes_the_due_moment():
    jakarta = WorkCalendar(tz=ZoneInfo("Asia/Jakarta"), hours=SOP_003)
    start = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)  # Friday 15:00 WIB, 16:00 WITA
    assert jakarta.add(start, Duration(minutes=60)).astimezone(ZoneInfo("Asia/Jakarta")) == dt.datetime(
        2026, 11, 20, 16, 0, tzinfo=ZoneInfo("Asia/Jakarta")
    )
    wita = WorkCalendar(tz=WITA, hours=SOP_003)
    assert wita.add(start, Duration(minutes=60)).astimezone(WITA) == local(2026, 11, 23, 8, 30)


def test_working_minutes_between_two_moments():
    cal = WorkCalendar(tz=WITA, hours=SOP_003)
    assert cal.working_minutes(local(2026, 11, 20, 16, 0), local(2026, 11, 23, 8, 30)) == 60
    assert cal.working_minutes(local(2026, 11, 21, 9, 0), local(2026, 11, 21, 12, 0)) == 0


def test_durations_in_indonesian_and_english_and_bad_ones():
    assert parse_duration("10 menit") == Duration(minutes=10)
    assert parse_duration("1 jam") == Duration(minutes=60) and str(parse_duration("6h")) == "6h"
    assert parse_duration("7 hari") == Duration(days=7) and str(parse_duration("2 days")) == "2d"
    assert parse_duration("150m").label("id") == "150 menit" and parse_duration("1d").label("en") == "1 working day"
    with pytest.raises(ValueError):
        parse_duration("soon")
    with pytest.raises(ValueError):
        parse_hours({"0": [["16:00", "08:00"]]})
    with pytest.raises(CalendarError):
        WorkCalendar(tz=WITA, hours={}).add(local(2026, 11, 20, 9, 0), Duration(minutes=10))


def test_office_calendar_from_the_database_with_its_time_zone_and_holidays(app, make_org):
    from hub.extensions import db
    from hub.workflow.models import Holiday, WorkingCalendar

    office = make_org("Diskominfo Kaltara", kind="operator", timezone="Asia/Makassar")
    cal = calendar_for(office)
    assert cal.tz.key == "Asia/Makassar" and cal.hours == parse_hours(DEFAULT_HOURS)
    db.session.add(WorkingCalendar(organisation_id=office.id, hours={"0": [["07:30", "15:30"]]}))
    db.session.add(Holiday(organisation_id=None, day=dt.date(2026, 12, 25), name="Natal"))
    db.session.add(Holiday(organisation_id=office.id, day=dt.date(2026, 12, 28), name="Cuti bersama"))
    other = make_org("Dinas Lain", kind="requester")
    db.session.add(Holiday(organisation_id=other.id, day=dt.date(2026, 12, 21), name="Lain"))
    db.session.commit()
    cal = calendar_for(office)
    assert cal.hours == {0: [(dt.time(7, 30), dt.time(15, 30))]}
    assert cal.holidays == {dt.date(2026, 12, 25), dt.date(2026, 12, 28)}
    # Monday 21 Dec 15:00 + 60 min -> 30 that day; 28 Dec is a holiday; Monday 4 Jan 08:00
    due = cal.add(local(2026, 12, 21, 15, 0), Duration(minutes=60)).astimezone(WITA)
    assert due == local(2027, 1, 4, 8, 0)
    assert calendar_for(None).tz.key == app.config["TIMEZONE"]


def test_admin_page_changes_hours_and_holidays_and_audits_it(app, client, make_org, make_user, login):
    from hub.extensions import db
    from hub.models.audit import AuditEntry
    from hub.workflow.models import Holiday

    office = make_org("Diskominfotik Sumbar", kind="operator")
    admin = make_user("root", roles=["system_admin"], org=office)
    clerk = make_user("citra", roles=["pembuat_konten"], org=office)
    login(client, clerk)
    assert client.get("/admin/calendar").status_code == 403
    login(client, admin)
    page = client.get(f"/admin/calendar?org={office.id}")
    assert page.status_code == 200 and "08:00-16:30" in page.get_data(as_text=True)
    bad = client.post("/admin/calendar", data={"org": office.id, "action": "hours", "day0": "16:00-08:00"})
    assert bad.status_code == 302
    assert calendar_for(office).hours == parse_hours(DEFAULT_HOURS)  # unchanged
    form = {"org": office.id, "action": "hours", **{f"day{d}": "07:30-12:00, 13:00-16:00" for d in range(5)}}
    assert client.post("/admin/calendar", data=form).status_code == 302
    assert calendar_for(office).hours[4] == [(dt.time(7, 30), dt.time(12, 0)), (dt.time(13, 0), dt.time(16, 0))]
    client.post(
        "/admin/calendar",
        data={"org": office.id, "action": "add_holiday", "day": "2026-08-17", "name": "HUT RI", "all_offices": "1"},
    )
    holiday = db.session.execute(db.select(Holiday)).scalar_one()
    assert holiday.organisation_id is None and holiday.day == dt.date(2026, 8, 17)
    actions = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert "calendar.hours_changed" in actions and "calendar.holiday_added" in actions


def test_a_window_ending_at_midnight_does_not_show_on_the_next_day():
    from hub.calendar import entry_days
    from hub.calendar.entries import CalendarEntry

    wib = ZoneInfo("Asia/Jakarta")
    first, last = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    window = CalendarEntry(
        dt.datetime(2026, 12, 8, 0, 0, tzinfo=wib), dt.datetime(2026, 12, 10, 0, 0, tzinfo=wib), "Tayang"
    )
    assert entry_days(window, wib, first, last) == [dt.date(2026, 12, 8), dt.date(2026, 12, 9)]
    # the same window seen from a WITA office: 01:00 to 01:00 local, so it touches the 10th
    assert entry_days(window, WITA, first, last)[-1] == dt.date(2026, 12, 10)
    point = CalendarEntry(dt.datetime(2026, 12, 10, 0, 0, tzinfo=wib), dt.datetime(2026, 12, 10, 0, 0, tzinfo=wib), "X")
    assert entry_days(point, wib, first, last) == [dt.date(2026, 12, 10)]
    spill = CalendarEntry(dt.datetime(2026, 11, 30, 9, tzinfo=wib), dt.datetime(2027, 1, 2, 9, tzinfo=wib), "Y")
    assert entry_days(spill, wib, first, last)[0] == first and entry_days(spill, wib, first, last)[-1] == last
