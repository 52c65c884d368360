"""The vidcon plugin: SOP 003 service hours, required details, no double-booked room, bookings on publish."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.exceptions import PermanentPublishError
from hub.extensions import db
from hub.models import Item, ItemChannel, Publication
from hub.plugins import plugins


def next_weekday(weekday: int) -> dt.date:
    """The next date (at least 2 days ahead) falling on ``weekday`` (0 = Monday)."""
    day = dt.date.today() + dt.timedelta(days=2)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def request_item(app, make_user):
    creator = make_user("pemohon1", roles=["pemohon"])

    def _make(**options) -> Item:
        base = {
            "date": next_weekday(0).isoformat(),
            "start": "09:00",
            "end": "11:00",
            "place": "Ruang Rapat A",
            "platform": "Zoom",
            "equipment": ["internet", "laptop", "audio"],
        }
        base.update(options)
        item = Item(
            organisation_id=creator.organisation_id,
            created_by_id=creator.id,
            kind="vidcon_booking",
            title="Rapat koordinasi SPBE",
        )
        item.channels = [ItemChannel(channel="vidcon", options=base)]
        db.session.add(item)
        db.session.commit()
        return item

    return _make


def problems_for(item, phase="submit"):
    registry = plugins()
    results = registry.hook.validate_item(item=item, channel=registry.channels["vidcon"], phase=phase)
    return [p for result in results for p in result]


def rules(problems):
    return sorted(p.rule for p in problems)


def test_a_request_within_service_hours_passes(request_item):
    assert problems_for(request_item()) == []


def test_friday_allows_until_1630_but_not_later(request_item):
    friday = next_weekday(4).isoformat()
    assert problems_for(request_item(date=friday, start="15:00", end="16:30")) == []
    late = problems_for(request_item(date=friday, start="15:00", end="16:45", place="Ruang B"))
    assert rules(late) == ["vidcon.service_hours"]
    assert "Jumat 08.00–16.30" in late[0].message_id and "Friday 08:00–16:30" in late[0].message_en


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"date": ""}, ["vidcon.required"]),
        ({"date": "01/12/2026"}, ["vidcon.date_format"]),
        ({"start": "9 pagi"}, ["vidcon.time_format"]),
        ({"start": "11:00", "end": "10:00"}, ["vidcon.end_after_start"]),
        ({"start": "07:00"}, ["vidcon.service_hours"]),
        ({"end": "16:30"}, ["vidcon.service_hours"]),  # Monday closes at 16:00
        ({"date": next_weekday(5).isoformat()}, ["vidcon.service_hours"]),  # Saturday
        ({"date": "2020-01-06"}, ["vidcon.in_past"]),
        ({"equipment": ["laptop", "hologram"]}, ["vidcon.equipment_unknown"]),
    ],
)
def test_bad_requests_name_the_field_and_rule(request_item, options, expected):
    problems = problems_for(request_item(**options))
    assert rules(problems) == expected
    for p in problems:
        assert p.field.startswith("vidcon.") and p.message_id and p.message_en


def test_publish_confirms_a_booking_once_and_the_room_is_then_taken(app, request_item):
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
    assert booking.equipment == {"internet": False, "laptop": False, "audio": False}

    # another request for the same room and an overlapping time is refused...
    clash = request_item(start="10:00", end="12:00")
    assert rules(problems_for(clash)) == ["vidcon.room_taken"]
    # ...but another room, or the same room afterwards, is fine
    assert problems_for(request_item(start="10:00", end="12:00", place="Ruang B")) == []
    assert problems_for(request_item(start="11:00", end="12:00")) == []
    # and publishing a clashing request (approved before the first was published) fails with the reason
    pub2 = Publication(item_id=clash.id, channel="vidcon", idempotency_key=f"hub-{clash.id}-vidcon")
    db.session.add(pub2)
    db.session.flush()
    with pytest.raises(PermanentPublishError, match="sudah dipesan"):
        registry.hook.publish(publication=pub2, item=clash, channel=channel)


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


@pytest.fixture
def booked(app, request_item):
    """A confirmed booking for tomorrow-or-later Monday 09:00–11:00."""
    from hub_vidcon.models import Booking

    registry = plugins()
    item = request_item()
    pub = Publication(item_id=item.id, channel="vidcon", idempotency_key=f"hub-{item.id}-vidcon")
    db.session.add(pub)
    db.session.flush()
    registry.hook.publish(publication=pub, item=item, channel=registry.channels["vidcon"])
    db.session.commit()
    return db.session.execute(db.select(Booking)).scalar()


def test_technician_records_equipment_trial_and_report(client, login, make_user, booked):
    tech = make_user("teknisi1", roles=["teknisi"])
    login(client, tech)
    page = client.get(f"/vidcon/bookings/{booked.id}")
    assert page.status_code == 200 and "Ruang Rapat A" in page.get_data(as_text=True)

    resp = client.post(f"/vidcon/bookings/{booked.id}", data={"action": "report", "report": "   "})
    assert resp.status_code == 422
    assert "Tuliskan jalannya rapat" in resp.get_data(as_text=True)

    resp = client.post(
        f"/vidcon/bookings/{booked.id}",
        data={
            "action": "report",
            "equipment": ["internet", "audio"],
            "trial_done": "on",
            "report": "Rapat berjalan lancar, 30 peserta.",
        },
    )
    assert resp.status_code == 302
    db.session.refresh(booked)
    assert booked.status == "done" and booked.trial_done is True
    assert booked.equipment == {"internet": True, "laptop": False, "audio": True}
    assert booked.reported_by_id == tech.id
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


def test_a_requester_cannot_see_the_bookings_list(client, login, make_user, booked):
    pemohon = make_user("opd", roles=["pemohon"])
    login(client, pemohon)
    assert client.get("/vidcon/bookings").status_code == 403


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
    assert f"/vidcon/bookings/{booked.id}" in html and "Ruang Rapat A" in html

    client.post("/logout")
    pemohon = make_user("opd2", roles=["pemohon"])
    login(client, pemohon)
    assert "Video konferensi hari ini" not in client.get("/").get_data(as_text=True)
