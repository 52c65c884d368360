"""Bulk decisions and acting officials in a real browser (Indonesian): ticking an item in the inbox
disables the items at another step, the selection is decided together and the result lists each;
the delegation page names an acting official. Screenshots go to test-artifacts/."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from hub.workflow import bulk, engine
from tests import workflow_support
from tests.browser.conftest import ARTIFACTS, LiveHub, assert_page_ok, browser_login, visit
from tests.helpers import free_port
from tests.workflow_support import CheckedPlugin, assign, current_step, new_item

pytestmark = pytest.mark.browser
people = workflow_support.people  # the fixture


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()])
    with app.app_context():
        yield app


@pytest.fixture
def live_hub(make_app, app):
    """The hub with the checking channel on a real HTTP server; CSRF protection on."""
    served = make_app(EXTRA_PLUGINS=[CheckedPlugin()], WTF_CSRF_ENABLED=True, TESTING=False)
    port = free_port()
    server = make_server("127.0.0.1", port, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveHub(served, f"http://127.0.0.1:{port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_inbox_bulk_selection_and_the_delegation_page(context, live_hub, app, people, make_user):
    assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"]
    )
    ids = []
    for i in range(4):
        item = new_item(
            people.pemohon,
            channels=[{"channel": "checked", "text": "Pendek."}],
            event_place="Padang",
            title=f"Acara {i}",
        )
        engine.submit(item.id, people.pemohon)
        ids.append(item.id)
    bulk.decide_many(people.verifikator, ids[:1], "approve")  # item 0 is one step further

    page = context.new_page()
    browser_login(page, people.verifikator)
    visit(page, "/inbox", "bulk-inbox")
    first = page.locator(f'#bulk input[name=item][value^="{ids[1]}:"]')
    other_step = page.locator(f'#bulk input[name=item][value^="{ids[0]}:"]')
    first.check()
    assert other_step.is_disabled()
    page.locator(f'#bulk input[name=item][value^="{ids[2]}:"]').check()
    page.locator(f'#bulk input[name=item][value^="{ids[3]}:"]').check()
    page.click("#bulk button[type=submit]")
    page.wait_for_url("**/inbox/bulk?**")
    visit(page, page.url.replace(live_hub.url, ""), "bulk-review")
    assert page.locator("#selected tr[data-item]").count() == 3
    page.click("main form.decision button[value=approve]")
    page.wait_for_selector("#outcomes")
    assert_page_ok(page)  # no server error, nothing left untranslated
    page.screenshot(path=str(ARTIFACTS / "bulk-result.png"), full_page=True)
    assert page.locator("#outcomes .badge-approved").count() == 3
    visit(page, "/inbox", "bulk-inbox-after")  # the result page is a POST answer; the inbox after it
    assert [current_step(i).step_key for i in ids] == ["verify_1"] * 4

    sekretaris = make_user("sari", roles=["sekretaris"], org=people.operator, full_name="Sari Sekretaris")
    browser_login(page, people.kepala_dinas)
    visit(page, "/delegations", "delegations")
    page.select_option("#delegate_id", str(sekretaris.id))
    page.check("input[name=roles][value=kepala_dinas]")
    today = page.get_attribute("#starts_on", "min")
    page.fill("#starts_on", today)
    page.fill("#ends_on", today)
    page.click("main form.stacked button[type=submit]")
    page.wait_for_selector("#current tr[data-delegation]")
    visit(page, "/delegations", "delegations-after")
    assert "Sari Sekretaris" in page.inner_text("#current")
