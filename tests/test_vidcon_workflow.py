"""SOP 003's workflow and the booking are one: the chain confirms the booking, the coordinate step
waits for the equipment check and the trial, run-and-report waits for the report, and filing the
report closes the booking and the steps and tells the superiors."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import Item, User
from tests.vidcon_support import attach_letter

EVERY = ["internet", "modem_ap", "laptop", "vidcon_equipment", "audio", "phone"]
WITA_ZONE = __import__("zoneinfo").ZoneInfo("Asia/Makassar")

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


def test_steps_are_due_by_the_meeting_and_follow_a_move(
    app, client, login, staff, request_item, approve_through, publish_queued
):
    """SOP 003: the preparation is due when the meeting starts, the report 180 minutes after it ends;
    nothing is overdue the day after the request; a moved meeting moves both."""
    import datetime as dt

    from hub_vidcon.changes import ask_move, decide_move
    from hub_vidcon.models import Booking

    from hub.models import utcnow
    from hub.notify.models import Notification
    from hub.workflow.overdue import check_overdue
    from hub.workflow.state import open_step, steps_of
    from tests.vidcon_support import weekday_ahead

    item = request_item()  # Monday at least a week ahead, 09:00–11:00 WITA
    attach_letter(item)
    approve_through(item, upto="forward")
    publish_queued()
    booking = db.session.execute(db.select(Booking).filter_by(item_id=item.id)).scalar_one()
    step = open_step(item.id)
    assert step.step_key == "coordinate" and step.due_at == booking.starts_at
    # the day after the request: nothing is overdue, no one is told so
    assert check_overdue(utcnow() + dt.timedelta(days=1)) == []
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.kind == "overdue")) == 0

    # the meeting moves to Tuesday 13:00–15:00: the preparation's due time follows, and the timeline says so
    tuesday = weekday_ahead(1).isoformat()
    move = {"date": tuesday, "start": "13:00", "end": "15:00", "room": str(booking.room_id)}
    requester = db.session.get(User, item.created_by_id)
    assert ask_move(booking, requester, move, "Sekda berhalangan") == []
    assert decide_move(booking, staff["kabid"], approve=True) == []
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    step = open_step(item.id)
    assert step.due_at == booking.starts_at and booking.starts_at.astimezone(WITA_ZONE).hour == 13
    assert step.due_changes and step.due_changes[-1]["to"] == booking.starts_at.isoformat()

    # once the preparation is done, the report is due 180 minutes after the (moved) end
    login(client, staff["tech"])
    client.post(f"/vidcon/bookings/{booking.id}", data={"action": "checks", "equipment": EVERY, "trial_done": "on"})
    db.session.expire_all()
    report = open_step(item.id)
    assert report.step_key == "run_report"
    assert report.due_at == booking.ends_at + dt.timedelta(minutes=180)
    assert [s.step_key for s in steps_of(item.id) if s.due_at and s.decided_at and s.decided_at > s.due_at] == []


def test_the_report_carries_photos_and_refuses_what_is_not_one(
    app, client, login, staff, request_item, approve_through, publish_queued
):
    """SOP 003's report: photos or screenshots go with it; a file that is not one is refused, nothing filed."""
    import io
    from zoneinfo import ZoneInfo

    from hub_vidcon.models import Booking
    from PIL import Image

    item = request_item()
    attach_letter(item)
    approve_through(item, upto="forward")
    publish_queued()
    booking = db.session.execute(db.select(Booking).filter_by(item_id=item.id)).scalar_one()
    login(client, staff["tech"])
    client.post(f"/vidcon/bookings/{booking.id}", data={"action": "checks", "equipment": EVERY, "trial_done": "on"})
    day = booking.starts_at.astimezone(ZoneInfo("Asia/Makassar")).date().isoformat()
    report = {"action": "report", "equipment": EVERY, "trial_done": "on", "held": "yes",
              "actual_start": f"{day}T09:00", "actual_end": f"{day}T11:00", "report": "Lancar."}  # fmt: skip
    png = io.BytesIO()
    Image.new("RGB", (640, 360), (20, 120, 200)).save(png, format="PNG")

    refused = client.post(
        f"/vidcon/bookings/{booking.id}",
        data={**report, "photos": [(io.BytesIO(b"%PDF-1.4 not a photo\n%%EOF\n"), "notulen.pdf")]},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "notulen.pdf bukan foto" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"  # nothing was filed

    filed = client.post(
        f"/vidcon/bookings/{booking.id}",
        data={**report, "photos": [(io.BytesIO(png.getvalue()), "rapat.png")]},
        content_type="multipart/form-data",
    )
    assert filed.status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    links = [link for link in booking.item.assets if link.role == "report_photo"]
    assert booking.status == "done" and len(links) == 1
    page = client.get(f"/vidcon/bookings/{booking.id}").get_data(as_text=True)
    assert f'src="/media/{links[0].asset_id}/original"' in page
    assert client.get(f"/media/{links[0].asset_id}/original").mimetype == "image/png"
