"""Calendar invitations and room feeds: RFC 5545 with icalendar, times in WITA, stable UID,
SEQUENCE raised on change, METHOD:CANCEL / STATUS:CANCELLED once cancelled; feeds behind a
revocable secret URL."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from icalendar import Calendar

from hub.extensions import db
from hub.models import Publication
from hub.plugins import plugins
from tests.vidcon_support import publish, weekday_ahead

WITA = ZoneInfo("Asia/Makassar")

pytest_plugins = ["tests.vidcon_fixtures"]


def _feed_url(client, room) -> str:
    resp = client.post("/vidcon/feeds", data={"room_id": str(room.id)})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    return re.search(r"<code>https?://[^/]+(/vidcon/feeds/[^<]+\.ics)</code>", page).group(1)


def test_the_room_feed_parses_in_wita_and_shows_cancellations(client, login, make_user, office, room, request_item):
    from hub_vidcon.models import Booking

    first = request_item(title="Rapat SPBE", start="09:00", end="11:00")
    second = request_item(title="Rapat Stunting", start="13:00", end="14:00")
    publish(first)
    publish(second)
    registry = plugins()
    pub = db.session.execute(db.select(Publication).filter_by(item_id=second.id)).scalar_one()
    registry.hook.unpublish(publication=pub, item=second, channel=registry.channels["vidcon"])
    db.session.commit()

    tech = make_user("teknisi1", roles=["teknisi"], org=office)
    login(client, tech)
    url = _feed_url(client, room)
    client.post("/logout")

    feed = client.get(url)  # no login: the secret is the key
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    cal = Calendar.from_ical(feed.data)
    assert cal["METHOD"] == "PUBLISH"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    spbe, stunting = events["Rapat SPBE"], events["Rapat Stunting"]
    start = spbe.decoded("DTSTART")
    assert (start.hour, start.minute) == (9, 0) and str(start.tzinfo) == "Asia/Makassar"
    assert start.date() == weekday_ahead(0)
    assert str(spbe["STATUS"]) == "CONFIRMED" and str(stunting["STATUS"]) == "CANCELLED"
    assert int(stunting["SEQUENCE"]) == 1 and int(spbe["SEQUENCE"]) == 0
    booking = db.session.execute(db.select(Booking).filter_by(item_id=first.id)).scalar_one()
    assert str(spbe["UID"]).startswith(f"vidcon-{booking.id}@")
    assert str(spbe["LOCATION"]) == "Ruang Rapat Lt. 2"

    # revoked: the address stops working
    login(client, tech)
    from hub_vidcon.models import Feed

    feed_row = db.session.execute(db.select(Feed)).scalar_one()
    assert client.post(f"/vidcon/feeds/{feed_row.id}/revoke").status_code == 302
    client.post("/logout")
    assert client.get(url).status_code == 404
    assert client.get("/vidcon/feeds/guessed-secret.ics").status_code == 404


def test_a_bookings_invitation_and_its_cancellation(client, login, requester, request_item):
    from hub_vidcon.models import Booking

    item = request_item()
    publish(item)
    booking = db.session.execute(db.select(Booking)).scalar_one()
    login(client, requester)  # the requesting office downloads its own booking's invitation
    cal = Calendar.from_ical(client.get(f"/vidcon/bookings/{booking.id}.ics").data)
    assert cal["METHOD"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    uid = str(event["UID"])
    assert event.decoded("DTSTART").astimezone(WITA).time() == dt.time(9, 0)

    registry = plugins()
    pub = db.session.execute(db.select(Publication)).scalar_one()
    registry.hook.unpublish(publication=pub, item=item, channel=registry.channels["vidcon"])
    db.session.commit()
    cal = Calendar.from_ical(client.get(f"/vidcon/bookings/{booking.id}.ics").data)
    assert cal["METHOD"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CANCELLED"
