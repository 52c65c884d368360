"""A requester from another office books a room through the form (no JSON), sees it in the
availability view on a phone-sized screen, the chain approves it, and the technical team records
the check and the trial and files the report in a real browser."""

from __future__ import annotations

import re

import pytest

from hub.extensions import db
from hub.models import Item
from tests.browser.conftest import assert_page_ok, browser_login, visit
from tests.vidcon_support import attach_letter, weekday_ahead

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.vidcon_fixtures"]

EVERY = ["internet", "modem_ap", "laptop", "vidcon_equipment", "audio", "phone"]


def test_a_requester_books_a_room_and_the_team_reports(
    app, context, live_hub, make_user, office, requester, room, approve_through, publish_queued
):
    from hub_vidcon.models import Booking

    from hub.workflow.queries import current_step

    make_user("kadis", roles=["kepala_dinas"], org=office)
    make_user("kabid", roles=["kepala_bidang"], org=office)
    tech = make_user("teknisi1", roles=["teknisi"], org=office)
    monday = weekday_ahead(0)
    page = context.new_page()

    # --- the requester fills the form's fields: no JSON box for the vidcon channel
    browser_login(page, requester)
    visit(page, "/items/new", "vidcon-item-new")
    page.fill("#title", "Rapat koordinasi SPBE")
    page.select_option("#kind", "vidcon_booking")
    page.check("input[name=channel][value=vidcon]")
    assert page.locator("#options_vidcon").count() == 0
    page.fill("#opt_vidcon_date", monday.isoformat())
    page.fill("#opt_vidcon_start", "09:00")
    page.fill("#opt_vidcon_end", "11:00")
    page.select_option("#opt_vidcon_room", str(room.id))
    page.select_option("#opt_vidcon_platform", "zoom")
    page.check("#opt_vidcon_create_link")
    page.fill("#opt_vidcon_contact", "Budi")
    page.fill("#opt_vidcon_phone", "081234567890")
    page.fill("#opt_vidcon_participants", "30")
    page.check("input[name=opt_vidcon_equipment][value=internet]")
    page.check("input[name=opt_vidcon_equipment][value=audio]")
    page.fill("#opt_vidcon_letter_number", "005/1/DISPAR")
    page.fill("#opt_vidcon_letter_date", monday.replace(day=1).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/items/\d+$"))
    assert_page_ok(page)
    item_id = int(page.url.rsplit("/", 1)[1])
    attach_letter(db.session.get(Item, item_id))  # the scanned letter (uploads have their own browser test)
    visit(page, f"/items/{item_id}", "vidcon-item-draft")
    page.click("text=Ajukan untuk persetujuan")
    assert_page_ok(page)
    assert db.session.get(Item, item_id, populate_existing=True).status == "in_review", page.inner_text("main")

    # --- the chain approves; the dispatcher confirms the booking
    approve_through(db.session.get(Item, item_id), upto="forward")
    publish_queued()
    booking = db.session.execute(db.select(Booking).filter_by(item_id=item_id)).scalar_one()

    # --- the requester sees it in the availability view, on a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, f"/vidcon/availability?day={monday.isoformat()}&view=week", "vidcon-availability-phone")
    mine = page.locator(f".vidcon-room[data-room='{room.id}'] .vidcon-busy.mine")
    assert mine.count() == 1 and "Rapat koordinasi SPBE" in mine.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- the team records the check and the trial, then files the report
    browser_login(page, tech)
    visit(page, f"/vidcon/bookings/{booking.id}", "vidcon-booking")
    for code in EVERY:
        page.check(f"input[name=equipment][value={code}]")
    page.check("input[name=trial_done]")
    page.click("button[value=checks]")
    assert_page_ok(page)
    db.session.expire_all()
    assert current_step(db.session.get(Item, item_id)).key == "run_report"
    page.select_option("#held", "yes")
    page.fill("#attendance", "28")
    page.fill("#report", "Rapat berjalan lancar.")
    page.click("button[value=report]")
    assert_page_ok(page)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "done"
    assert current_step(db.session.get(Item, item_id)) is None
    visit(page, f"/vidcon/bookings/{booking.id}", "vidcon-booking-reported")
