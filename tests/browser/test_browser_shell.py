"""The shell in a real browser: every main page renders for each role, in both languages, on a phone too."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import ARTIFACTS, assert_page_ok, visit
from tests.web_support import make_item, make_publication

pytestmark = pytest.mark.browser


def _session_cookie(app, user, url: str) -> dict:
    """A signed session for ``user`` (only until auth's login page exists; see test_browser_flow.py)."""
    from flask import g, session

    from hub.extensions import db
    from hub.models import User

    if "auth.login" not in app.view_functions and not app.config.get("_TEST_SESSION_USER"):
        app.config["_TEST_SESSION_USER"] = True

        @app.before_request
        def _browser_test_user():
            uid = session.get("_test_user_id")
            if uid is not None:
                g.user = db.session.get(User, uid)

    value = app.session_interface.get_signing_serializer(app).dumps({"_test_user_id": user.id})
    return {"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": value, "url": url}


@pytest.fixture
def signed_in(context, live_hub):
    def _as(user):
        context.clear_cookies()
        context.add_cookies([_session_cookie(live_hub.app, user, live_hub.url)])
        return context.new_page()

    return _as


def test_main_pages_render_translated_for_each_role(live_hub, signed_in, make_user):
    app = live_hub.app
    if "auth.login" in app.view_functions:
        pytest.skip("auth has landed: the shell is covered by test_browser_flow.py with a real login")
    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Festival Siti Nurbaya", channels=("website", "x"), status="approved")
    now = dt.datetime.now(dt.UTC)
    make_publication(item, "website", "published", published_at=now)
    make_publication(item, "x", "failed", last_error="X menolak: 403")
    kabid = make_user("kabid", roles=["kepala_bidang"])
    sysadmin = make_user("sysadmin", roles=["system_admin"])
    sosmed = make_user("sosmed", roles=["admin_social"])

    page = signed_in(creator)
    visit(page, "/", "dashboard-creator")
    assert "Festival Siti Nurbaya" in page.inner_text("#my-items")
    assert page.locator("nav .navlinks a[href='/reports']").count() == 0
    visit(page, "/calendar", "calendar")

    page = signed_in(sosmed)
    visit(page, "/", "dashboard-social-admin")
    assert "X menolak: 403" in page.inner_text("#channel-health")

    page = signed_in(kabid)
    visit(page, "/reports", "reports")
    for code in ("sla", "evaluation", "content_plan", "channel_stats"):
        visit(page, f"/reports/{code}", f"report-{code}")
        assert page.locator("h1").count() == 1
    with page.expect_download() as download:
        page.click("text=Unduh PDF")
    assert download.value.suggested_filename.endswith(".pdf")

    page = signed_in(sysadmin)
    visit(page, "/admin/", "admin-index")
    page.click("text=Organisasi")
    assert_page_ok(page)
    page.click("text=Tambah organisasi")
    page.fill("#name", "Dinas Pariwisata Sumbar")
    page.select_option("#kind", "requester")
    page.click("button[type=submit]")
    assert "Dinas Pariwisata Sumbar" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "admin-organisations.png"), full_page=True)

    # the language switch changes the interface
    page.select_option("header select[name=lang]", "en")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Organisations" in page.inner_text("h1")
    page.select_option("header select[name=lang]", "id")
    page.wait_for_load_state()
    assert "Organisasi" in page.inner_text("h1")


def test_navigation_folds_on_a_phone(browser, live_hub, make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    if "auth.login" in live_hub.app.view_functions:
        pytest.skip("auth has landed: covered by test_browser_flow.py")
    phone = browser.new_context(base_url=live_hub.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone.add_cookies([_session_cookie(live_hub.app, creator, live_hub.url)])
        page = phone.new_page()
        visit(page, "/", "dashboard-phone")
        link = page.locator("nav .navlinks a[href='/calendar']")
        assert not link.is_visible()
        page.click("label.navbutton")
        assert link.is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    finally:
        phone.close()
