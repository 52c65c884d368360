"""What office staff see at an office monitor (1366x768) and on a phone (390x844):
choice boxes beside their words, tables that fit the phone, destructive buttons that look
different and ask first. Screenshots go to test-artifacts/."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from hub.extensions import db
from hub.models import Item
from tests.browser.conftest import ARTIFACTS, browser_login, visit
from tests.web_support import make_item, make_publication

pytestmark = pytest.mark.browser

SIZES = {"desk": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@contextlib.contextmanager
def logged_in_page(browser, live_hub, user, **options):
    """A page of a fresh browser context (Indonesian, desk size unless ``options`` say otherwise),
    logged in as ``user``; the context is closed afterwards."""
    ctx = browser.new_context(base_url=live_hub.url, locale="id-ID", **{"viewport": SIZES["desk"], **options})
    ctx.set_default_timeout(15000)
    try:
        page = ctx.new_page()
        browser_login(page, user)
        yield page
    finally:
        ctx.close()


@pytest.fixture(params=sorted(SIZES))
def sized_page(request, browser, live_hub):
    ctx = browser.new_context(
        base_url=live_hub.url, locale="id-ID", viewport=SIZES[request.param], is_mobile=request.param == "phone"
    )
    ctx.set_default_timeout(15000)
    try:
        yield request.param, ctx.new_page()
    finally:
        ctx.close()


def test_each_checkbox_sits_right_before_its_words(sized_page, make_user):
    size, page = sized_page
    creator = make_user("citra", roles=["pembuat_konten"])
    browser_login(page, creator)
    visit(page, "/items/new", f"item-form-{size}")
    labels = page.locator("label:has(> input[name=channel])")
    assert labels.count() >= 2
    for i in range(labels.count()):
        label = labels.nth(i)
        box = label.locator("input").bounding_box()
        words = label.locator("strong").bounding_box()
        # the box is as wide as the box people see (a 100 %-wide input centres its box in a strip)
        assert box["width"] <= 24, f"{size}: a channel checkbox is {box['width']:.0f} px wide"
        gap = words["x"] - (box["x"] + box["width"])
        assert 0 <= gap <= 16, f"{size}: the words of a channel box start {gap:.0f} px after the box"
        # on the same line: the box's middle is within the words' line
        middle = box["y"] + box["height"] / 2
        assert words["y"] - 4 <= middle <= words["y"] + words["height"] + 4, f"{size}: box and words on two lines"


def test_the_item_page_fits_a_phone_and_shows_no_bare_labels(sized_page, make_user):
    size, page = sized_page
    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Festival Danau Singkarak", channels=("website", "x", "facebook"), status="approved")
    now = dt.datetime.now(dt.UTC)
    make_publication(
        item, "website", "published", published_at=now, remote_id="1234567", remote_url="https://x.test/p/1"
    )
    make_publication(item, "x", "failed", last_error="X menolak unggahan: teks terlalu panjang (403)")
    make_publication(item, "facebook", "queued", scheduled_at=now + dt.timedelta(hours=3))
    browser_login(page, creator)
    visit(page, f"/items/{item.id}", f"item-page-{size}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{size}: the item page is {width} px wide"
    bare = page.evaluate(
        """() => [...document.querySelectorAll('table.stack td')].filter(td => {
            const style = getComputedStyle(td);
            return style.display !== 'none' && td.offsetParent !== null && td.textContent.trim() === '';
        }).map(td => td.dataset.label || td.outerHTML.slice(0, 60))"""
    )
    if size == "phone":
        assert not bare, f"{len(bare)} empty cells ({bare}) show a bare label on the phone"


def test_destructive_buttons_look_different_and_ask_first(sized_page, make_user, app):
    size, page = sized_page
    creator = make_user("citra", roles=["pembuat_konten"])
    draft = make_item(creator, "Draf yang salah", channels=("website",), status="draft")
    browser_login(page, creator)
    visit(page, f"/items/{draft.id}", f"draft-{size}")
    delete = page.locator("button", has_text="Hapus draf")
    # a draft is deleted, not withdrawn: one way out, not two
    assert page.locator("button", has_text="Tarik").count() == 0
    submit = page.locator("button", has_text="Ajukan")
    look = "b => getComputedStyle(b).backgroundColor + ' ' + getComputedStyle(b).color"
    colours = [b.evaluate(look) for b in (delete, submit)]
    assert colours[0] != colours[1], f"{size}: Hapus draf looks like the main action ({colours[0]})"

    asked: list[str] = []

    def answer_no(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer_no)
    delete.click()
    page.wait_for_timeout(300)  # a dismissed confirm sends nothing: give a wrong submit the time to show
    assert asked and "Hapus draf ini?" in asked[0]
    with app.app_context():
        assert db.session.get(Item, draft.id) is not None, "the draft was deleted though the person said no"

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        delete.click()
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(Item, draft.id) is None


def test_media_upload_works_with_javascript_off(browser, live_hub, make_user, app, tmp_path):
    from tests.media_factory import make_image

    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Festival Tabuik", channels=("website",), status="draft")
    with logged_in_page(browser, live_hub, creator, java_script_enabled=False) as page:
        visit(page, f"/items/{item.id}", "item-page-no-javascript")
        # the drag-and-drop uploader needs JavaScript: it is hidden, the plain form is there
        assert not page.locator(".hub-uploader").is_visible()
        page.set_input_files("#plain_file", str(make_image(tmp_path / "tabuik.png")))
        with page.expect_navigation():
            page.click(f"form[action='/items/{item.id}/media'] button[type=submit]")
        assert "Berkas diunggah dan ditambahkan ke konten." in page.inner_text("main")
        photo = page.inner_text("#media")
        assert ".png" in photo and "Gambar" in photo, photo


def test_a_channels_fields_show_only_while_it_is_chosen(browser, live_hub, make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    with logged_in_page(browser, live_hub, creator) as page:
        visit(page, "/items/new", "item-form-nothing-chosen")
        short = page.evaluate("document.documentElement.scrollHeight")
        first = page.locator("input[name=channel]").first
        name = first.get_attribute("value")
        assert not page.locator(f"#text_{name}").is_visible()
        first.check()
        assert page.locator(f"#text_{name}").is_visible()
        page.screenshot(path=str(ARTIFACTS / "item-form-one-chosen.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollHeight") > short
        # the form is as long as what the person does: all channels unchosen fit in a few screens
        assert short < 4 * SIZES["desk"]["height"], f"the empty item form is {short} px tall"
        first.uncheck()
        assert not page.locator(f"#text_{name}").is_visible()
        # the skip link takes a keyboard user past every channel section to the save button
        page.click("a.skiplink")
        assert page.evaluate("location.hash") == "#save"


def test_the_top_bar_is_one_line_for_an_administrator_at_1366(browser, live_hub, make_user):
    sysadmin = make_user("sysadmin", roles=["system_admin"])
    with logged_in_page(browser, live_hub, sysadmin) as page:
        visit(page, "/admin/", "topbar-admin-1366")
        links = page.locator("nav .navlinks a")
        assert links.count() >= 8
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, f"the navigation wraps onto {len(tops)} lines"
        bar = page.locator("header.topbar").bounding_box()
        assert bar["height"] < 70, f"the top bar is {bar['height']:.0f} px tall"
