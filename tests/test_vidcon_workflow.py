"""SOP 003's workflow and the booking are one: the chain confirms the booking, the coordinate step
waits for the equipment check and the trial, run-and-report waits for the report, and filing the
report closes the booking and the steps and tells the superiors."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import Item
from tests.vidcon_support import attach_letter

EVERY = ["internet", "modem_ap", "laptop", "vidcon_equipment", "audio", "phone"]

pytest_plugins = ["tests.vidcon_fixtures"]


@pytest.fixture
def staff(make_user, office):
    return {
        "kadis": make_user("kadis", roles=["kepala_dinas"], org=office),
        "kabid": make_user("kabid", roles=["kepala_bidang"], org=office),
        "tech": make_user("teknisi1", roles=["teknisi"], org=office),
    }


def current_key(item_id: int) -> str | None:
    from hub.workflow.queries import current_step

    db.session.expire_all()
    step = current_step(db.session.get(Item, item_id))
    return step.key if step is not None else None


def test_the_chain_books_the_room_and_the_steps_close_on_the_booking(
    app, client, login, staff, request_item, approve_through, publish_queued
):
    from hub_vidcon.models import Booking

    from hub.notify.models import Notification
    from hub.workflow import engine
    from hub.workflow.errors import ChecksFailed

    item = request_item()
    attach_letter(item)
    approve_through(item, upto="forward")
    publish_queued()
    booking = db.session.execute(db.select(Booking).filter_by(item_id=item.id)).scalar_one()
    assert booking.status == "confirmed"
    assert current_key(item.id) == "coordinate"
    confirmed = db.session.execute(db.select(Notification).filter_by(kind="vidcon_confirmed")).scalar_one()
    assert confirmed.user_id == item.created_by_id

    # the coordinate step cannot be completed before the check of every item and the trial
    with pytest.raises(ChecksFailed) as refused:
        engine.decide(item.id, staff["tech"], "approve")
    assert [p.rule for p in refused.value.problems] == ["vidcon.checks_missing"]
    login(client, staff["tech"])
    page = client.post(f"/items/{item.id}/decide", data={"decision": "approve"})
    assert page.status_code == 422 and "Catat pengecekan semua peralatan" in page.get_data(as_text=True)
    client.post(f"/vidcon/bookings/{booking.id}", data={"action": "checks", "equipment": EVERY[:3], "trial_done": "on"})
    assert current_key(item.id) == "coordinate"  # three of six items checked: still open
    client.post(f"/vidcon/bookings/{booking.id}", data={"action": "checks", "equipment": EVERY, "trial_done": "on"})
    assert current_key(item.id) == "run_report"

    # run-and-report cannot be completed without the report
    with pytest.raises(ChecksFailed) as refused:
        engine.decide(item.id, staff["tech"], "approve")
    assert [p.rule for p in refused.value.problems] == ["vidcon.report_missing"]

    local_day = booking.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Makassar")).date().isoformat()
    resp = client.post(
        f"/vidcon/bookings/{booking.id}",
        data={
            "action": "report",
            "equipment": EVERY,
            "trial_done": "on",
            "held": "yes",
            "actual_start": f"{local_day}T09:00",
            "actual_end": f"{local_day}T11:00",
            "attendance": "30",
            "report": "Rapat berjalan lancar.",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.status == "done"
    assert current_key(item.id) is None  # the workflow has finished with the report
    told = set(
        db.session.execute(db.select(Notification.user_id).where(Notification.kind == "vidcon_report")).scalars()
    )
    assert told == {staff["kadis"].id, staff["kabid"].id}


def test_the_disposition_checks_the_room_again(app, staff, request_item, approve_through):
    from hub.workflow import engine
    from hub.workflow.errors import ChecksFailed
    from tests.vidcon_support import publish

    item = request_item()
    attach_letter(item)
    from hub.models import User

    engine.submit(item.id, db.session.get(User, item.created_by_id))  # waits for the Kepala Dinas
    publish(request_item(title="Rapat lain yang lebih dulu"))  # the room is taken meanwhile
    with pytest.raises(ChecksFailed) as refused:
        engine.decide(item.id, staff["kadis"], "approve")
    assert [p.rule for p in refused.value.problems] == ["vidcon.room_taken"]
