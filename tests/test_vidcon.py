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
