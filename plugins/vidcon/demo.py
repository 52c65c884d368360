"""Demo rooms (``hub up --demo``): two rooms of the operator office; idempotent."""

from __future__ import annotations

from hub_vidcon.booking import operator_office
from hub_vidcon.models import Room, name_key

from hub.sdk import db

ROOMS = [
    ("Ruang Rapat Lt. 2", "Gedung utama, lantai 2", 40, ["internet", "modem_ap", "vidcon_equipment", "audio"]),
    ("Command Center", "Gedung utama, lantai 1", 12, ["internet", "modem_ap", "laptop", "vidcon_equipment", "audio"]),
]


def load_rooms() -> None:
    office = operator_office()
    if office is None:
        return
    for name, place, capacity, equipment in ROOMS:
        exists = db.session.execute(
            db.select(Room.id).where(Room.organisation_id == office.id, Room.name_key == name_key(name))
        ).first()
        if exists is None:
            db.session.add(
                Room(
                    organisation_id=office.id,
                    name=name,
                    name_key=name_key(name),
                    place=place,
                    capacity=capacity,
                    equipment=equipment,
                    active=True,
                )
            )
    db.session.commit()
