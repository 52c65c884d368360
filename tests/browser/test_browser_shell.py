"""The shell in a real browser: log in with password and TOTP, every main page renders for each
role without a server error or untranslated text, the language switch, the phone layout."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import ARTIFACTS, assert_page_ok, browser_login, visit, wait_until
from tests.web_support import make_item, make_publication

pytestmark = pytest.mark.browser


def test_main_pages_for_each_role_and_the_language_switch(context, live_hub, make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Festival Siti Nurbaya", channels=("website", "x"), status="approved")
    make_publication(item, "website", "published", published_at=dt.datetime.now(dt.UTC))
    make_publication(item, "x", "failed", last_error="X menolak: 403")
    kabid = make_user("kabid", roles=["kepala_bidang"])
    sysadmin = make_user("sysadmin", roles=["system_admin"])
    sosmed = make_user("sosmed", roles=["admin_social"])
    page = context.new_page()

    visit(page, "/login", "login")
    browser_login(page, creator)
    visit(page, "/", "dashboard-creator")
    assert "Festival Siti Nurbaya" in page.inner_text("#my-items")
    assert page.locator("nav .navlinks a[href='/reports']").count() == 0
    visit(page, "/calendar", "calendar")
    visit(page, "/reports", "reports-forbidden", expect_status=403)

    browser_login(page, sosmed)
    visit(page, "/", "dashboard-social-admin")
    assert "X menolak: 403" in page.inner_text("#channel-health")

    browser_login(page, kabid)
    visit(page, "/reports", "reports")
    for code in ("sla", "evaluation", "content_plan", "channel_stats"):
        visit(page, f"/reports/{code}", f"report-{code}")
        assert page.locator("main h1").count() == 1
    with page.expect_download() as download:
        page.click("text=Unduh PDF")
    assert download.value.suggested_filename.endswith(".pdf")

    browser_login(page, sysadmin)
    visit(page, "/admin/", "admin-index")
    page.click("main >> text=Organisasi")
    assert_page_ok(page)
    page.click("text=Tambah organisasi")
    page.fill("#name", "Dinas Pariwisata Sumbar")
    page.select_option("#kind", "requester")
    page.click("main button[type=submit]")
    assert "Dinas Pariwisata Sumbar" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "admin-organisations.png"), full_page=True)

    # the language switch changes the interface, and back
    page.select_option("header select[name=lang]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "Organisations" in page.inner_text("main h1")
    assert "Dashboard" in page.inner_text("header")
    page.screenshot(path=str(ARTIFACTS / "admin-organisations-en.png"), full_page=True)
    page.select_option("header select[name=lang]", "id")
    page.wait_for_function("document.documentElement.lang === 'id'")
    assert "Organisasi" in page.inner_text("main h1") and "Beranda" in page.inner_text("header")


def test_navigation_folds_on_a_phone(browser, live_hub, make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    phone = browser.new_context(base_url=live_hub.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.set_default_timeout(15000)
    try:
        page = phone.new_page()
        browser_login(page, creator)
        visit(page, "/", "dashboard-phone")
        link = page.locator("nav .navlinks a[href='/calendar']")
        assert not link.is_visible()
        page.click("label.navbutton")
        assert link.is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    finally:
        phone.close()


def test_variant_texts_count_live_the_way_each_channel_counts(context, live_hub, make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    page = context.new_page()
    browser_login(page, creator)
    visit(page, "/items/new", "item-form")
    for name in ("x", "facebook"):  # a channel's variant text shows once the channel is chosen
        page.check(f"input[name=channel][value={name}]")
    # X counts a link as 23 whatever its length (the server's count, POST /social/count)
    page.fill("#text_x", "Lihat https://diskominfo.sumbarprov.go.id/berita/festival-siti-nurbaya-2026 ")
    wait_until(lambda: page.text_content("#count_x") == "30/280", timeout=15, what="the X count")
    page.fill("#text_x", "a" * 281)
    wait_until(lambda: page.text_content("#count_x") == "281/280", timeout=15, what="the X count over the limit")
    assert "error" in page.get_attribute("#count_x", "class")
    # Facebook counts characters in the browser; an empty variant counts the main text
    page.fill("#body", "Festival")
    wait_until(lambda: page.text_content("#count_facebook") == "8/63206", timeout=15, what="the Facebook count")
    assert "error" not in (page.get_attribute("#count_facebook", "class") or "")
