"""Shared pieces of the vidcon tests: an operator office in WITA (the hub in WIB), rooms, requests."""

from __future__ import annotations

import datetime as dt

from hub.extensions import db
from hub.models import Asset, Item, ItemAsset, Publication
from hub.plugins import plugins

WITA = "Asia/Makassar"


def weekday_ahead(weekday: int, weeks: int = 1) -> dt.date:
    """The date falling on ``weekday`` (0 = Monday) at least ``weeks`` weeks from today: far enough for
    the minimum notice, whatever today is."""
    day = dt.date.today() + dt.timedelta(days=7 * weeks)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def request_options(target_room, **options) -> dict:
    base = {
        "date": weekday_ahead(0).isoformat(),
        "start": "09:00",
        "end": "11:00",
        "room": str(target_room.id) if target_room is not None else "online",
        "platform": "zoom",
        "create_link": True,
        "contact": "Budi",
        "phone": "081234567890",
        "participants": "30",
        "participants_who": "Kepala OPD se-Kaltara",
        "equipment": ["internet", "laptop", "audio"],
        "letter_number": "005/123/DISPAR",
        "letter_date": dt.date.today().isoformat(),
    }
    base.update(options)
    return base


def problems_for(item, phase="approve"):
    """The vidcon plugin's problems (``approve``: the rules without the submission-only details)."""
    registry = plugins()
    results = registry.hook.validate_item(item=item, channel=registry.channels["vidcon"], phase=phase)
    return [p for result in results for p in result]


def rules(problems):
    return sorted(p.rule for p in problems)


def publish(item):
    """Publish (confirm) ``item`` through the hook as the dispatcher does; returns the result."""
    registry = plugins()
    pub = Publication(item_id=item.id, channel="vidcon", idempotency_key=f"hub-{item.id}-vidcon")
    db.session.add(pub)
    db.session.flush()
    result = registry.hook.publish(publication=pub, item=item, channel=registry.channels["vidcon"])
    db.session.commit()
    return result


def attach_letter(item: Item) -> None:
    """The request letter: a small PDF written at run time (no binary fixture)."""
    asset = Asset(
        original_name="surat-permohonan.pdf",
        stored_name=None,
        kind="document",
        mime="application/pdf",
        size=100,
        status="ready",
        organisation_id=item.organisation_id,
    )
    db.session.add(asset)
    db.session.flush()
    db.session.add(ItemAsset(item_id=item.id, asset_id=asset.id, role="document"))
    db.session.commit()
