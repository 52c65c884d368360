"""Service hours come from the serving office's working calendar (/admin/calendar): its zone (WITA
here, the hub in WIB), its hours and its holidays; a refusal shows the hours and the next free slots."""

from __future__ import annotations

import datetime as dt

from hub.extensions import db
from tests.vidcon_support import problems_for, publish, rules, weekday_ahead

pytest_plugins = ["tests.vidcon_fixtures"]


def test_friday_1600_to_1700_wita_is_refused_with_the_hours_shown(request_item):
    friday = weekday_ahead(4).isoformat()
    problems = problems_for(request_item(date=friday, start="16:00", end="17:00"))
    assert rules(problems) == ["vidcon.service_hours"]
    message_id, message_en = problems[0].message_id, problems[0].message_en
    assert "Senin 08.00–16.00" in message_id and "Jumat 08.00–16.30 (WITA)" in message_id
    assert "Friday 08:00–16:30 (WITA)" in message_en
    # the next free slots of the room, one hour long, inside the hours (the next Monday 08:00 WITA)
    monday = dt.date.fromisoformat(friday) + dt.timedelta(days=3)
    assert f"{monday:%d-%m-%Y} 08.00–09.00" in message_id
    assert "Next free slots" in message_en


def test_the_same_friday_time_in_the_hubs_own_zone_would_fit(request_item):
    # 15:00-16:00 WITA is 14:00-15:00 WIB: judged in WITA it fits, whatever the hub's zone says
    friday = weekday_ahead(4).isoformat()
    assert problems_for(request_item(date=friday, start="15:00", end="16:00")) == []


def test_a_thursday_that_is_a_holiday_is_refused(request_item, office):
    from hub.workflow.models import Holiday

    thursday = weekday_ahead(3)
    db.session.add(Holiday(organisation_id=office.id, day=thursday, name="Cuti bersama"))
    db.session.commit()
    problems = problems_for(request_item(date=thursday.isoformat(), start="09:00", end="10:00"))
    assert rules(problems) == ["vidcon.service_hours"]
    assert problems[0].message_id.startswith("Hari itu hari libur.")
    assert problems[0].message_en.startswith("That day is a holiday.")


def test_thursday_0900_in_a_free_room_is_accepted_and_stored_in_utc(request_item):
    from hub_vidcon.models import Booking

    thursday = weekday_ahead(3)
    item = request_item(date=thursday.isoformat(), start="09:00", end="10:00")
    assert problems_for(item) == []
    publish(item)
    booking = db.session.execute(db.select(Booking)).scalar()
    assert booking.starts_at == dt.datetime.combine(thursday, dt.time(1, 0), dt.UTC)  # 09:00 WITA


def test_the_offices_own_hours_apply(request_item, office):
    from hub.workflow.models import WorkingCalendar

    db.session.add(WorkingCalendar(organisation_id=office.id, hours={"0": [["10:00", "12:00"]]}))
    db.session.commit()
    monday = weekday_ahead(0).isoformat()
    assert rules(problems_for(request_item(date=monday, start="09:00", end="10:00"))) == ["vidcon.service_hours"]
    assert problems_for(request_item(date=monday, start="10:00", end="11:00")) == []
