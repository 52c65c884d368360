"""The request form: real fields (no JSON box), and the rooms registry's admin page."""

from __future__ import annotations

import datetime as dt

from hub.extensions import db
from hub.models import Item
from tests.vidcon_support import weekday_ahead

pytest_plugins = ["tests.vidcon_fixtures"]


def _vidcon_part(html: str) -> str:
    return html.split('value="vidcon"')[1].split('class="channel-variant"')[0]


def test_the_request_form_has_fields_and_no_json_box(client, login, requester, room):
    login(client, requester)
    part = _vidcon_part(client.get("/items/new").get_data(as_text=True))
    assert 'name="opt_vidcon_date" type="date"' in part and 'name="opt_vidcon_start" type="time"' in part
    assert f'<option value="{room.id}"' in part and "Ruang Rapat Lt. 2 (Kominfo · 40)" in part
    assert '<option value="online"' in part and "Di tempat pemohon" in part
    for platform in ("Zoom", "Google Meet", "Jitsi", "Webex", "Lainnya"):
        assert platform in part
    assert 'name="opt_vidcon_equipment" value="modem_ap"' in part
    assert 'name="opt_vidcon_phone" type="tel"' in part and "Mohon dibuatkan tautan rapat" in part
    assert "options_vidcon" not in part  # no JSON box

    monday = weekday_ahead(0).isoformat()
    resp = client.post(
        "/items/new",
        data={
            "title": "Rapat koordinasi SPBE",
            "kind": "vidcon_booking",
            "channel": ["vidcon"],
            "optfields_vidcon": "1",
            "opt_vidcon_date": monday,
            "opt_vidcon_start": "09:00",
            "opt_vidcon_end": "11:00",
            "opt_vidcon_room": str(room.id),
            "opt_vidcon_platform": "google_meet",
            "opt_vidcon_create_link": "1",
            "opt_vidcon_contact": "Budi",
            "opt_vidcon_phone": "081234567890",
            "opt_vidcon_participants": "30",
            "opt_vidcon_equipment": ["internet", "audio"],
            "opt_vidcon_letter_number": "005/1/DISPAR",
            "opt_vidcon_letter_date": dt.date.today().isoformat(),
        },
    )
    assert resp.status_code == 302
    item = db.session.execute(db.select(Item)).scalar_one()
    options = item.target("vidcon").options
    assert options["room"] == str(room.id) and options["platform"] == "google_meet"
    assert options["equipment"] == ["internet", "audio"] and options["create_link"] is True


def test_rooms_are_managed_on_an_admin_page(client, login, make_user, office, room):
    tech = make_user("teknisi1", roles=["teknisi"], org=office)
    login(client, tech)
    page = client.get("/vidcon/rooms").get_data(as_text=True)
    assert "Ruang Rapat Lt. 2" in page
    resp = client.post(
        "/vidcon/rooms",
        data={"name": "ruang rapat lt.2", "organisation_id": str(office.id), "capacity": "20"},
    )
    assert resp.status_code == 422  # the same room spelled differently
    assert "sudah memiliki ruang dengan nama itu" in resp.get_data(as_text=True)
    resp = client.post(
        "/vidcon/rooms",
        data={
            "name": "Command Center",
            "organisation_id": str(office.id),
            "capacity": "12",
            "equipment": ["internet", "vidcon_equipment"],
            "active": "on",
        },
    )
    assert resp.status_code == 302
    from hub_vidcon.models import Room

    made = db.session.execute(db.select(Room).filter_by(name="Command Center")).scalar_one()
    assert made.capacity == 12 and made.equipment == ["internet", "vidcon_equipment"] and made.active
    resp = client.post(f"/vidcon/rooms/{made.id}", data={"name": "Command Center", "organisation_id": str(office.id)})
    assert resp.status_code == 302
    db.session.refresh(made)
    assert made.active is False  # unticked: out of the list offered to requesters


def test_a_requester_cannot_manage_rooms(client, login, requester):
    login(client, requester)
    assert client.get("/vidcon/rooms").status_code == 403


def test_demo_rooms_are_loaded_once(app, office):
    from hub_vidcon.demo import load_rooms
    from hub_vidcon.models import Room

    load_rooms()
    load_rooms()
    names = sorted(db.session.execute(db.select(Room.name)).scalars())
    assert names == ["Command Center", "Ruang Rapat Lt. 2"]


def test_the_item_page_shows_the_request_as_people_read_it(client, login, requester, room):
    from hub.models import ItemChannel
    from tests.vidcon_support import request_options

    item = Item(
        organisation_id=requester.organisation_id,
        created_by_id=requester.id,
        kind="vidcon_booking",
        title="Rapat koordinasi SPBE",
    )
    item.channels = [ItemChannel(channel="vidcon", options=request_options(room))]
    db.session.add(item)
    db.session.commit()
    login(client, requester)
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "09.00–11.00 WITA" in html and "Ruang Rapat Lt. 2 · Zoom mohon dibuatkan tautan" in html
    assert "Surat: 005/123/DISPAR" in html
