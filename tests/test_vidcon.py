"""The vidcon plugin: SOP 003 service hours, required details, rooms by id, bookings on publish."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.exceptions import PermanentPublishError
from hub.extensions import db
from hub.models import Publication
from hub.plugins import plugins
from tests.vidcon_support import problems_for, publish, rules, weekday_ahead

pytest_plugins = ["tests.vidcon_fixtures"]


def test_a_request_within_service_hours_passes(request_item):
    assert problems_for(request_item()) == []


def test_friday_allows_until_1630_but_not_later(request_item, make_room):
    friday = weekday_ahead(4).isoformat()
    assert problems_for(request_item(date=friday, start="15:00", end="16:30")) == []
    late = problems_for(request_item(date=friday, start="15:00", end="16:45", room_obj=make_room("Ruang B")))
    assert rules(late) == ["vidcon.service_hours"]
    assert "Jumat 08.00–16.30" in late[0].message_id and "Friday 08:00–16:30" in late[0].message_en


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"date": ""}, ["vidcon.required"]),
        ({"room": ""}, ["vidcon.required"]),
        ({"room": "Ruang Rapat Lt. 2"}, ["vidcon.room_unknown"]),  # free text is not a room
        ({"room": "999999"}, ["vidcon.room_unknown"]),
        ({"date": "01/12/2026"}, ["vidcon.date_format"]),
        ({"start": "9 pagi"}, ["vidcon.time_format"]),
        ({"start": "11:00", "end": "10:00"}, ["vidcon.end_after_start"]),
        ({"start": "07:00"}, ["vidcon.service_hours"]),
        ({"end": "16:30"}, ["vidcon.service_hours"]),  # Monday closes at 16:00
        ({"date": weekday_ahead(5).isoformat()}, ["vidcon.service_hours"]),  # Saturday
        ({"equipment": ["laptop", "hologram"]}, ["vidcon.equipment_unknown"]),
        ({"platform": "skype"}, ["vidcon.platform_unknown"]),
    ],
)
def test_bad_requests_name_the_field_and_rule(request_item, options, expected):
    problems = problems_for(request_item(**options))
    assert rules(problems) == expected
    for p in problems:
        assert p.field.startswith("vidcon.") and p.message_id and p.message_en


def test_submission_asks_for_the_details_and_the_letter(request_item):
    item = request_item(contact="", create_link=False, letter_number="", participants="tiga puluh")
    found = rules(problems_for(item, phase="submit"))
    assert found == [
        "vidcon.letter_missing",
        "vidcon.link_or_create",
        "vidcon.number",
        "vidcon.required",
        "vidcon.required",
    ]
    # in the past, and inside the minimum notice (one working day by default)
    assert "vidcon.in_past" in rules(problems_for(request_item(date="2020-01-06"), phase="submit"))


def test_minimum_notice_is_one_working_day(request_item, monkeypatch):
    from zoneinfo import ZoneInfo

    import hub_vidcon.booking as rules_module

    wednesday = weekday_ahead(2)
    thursday = wednesday + dt.timedelta(days=1)
    now = dt.datetime.combine(wednesday, dt.time(10, 0), ZoneInfo("Asia/Makassar")).astimezone(dt.UTC)
    monkeypatch.setattr(rules_module, "utcnow", lambda: now)  # the clock, injected
    early = rules(problems_for(request_item(date=thursday.isoformat(), start="09:00", end="10:00"), phase="submit"))
    assert "vidcon.min_notice" in early
    later = request_item(date=thursday.isoformat(), start="10:00", end="11:00")
    assert "vidcon.min_notice" not in rules(problems_for(later, phase="submit"))


def test_publish_confirms_a_booking_once_and_the_room_is_then_taken(app, request_item, make_room):
    from hub_vidcon.models import Booking

    registry = plugins()
    channel = registry.channels["vidcon"]
    first = request_item()
    pub = Publication(item_id=first.id, channel="vidcon", idempotency_key=f"hub-{first.id}-vidcon")
    db.session.add(pub)
    db.session.flush()
    result = registry.hook.publish(publication=pub, item=first, channel=channel)
    again = registry.hook.publish(publication=pub, item=first, channel=channel)  # a retry
    db.session.commit()
    assert result.remote_id == again.remote_id
    assert db.session.execute(db.select(db.func.count(Booking.id))).scalar() == 1
    booking = db.session.execute(db.select(Booking)).scalar()
    assert result.remote_url.endswith(f"/vidcon/bookings/{booking.id}")
    # every SOP equipment item is to be checked, not only the requested ones
    assert set(booking.equipment) == {"internet", "modem_ap", "laptop", "vidcon_equipment", "audio", "phone"}
    assert str(booking.room_id) == first.channels[0].options["room"] and booking.place == "Ruang Rapat Lt. 2"

    # another request for the same room and an overlapping time is refused, with free slots named...
    clash = request_item(start="10:00", end="12:00")
    taken = problems_for(clash)
    assert rules(taken) == ["vidcon.room_taken"]
    assert "Waktu kosong berikutnya" in taken[0].message_id and "Next free slots" in taken[0].message_en
    # ...but another room, online, or the same room afterwards is fine
    assert problems_for(request_item(start="10:00", end="12:00", room_obj=make_room("Ruang B"))) == []
    assert problems_for(request_item(start="10:00", end="12:00", room_obj=None)) == []
    assert problems_for(request_item(start="11:00", end="12:00")) == []
    # and publishing a clashing request (approved before the first was published) fails with the reason
    with pytest.raises(PermanentPublishError, match="sudah dipesan"):
        publish(clash)


def test_a_room_name_spelled_differently_is_the_same_room(app, office, room):
    from hub_vidcon.models import Room, name_key
    from sqlalchemy.exc import IntegrityError

    assert name_key("ruang rapat lt.2") == name_key("Ruang Rapat Lt. 2") == room.name_key
    db.session.add(Room(organisation_id=office.id, name="ruang rapat lt.2", name_key=name_key("ruang rapat lt.2")))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unpublish_cancels_and_frees_the_room(app, request_item):
    from hub_vidcon.models import Booking

    registry = plugins()
    channel = registry.channels["vidcon"]
    item = request_item()
    pub = Publication(item_id=item.id, channel="vidcon", idempotency_key="k")
    db.session.add(pub)
    db.session.flush()
    registry.hook.publish(publication=pub, item=item, channel=channel)
    assert registry.hook.unpublish(publication=pub, item=item, channel=channel) is True
    db.session.commit()
    assert db.session.execute(db.select(Booking)).scalar().status == "cancelled"
    assert problems_for(request_item()) == []


def test_other_channels_are_not_its_business(app, request_item):
    registry = plugins()
    item = request_item()
    results = registry.hook.validate_item(item=item, channel=registry.channels["website"], phase="submit")
    assert all(p.channel != "vidcon" for result in results for p in result)


def test_item_dates_name_the_meeting(app, request_item):
    item = request_item(start="09:00", end="11:00")
    registry = plugins()
    found = {k: v for result in registry.hook.item_dates(item=item) for k, v in (result or {}).items()}
    # 09:00 WITA is 01:00 UTC, whatever the hub's own zone
    assert found["meeting_start"].utcoffset() == dt.timedelta(0)
    assert (found["meeting_start"].hour, found["meeting_end"].hour) == (1, 3)
    publish(item)
    found = {k: v for result in registry.hook.item_dates(item=item) for k, v in (result or {}).items()}
    assert found["meeting_end"] - found["meeting_start"] == dt.timedelta(hours=2)


@pytest.fixture
def booked(app, request_item):
    """A confirmed booking a week or more ahead, Monday 09:00–11:00 WITA."""
    from hub_vidcon.models import Booking

    publish(request_item())
    return db.session.execute(db.select(Booking)).scalar()


def test_technician_records_equipment_trial_and_report(client, login, make_user, booked):
    tech = make_user("teknisi1", roles=["teknisi"])
    login(client, tech)
    page = client.get(f"/vidcon/bookings/{booked.id}")
    assert page.status_code == 200 and "Ruang Rapat Lt. 2" in page.get_data(as_text=True)

    resp = client.post(f"/vidcon/bookings/{booked.id}", data={"action": "report", "report": "   ", "held": "yes"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Tuliskan jalannya rapat" in html

    every = ["internet", "modem_ap", "laptop", "vidcon_equipment", "audio", "phone"]
    resp = client.post(
        f"/vidcon/bookings/{booked.id}",
        data={
            "action": "report",
            "equipment": every,
            "trial_done": "on",
            "held": "yes",
            "actual_start": "x",
            "actual_end": "",
            "report": "Rapat berjalan lancar.",
        },
    )
    assert resp.status_code == 422  # the actual times are missing; nothing was lost
    assert "Rapat berjalan lancar." in resp.get_data(as_text=True)

    day = booked.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    resp = client.post(
        f"/vidcon/bookings/{booked.id}",
        data={
            "action": "report",
            "equipment": every,
            "trial_done": "on",
            "held": "yes",
            "actual_start": f"{day}T09:05",
            "actual_end": f"{day}T10:50",
            "attendance": "28",
            "report": "Rapat berjalan lancar, 28 peserta.",
            "problems": "Suara putus sebentar.",
        },
    )
    assert resp.status_code == 302
    db.session.refresh(booked)
    assert booked.status == "done" and booked.trial_done is True and booked.held is True
    assert all(booked.equipment.values())
    assert booked.actual_start == booked.starts_at + dt.timedelta(minutes=5)
    assert booked.reported_by_id == tech.id and booked.attendance == 28
    from hub.models.audit import AuditEntry

    assert (
        db.session.execute(
            db.select(AuditEntry).filter_by(action="vidcon.booking_reported", target_id=str(booked.id))
        ).scalar()
        is not None
    )


def test_a_verifier_may_look_but_not_report(client, login, make_user, booked):
    vera = make_user("vera", roles=["verifikator"])
    login(client, vera)
    assert client.get("/vidcon/bookings").status_code == 200
    resp = client.post(f"/vidcon/bookings/{booked.id}", data={"action": "report", "report": "x"})
    assert resp.status_code == 403
    db.session.refresh(booked)
    assert booked.status == "confirmed"


def test_a_requester_sees_availability_but_not_the_bookings_list(client, login, make_user, make_org, booked):
    other = make_org("Dinas Kesehatan", kind="requester")
    pemohon = make_user("opd", roles=["pemohon"], org=other)
    login(client, pemohon)
    assert client.get("/vidcon/bookings").status_code == 403
    day = booked.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    html = client.get(f"/vidcon/availability?day={day}").get_data(as_text=True)
    assert "Ruang Rapat Lt. 2" in html and "09.00–11.00" in html.replace(":", ".")
    assert "Rapat koordinasi SPBE" not in html  # another office's meeting: busy, no details
    assert client.get(f"/vidcon/bookings/{booked.id}").status_code == 404


def test_bookings_appear_on_the_calendar(app, make_user, booked):
    registry = plugins()
    tech = make_user("teknisi2", roles=["teknisi"])
    start = booked.starts_at - dt.timedelta(days=1)
    with app.test_request_context():
        entries = [
            e
            for result in registry.hook.calendar_entries(start=start, end=start + dt.timedelta(days=3), user=tech)
            for e in result
        ]
        mine = [e for e in entries if e.kind == "vidcon_booking"]
        assert [e.start for e in mine] == [booked.starts_at]
        assert mine[0].url == f"/vidcon/bookings/{booked.id}"
        later = booked.starts_at + dt.timedelta(days=7)
        assert not [
            e
            for r in registry.hook.calendar_entries(start=later, end=later + dt.timedelta(days=1), user=tech)
            for e in r
            if e.kind == "vidcon_booking"
        ]


def test_todays_bookings_panel_on_the_dashboard(client, login, make_user, booked):
    from hub.models import utcnow

    # move the booking to right now, whatever the hour
    booked.starts_at = utcnow() - dt.timedelta(minutes=1)
    booked.ends_at = utcnow() + dt.timedelta(minutes=1)
    db.session.commit()
    tech = make_user("teknisi3", roles=["teknisi"])
    login(client, tech)
    html = client.get("/").get_data(as_text=True)
    assert "Video konferensi hari ini" in html
    assert f"/vidcon/bookings/{booked.id}" in html and "Ruang Rapat Lt. 2" in html

    client.post("/logout")
    pemohon = make_user("opd2", roles=["pemohon"])
    login(client, pemohon)
    assert "Video konferensi hari ini" not in client.get("/").get_data(as_text=True)
