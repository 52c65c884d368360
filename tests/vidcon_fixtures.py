"""Fixtures of the vidcon tests (test modules load them with ``pytest_plugins = ["tests.vidcon_fixtures"]``):
an operator office in WITA (the hub in WIB), rooms, a requester and requests."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import Item, ItemChannel
from tests.vidcon_support import WITA, request_options


@pytest.fixture
def office(app, make_org):
    """The serving office (operator) in WITA; the hub's zone stays Asia/Jakarta."""
    assert app.config["TIMEZONE"] == "Asia/Jakarta"
    return make_org("Diskominfo Kaltara", kind="operator", timezone=WITA, short_name="Kominfo")


@pytest.fixture
def make_room(office):
    from hub_vidcon.models import Room, name_key

    def _make(name="Ruang Rapat Lt. 2", **fields):
        room = Room(
            organisation_id=fields.pop("organisation_id", office.id),
            name=name,
            name_key=name_key(name),
            place=fields.pop("place", "Gedung Gubernur"),
            capacity=fields.pop("capacity", 40),
            equipment=fields.pop("equipment", ["internet", "audio"]),
            active=fields.pop("active", True),
        )
        db.session.add(room)
        db.session.commit()
        return room

    return _make


@pytest.fixture
def room(make_room):
    return make_room()


@pytest.fixture
def requester(make_user, make_org):
    opd = make_org("Dinas Pariwisata", kind="requester", short_name="Dispar")
    return make_user("pemohon1", roles=["pemohon"], org=opd)


@pytest.fixture
def request_item(app, requester, room, office):
    def _make(**options) -> Item:
        target_room = options.pop("room_obj", room)
        item = Item(
            organisation_id=requester.organisation_id,
            created_by_id=requester.id,
            kind="vidcon_booking",
            title=options.pop("title", "Rapat koordinasi SPBE"),
        )
        item.channels = [ItemChannel(channel="vidcon", options=request_options(target_room, **options))]
        db.session.add(item)
        db.session.commit()
        return item

    return _make
