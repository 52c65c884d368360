"""In a real browser: a member of the public files an information request (no account), the PPID
answers it from the register, and the requester sees the answer on the tracking page."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_page_ok, browser_login, visit

pytestmark = pytest.mark.browser


def test_the_public_files_a_request_the_ppid_answers_the_requester_sees_it(app, live_hub, context, make_user, make_org):
    office = make_org("Diskominfotik Sumbar", kind="operator")
    officer = make_user("petugas.ppid", roles=["ppid"], org=office)
    page = context.new_page()

    visit(page, "/ppid/request", "ppid-request-form")
    page.fill("#name", "Rahmat Hidayat")
    page.fill("#nik", "1371012304850002")
    page.fill("#address", "Jl. Sudirman No. 17, Padang")
    page.fill("#email", "rahmat.warga@example.com")
    page.fill("#phone", "+62 812 7700 1234")
    page.fill("#info_requested", "Realisasi anggaran belanja modal 2025 per kegiatan")
    page.fill("#purpose", "Penelitian skripsi")
    a, b = (int(x) for x in re.search(r"(\d+) \+ (\d+)", page.inner_text("label[for=challenge]")).groups())
    page.fill("#challenge", str(a + b))
    page.click("main form button[type=submit]")
    assert_page_ok(page)
    body = page.inner_text("main")
    number = re.search(r"PPID-\d{4}-\d{4}", body).group(0)
    link = page.get_attribute("main a[rel=noreferrer]", "href")
    tracking = re.search(r"/ppid/track/\d+/[^/]+$", link).group(0)  # the link is on HUB_BASE_URL

    visit(page, tracking, "ppid-tracking-received")
    assert "Diterima, sedang diproses" in page.inner_text("main")
    assert "Rahmat" not in page.inner_text("body")

    browser_login(page, officer)
    visit(page, "/ppid/register", "ppid-register")
    page.click(f"text={number}")
    assert_page_ok(page)
    assert "1371012304850002" in page.inner_text("main")
    page.select_option("#decision", "granted")
    page.fill("#answer", "Data realisasi belanja modal 2025 terlampir dalam bentuk PDF.")
    page.click("text=Jawab dan kirim surat")
    assert_page_ok(page)
    assert "Dikabulkan" in page.inner_text("#decision")

    page.context.clear_cookies()
    visit(page, tracking, "ppid-tracking-answered")
    main = page.inner_text("main")
    assert "Dijawab" in main and "Dikabulkan" in main and "Rahmat" not in main
