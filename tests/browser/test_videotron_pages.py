"""The videotron pages in a real browser, in Indonesian: every page renders for the people who use it,
with nothing left untranslated (screenshots in test-artifacts/)."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from hub.extensions import db
from tests.browser.conftest import browser_login, visit
from tests.videotron_support import player_link, publish_directly, video_asset, videotron_item

pytestmark = pytest.mark.browser


def test_videotron_pages_render_in_indonesian(app, live_hub, context, make_user):
    from hub_videotron import plans
    from hub_videotron.demo import load_screens
    from hub_videotron.models import PlaylistEntry, Screen
    from hub_videotron.monitor import check_screens, record_heartbeat
    from hub_videotron.records import PlayRecord

    # the test's own app context (the `app` fixture) writes to the live hub's database
    load_screens()
    db.session.commit()
    creator = make_user("citra", roles=["pembuat_konten"])
    admin = make_user("adminvt", roles=["admin_videotron"], full_name="Admin Videotron")
    tech = make_user("teknisi", roles=["teknisi"])
    sub = make_user("sube", roles=["sub_koordinator"], full_name="Sube Koordinator")
    padang = db.session.scalar(db.select(Screen).filter_by(code="padang-bappeda"))
    solok = db.session.scalar(db.select(Screen).filter_by(code="solok-pandan"))
    player_link(padang), player_link(solok)
    today = dt.datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()  # the office's date, not the machine's
    item = videotron_item(
        creator, video_asset(), title="Pekan Budaya", groups=["kota-padang"], event_date=today, urgent=True
    )
    publish_directly(item)
    entry = db.session.scalar(db.select(PlaylistEntry).filter_by(screen_id=padang.id))
    record_heartbeat(padang, {"now_playing": entry.id, "error": "media error 3"})
    now = dt.datetime.now(dt.UTC)
    db.session.add(
        PlayRecord(
            screen_id=padang.id,
            entry_id=entry.id,
            item_id=item.id,
            item_title=item.title,
            play_uuid=str(uuid.uuid4()),
            started_at=now - dt.timedelta(minutes=1),
            ended_at=now,
            duration=60.0,
        )
    )
    db.session.commit()
    solok.last_seen_at = now - dt.timedelta(hours=1)
    db.session.commit()
    check_screens()  # Solok has been silent an hour: an incident is opened
    plan = plans.create_plan(today.year, (today.month - 1) // 3 + 1, sub)
    plans.add_entry(plan, {"planned_date": today.isoformat(), "title": "Hari Jadi Provinsi", "producer": "Tim"})
    db.session.commit()
    ids = {"padang": padang.id, "item": item.id, "plan": plan.id}

    page = context.new_page()
    browser_login(page, tech)
    visit(page, "/", "videotron-dashboard-technician")
    assert "Videotron" in page.inner_text("main")
    visit(page, "/videotron/monitor", "videotron-monitor")
    assert "Pekan Budaya" in page.inner_text("#monitor") and "Luring" in page.inner_text("#monitor")
    visit(page, f"/videotron/screens/{ids['padang']}", "videotron-screen")
    assert "Serta-merta" in page.inner_text("#playing")
    visit(page, "/videotron/incidents", "videotron-incidents")
    assert "Perempatan Pandan" in page.inner_text("main")

    browser_login(page, admin)
    for path, name in [
        ("/videotron/screens", "videotron-screens"),
        ("/videotron/screens/new", "videotron-screen-new"),
        ("/videotron/groups", "videotron-groups"),
        ("/videotron/recaps", "videotron-recaps"),
        (f"/videotron/items/{ids['item']}", "videotron-item"),
        ("/videotron/plans", "videotron-plans"),
        (f"/videotron/plans/{ids['plan']}", "videotron-plan"),
    ]:
        visit(page, path, name)
    first = today.replace(day=1).isoformat()
    visit(page, f"/reports/videotron_recap?start={first}&end={today.isoformat()}", "videotron-recap")
    assert "Kantor Bappeda Sumbar" in page.inner_text("main")
