"""The whole path in a real browser: a creator uploads a video (progress bar) for the videotron,
the website and X; each approver decides from their inbox; a real worker publishes to the WordPress
and X stubs and to the screens; the admin sees every channel published; the player shows the video;
the SLA report counts the decisions made with a controlled clock."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest

from hub.extensions import db
from hub.models import Item, Publication
from tests.browser.conftest import ARTIFACTS, assert_page_ok, browser_login, visit
from tests.helpers import wait_for

pytestmark = pytest.mark.browser
pytest.importorskip("hub.workflow.engine", reason="the workflow area is not in this build")
pytest.importorskip("hub_videotron.screens", reason="the videotron plugin is not in this build")

WIB = ZoneInfo("Asia/Jakarta")
#: Tuesday 10 November 2026, 09:00 WIB: the approval chain's clock (inside working hours)
T0 = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)
CHAIN = [  # (step key, role, minutes after T0 when decided): due 10 minutes after each step starts
    ("verify_1", "verifikator", 5),  # on time
    ("verify_2", "sub_koordinator", 20),  # 15 min, late
    ("verify_3", "kepala_bidang", 25),  # 5 min, on time
    ("approval", "kepala_dinas", 40),  # 15 min, late
]


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def stubs():
    from tests.social_support import X_SECRETS
    from tests.stubs.wordpress import WordPressStub
    from tests.stubs.x_api import XStub
    from tests.website_support import APP_PASSWORD

    with WordPressStub() as wp, XStub() as x:
        wp.add_user("editor", APP_PASSWORD, "editor")
        x.add_user(**X_SECRETS, username="diskominfo_sumbar")
        yield wp, x
        assert not wp.errors, wp.errors
        assert not x.errors, x.errors


@pytest.fixture
def channels_ready(app, live_hub, stubs):
    """A WordPress site, an X account and a screen with its player link, all in the live hub's database."""
    from hub_social.accounts import add_account
    from hub_website.sites import add_site

    from tests.social_support import X_SECRETS
    from tests.videotron_support import make_screen, player_link
    from tests.website_support import APP_PASSWORD

    wp, x = stubs
    add_site("website", "Situs Diskominfo", wp.url, "editor", APP_PASSWORD)
    add_account("x", "Diskominfo Sumbar", dict(X_SECRETS), base_url=x.url)
    db.session.commit()
    screen = make_screen("padang-bappeda", "Depan Kantor Bappeda")
    return {"token": player_link(screen), "wp": wp, "x": x}


def _people(make_user):
    people = {"creator": make_user("citra", roles=["pembuat_konten"], full_name="Citra Kreator")}
    for _key, role, _at in CHAIN:
        people[role] = make_user(role.replace("_", ""), roles=[role])
    people["admin"] = make_user(
        "admin", roles=["admin_videotron", "admin_website", "admin_social"], full_name="Admin Kanal"
    )
    return people


def test_upload_approve_publish_play(context, live_hub, hub_worker, channels_ready, make_user, tmp_path, monkeypatch):
    from hub.workflow import engine
    from tests.media_factory import make_video

    clock = Clock(T0)
    monkeypatch.setattr(engine, "utcnow", clock)  # the live server runs in this process
    people = _people(make_user)
    video = make_video(tmp_path, width=1280, height=720, seconds=60, fps=2, audio=False, name="pekan-budaya.mp4")
    event = (dt.datetime.now(WIB) + dt.timedelta(days=1)).date()  # the screens show it H-7..H+1: now
    page = context.new_page()

    # --- the creator: log in (password + TOTP), write the item, upload the video with a progress bar
    browser_login(page, people["creator"])
    visit(page, "/items/new", "item-new")
    page.fill("#title", "Pekan Budaya Sumatera Barat")
    page.select_option("#kind", "video")
    page.fill("#body", "Pekan Budaya Sumatera Barat dibuka Gubernur di Padang. Saksikan randai dan tari piring.")
    page.fill("#event_date", event.isoformat())
    page.fill("#event_place", "Padang")
    for name in ("videotron", "website", "x"):
        page.check(f"input[name=channel][value={name}]")
    page.check("input[name=opt_videotron_screens][value=padang-bappeda]")  # the screen, picked from the list
    page.fill("#text_x", "Pekan Budaya Sumatera Barat dibuka di Padang hari ini. #SumbarBangkit")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/items/\d+$"))
    assert_page_ok(page)
    item_id = int(page.url.rsplit("/", 1)[1])

    _upload_with_progress(page, item_id, video)
    visit(page, f"/items/{item_id}", "item-draft")
    page.click("text=Ajukan untuk persetujuan")
    assert_page_ok(page)
    assert db.session.get(Item, item_id, populate_existing=True).status == "in_review", page.inner_text("main")

    # --- each approver decides from their inbox, at the controlled times
    for step_key, role, minutes in CHAIN:
        browser_login(page, people[role])
        visit(page, "/inbox", f"inbox-{role}")
        page.click(f"#inbox tr[data-item='{item_id}'] a")
        page.wait_for_url(re.compile(rf"/items/{item_id}$"))
        page.wait_for_load_state("load")  # the whole decision form, not the part parsed so far
        assert_page_ok(page)
        if role == CHAIN[0][1]:  # the first reviewer plays the video, seeks in it, sees each channel's preview
            duration, position = page.evaluate(SEEK_TO_30S)
            assert abs(duration - 60) < 1 and abs(position - 30) < 1, (duration, position)
            assert {"videotron", "website", "x"} <= set(
                page.eval_on_selector_all("#previews [data-channel]", "els => els.map(e => e.dataset.channel)")
            )
        boxes = page.locator("form.decision input[name=checklist]")
        for index in range(boxes.count()):
            boxes.nth(index).check()
        unchecked = page.eval_on_selector_all(
            "form.decision input[name=checklist]", "els => els.filter(e => !e.checked).map(e => e.value)"
        )
        assert not unchecked, f"{role}: checklist points still unchecked: {unchecked}"
        page.fill("form.decision #comment", f"OK dari {role}")
        clock.now = T0 + dt.timedelta(minutes=minutes)
        page.click("form.decision button[value=approve]")
        page.wait_for_load_state("load")
        assert_page_ok(page)
        page.screenshot(path=str(ARTIFACTS / f"item-after-{step_key}.png"), full_page=True)
        refusal = page.locator(".flash").all_inner_texts()
        assert not any("Konfirmasi semua poin" in text for text in refusal), f"{role}: {refusal}"

    # --- the worker publishes everywhere; the admin sees every channel published
    def all_published():
        db.session.expire_all()
        pubs = db.session.scalars(db.select(Publication).where(Publication.item_id == item_id)).all()
        failed = [(p.channel, p.status, p.last_error) for p in pubs if p.status in ("failed", "needs_attention")]
        assert not failed, failed
        return pubs if pubs and all(p.status == "published" for p in pubs) else None

    pubs = wait_for(all_published, timeout=90, what="every publication published")
    assert {p.channel for p in pubs} == {"videotron", "website", "x"}
    wp, x = channels_ready["wp"], channels_ready["x"]
    assert [p["title"]["raw"] if isinstance(p["title"], dict) else p["title"] for p in wp.live_posts()] == [
        "Pekan Budaya Sumatera Barat"
    ]
    assert any("Pekan Budaya" in t["text"] for t in x.live_tweets().values())

    browser_login(page, people["admin"])
    visit(page, f"/items/{item_id}", "item-published-admin")
    text = page.inner_text("main")
    for pub in pubs:
        if pub.remote_url:
            assert page.locator(f"a[href='{pub.remote_url}']").count() >= 1, pub.channel
    assert text.count("Terbit") >= 3, text
    visit(page, "/", "dashboard-admin-after-publish")
    visit(page, "/calendar", "calendar-after-publish")
    assert "Pekan Budaya Sumatera Barat" in page.inner_text("table.calendar")
    visit(page, "/reports/channel_stats", "report-channel-stats-flow")
    assert page.inner_text("dd[data-figure='1']") == "3"  # three publications published this quarter

    # --- the player shows the video
    visit(page, f"/videotron/player/{channels_ready['token']}", "player", lang="id")
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.readyState >= 2 && !v.paused; }",
        timeout=30000,
    )
    page.screenshot(path=str(ARTIFACTS / "player-playing.png"))

    # --- the language switch changes the interface
    visit(page, f"/items/{item_id}", "item-id")
    page.select_option("header select[name=lang]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "Published" in page.inner_text("main") and "Dashboard" in page.inner_text("header")
    page.screenshot(path=str(ARTIFACTS / "item-en.png"), full_page=True)
    page.select_option("header select[name=lang]", "id")
    page.wait_for_function("document.documentElement.lang === 'id'")

    # --- the SLA report counts the four decisions of 10 November: 2 on time, 2 late
    browser_login(page, people["kepala_bidang"])
    visit(page, "/reports/sla?start=2026-11-10&end=2026-11-10", "report-sla-flow")
    figures = [page.inner_text(f"dd[data-figure='{i}']") for i in range(3)]
    assert figures == ["4", "2", "50,0"], figures
    rows = page.locator("table").first.inner_text()
    for role_label in ("Verifikator", "Sub Koordinator", "Kepala Bidang", "Kepala Dinas"):
        assert role_label in rows
    _exports_open(page)


SEEK_TO_30S = """async () => {
    const v = document.querySelector('#media video');
    if (v.readyState < 1) await new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}));
    const seeked = new Promise(r => v.addEventListener('seeked', r, {once: true}));
    v.currentTime = 30;
    await seeked;
    return [v.duration, v.currentTime];
}"""


def _upload_with_progress(page, item_id: int, video) -> None:
    """Upload on the item page over a slowed connection, so the progress bar is seen moving."""
    from hub.models import Asset, ItemAsset

    visit(page, f"/items/{item_id}", "item-upload")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    slow = {"offline": False, "latency": 20, "downloadThroughput": 4_000_000, "uploadThroughput": 150_000}
    cdp.send("Network.emulateNetworkConditions", slow)
    page.set_input_files("[data-hub-upload] input[type=file]", str(video))
    page.locator("[data-hub-upload] progress").first.wait_for(state="visible")
    page.wait_for_function(
        "() => { const p = document.querySelector('[data-hub-upload] progress');"
        " return p && p.max > 0 && p.value >= 10 && p.value < p.max; }",
        timeout=30000,
    )
    page.screenshot(path=str(ARTIFACTS / "upload-progress.png"))
    fast = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", fast)
    hidden = page.locator("[data-hub-upload] input[type=hidden][name=asset_ids]")
    hidden.wait_for(state="attached", timeout=60000)
    asset_id = int(hidden.first.get_attribute("value"))
    page.screenshot(path=str(ARTIFACTS / "upload-done.png"))

    db.session.expire_all()
    attached = db.session.scalar(db.select(ItemAsset).filter_by(item_id=item_id, asset_id=asset_id))
    if attached is None:
        # the item page's widget uploads; attaching is the items API's call (what the page does next)
        status = page.evaluate(
            """async ([itemId, assetId]) => {
                const token = document.querySelector('[data-hub-upload]').dataset.csrf;
                const r = await fetch(`/api/v1/items/${itemId}/assets`, {method: 'POST',
                    headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                    body: JSON.stringify({asset_id: assetId, role: 'main'})});
                return r.status;
            }""",
            [item_id, asset_id],
        )
        assert status == 201, status

    def ready():
        db.session.expire_all()
        asset = db.session.get(Asset, asset_id)
        assert asset.status != "rejected", asset.error
        return asset.status == "ready"

    wait_for(ready, timeout=60, what="the uploaded video probed by the worker")


def _exports_open(page) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    with page.expect_download() as pdf_download:
        page.click("text=Unduh PDF")
    pdf = PdfReader(pdf_download.value.path())
    assert "Kepatuhan batas waktu" in "".join(p.extract_text() for p in pdf.pages)
    with page.expect_download() as xlsx_download:
        page.click("text=Unduh XLSX")
    with open(xlsx_download.value.path(), "rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    summary = {r[0]: r[1] for r in wb[wb.sheetnames[0]].iter_rows(min_row=3, values_only=True)}
    assert summary["Langkah diputuskan"] == 4 and summary["Tepat waktu"] == 2
