"""The lists of the items and workflow API (items, inbox, notifications, delegations): ``total``
over every page, ``next_offset`` to walk them, a bounded number of SQL statements whatever the
number of rows; and bodies that do not fit their declared schema (422 ``invalid`` with
``errors``), with ``detail`` in the caller's language."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.extensions import db
from hub.models import Item, ItemStatus
from tests import workflow_support
from tests.query_counter import count_statements
from tests.web_support import make_item
from tests.workflow_support import CheckedPlugin, assign, new_item

people = workflow_support.people  # the fixture


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()])
    with app.app_context():
        yield app


@pytest.fixture
def flow(people):
    return assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"]
    )


def _statements(client, url, **kwargs):
    client.get(url, **kwargs)  # warm: first-request caches are not what grows with rows
    with count_statements() as seen:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return len(seen), response.get_json()


def _walk(client, url, key, headers, limit=2) -> tuple[list, set]:
    """Every entry of a list, page by page through ``next_offset``; and the totals the pages said."""
    seen, totals, offset = [], set(), 0
    while offset is not None:
        body = client.get(url, query_string={"limit": limit, "offset": offset}, headers=headers).get_json()
        assert body["limit"] == limit and body["offset"] == offset
        seen += body[key]
        totals.add(body["total"])
        offset = body["next_offset"]
    return seen, totals


def test_item_list_api_answers_total_and_next_offset_in_flat_statements(client, people, api_headers):
    headers = api_headers(people.sysadmin)
    counts = {}
    for n in (3, 9):
        while db.session.scalar(db.select(db.func.count(Item.id))) < n:
            make_item(people.creator, f"Daftar {n}", channels=("checked",))
        counts[n], body = _statements(client, "/api/v1/items?limit=2", headers=headers)
        assert body["total"] == n and len(body["items"]) == 2 and body["next_offset"] == 2
    assert counts[3] == counts[9], counts
    items, totals = _walk(client, "/api/v1/items", "items", headers, limit=4)
    assert totals == {9} and len({i["id"] for i in items}) == 9
    # the filters count what they match; a cursor page has no next_offset (it has next_before)
    make_item(people.creator, "Draf", channels=("checked",), status=ItemStatus.DRAFT.value)
    drafts = client.get("/api/v1/items?status=draft", headers=headers).get_json()
    assert drafts["total"] == 1 and [i["title"] for i in drafts["items"]] == ["Draf"]
    assert client.get("/api/v1/items?mine=true", headers=headers).get_json()["total"] == 0
    newest = items[0]["id"]
    older = client.get(f"/api/v1/items?before={newest}&limit=2", headers=headers).get_json()
    assert older["next_offset"] is None and older["next_before"] and older["total"] == 10
    # a query parameter that does not fit its declaration
    bad = client.get("/api/v1/items?status=maybe", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["code"] == "bad_parameter"
    assert "status" in bad.get_json()["errors"]["query"]


def test_inbox_api_total_over_pages_and_flat_statements(client, people, api_headers, flow):
    from hub.workflow.engine import submit

    headers = api_headers(people.verifikator)
    counts = {}
    for n in (2, 6):
        while db.session.scalar(db.select(db.func.count(Item.id))) < n:
            item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}], event_place="Padang")
            submit(item.id, people.pemohon)
        db.session.commit()
        counts[n], body = _statements(client, "/api/v1/inbox?limit=1", headers=headers)
        assert body["total"] == n and len(body["entries"]) == 1 and body["next_offset"] == 1
    assert counts[2] == counts[6], counts
    entries, totals = _walk(client, "/api/v1/inbox", "entries", headers)
    assert totals == {6} and len({e["item_id"] for e in entries}) == 6
    # the creator's own drafts are entries too, and counted
    new_item(people.pemohon, channels=[{"channel": "checked", "text": "Draf."}])
    mine = client.get("/api/v1/inbox", headers=api_headers(people.pemohon)).get_json()
    assert mine["total"] == len(mine["entries"]) == 1 and mine["entries"][0]["step_id"] is None
    assert client.get("/api/v1/inbox?offset=100001", headers=headers).status_code == 400


def test_notifications_api_total_unread_and_flat_statements(client, people, api_headers):
    from hub.notify.models import Notification

    headers = api_headers(people.verifikator)

    def add(n):
        for i in range(n):
            db.session.add(Notification(user_id=people.verifikator.id, kind="step_waiting", title_id=f"T{i}"))
        db.session.commit()

    counts = {}
    add(3)
    counts[3], body = _statements(client, "/api/v1/notifications?limit=2", headers=headers)
    assert (body["total"], body["unread"], body["next_offset"]) == (3, 3, 2)
    add(6)
    counts[9], body = _statements(client, "/api/v1/notifications?limit=2", headers=headers)
    assert (body["total"], body["unread"], body["next_offset"]) == (9, 9, 2)
    assert counts[3] == counts[9], counts
    notes, totals = _walk(client, "/api/v1/notifications", "notifications", headers, limit=4)
    assert totals == {9} and len({n["id"] for n in notes}) == 9
    assert client.post(f"/api/v1/notifications/{notes[0]['id']}/read", headers=headers).get_json() == {"marked": 1}
    body = client.get("/api/v1/notifications?unread=1&limit=2", headers=headers).get_json()
    assert (body["total"], body["unread"], len(body["notifications"])) == (8, 8, 2)
    body = client.get("/api/v1/notifications?limit=2", headers=headers).get_json()
    assert (body["total"], body["unread"]) == (9, 8)
    assert client.post("/api/v1/notifications/read", headers=headers).get_json() == {"marked": 8}
    assert client.get("/api/v1/notifications", headers=headers).get_json()["unread"] == 0


def test_delegations_api_pages_the_others_with_total_in_flat_statements(client, people, api_headers):
    from hub.workflow.delegation_models import Delegation

    headers = api_headers(people.sysadmin)
    today = dt.date.today()

    def add(n):
        for i in range(n):
            starts = today + dt.timedelta(days=10 + i)
            db.session.add(
                Delegation(
                    organisation_id=people.operator.id,
                    delegator_id=people.kepala_bidang.id,
                    delegate_id=people.sub_koordinator.id,
                    roles=["kepala_bidang"],
                    starts_on=starts,
                    ends_on=starts,
                    starts_at=dt.datetime.combine(starts, dt.time(), dt.UTC),
                    ends_at=dt.datetime.combine(starts + dt.timedelta(days=1), dt.time(), dt.UTC),
                )
            )
        db.session.commit()

    counts = {}
    add(2)
    counts[2], body = _statements(client, "/api/v1/delegations?limit=1", headers=headers)
    assert (body["total"], len(body["others"]), body["next_offset"], body["current"]) == (2, 1, 1, [])
    add(4)
    counts[6], body = _statements(client, "/api/v1/delegations?limit=1", headers=headers)
    assert (body["total"], len(body["others"]), body["next_offset"]) == (6, 1, 1)
    assert counts[2] == counts[6], counts
    others, totals = _walk(client, "/api/v1/delegations", "others", headers, limit=4)
    assert totals == {6} and len({d["id"] for d in others}) == 6
    starts = [d["starts_on"] for d in others]
    assert starts == sorted(starts, reverse=True)  # the latest start first


def test_a_body_that_does_not_fit_its_schema_is_422_invalid_with_errors(client, people, api_headers, flow):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}], event_place="Padang")
    client.post(f"/api/v1/items/{item.id}/submit", headers=api_headers(people.pemohon))
    vera = api_headers(people.verifikator)
    maybe = client.post(f"/api/v1/items/{item.id}/decisions", json={"decision": "maybe"}, headers=vera)
    assert maybe.status_code == 422 and maybe.mimetype == "application/problem+json"
    body = maybe.get_json()
    assert body["code"] == "invalid" and list(body["errors"]["json"]) == ["decision"]
    stranger = client.post(
        f"/api/v1/items/{item.id}/decisions", json={"decision": "approve", "verdict": "yes"}, headers=vera
    )
    assert stranger.status_code == 422 and "verdict" in stranger.get_json()["errors"]["json"]
    bulk = client.post("/api/v1/decisions", json={"items": [item.id], "decision": "maybe"}, headers=vera)
    assert bulk.status_code == 422 and "decision" in bulk.get_json()["errors"]["json"]
    not_ids = client.post("/api/v1/decisions", json={"items": ["x"], "decision": "approve"}, headers=vera)
    assert not_ids.status_code == 422 and "items" in not_ids.get_json()["errors"]["json"]
    created = client.post(
        "/api/v1/items", json={"title": "Baru", "priority": "high"}, headers=api_headers(people.pemohon)
    )
    assert created.status_code == 422 and "priority" in created.get_json()["errors"]["json"]
    delegation = client.post("/api/v1/delegations", json={"roles": ["kepala_bidang"]}, headers=vera)
    assert delegation.status_code == 422
    assert {"delegate_id", "starts_on", "ends_on"} <= set(delegation.get_json()["errors"]["json"])
    assignment = client.post(
        "/api/v1/workflows/videotron_request/assignments", json={"kinds": "video"}, headers=api_headers(people.sysadmin)
    )
    assert assignment.status_code == 422 and "kinds" in assignment.get_json()["errors"]["json"]


def test_accept_language_chooses_the_words_of_detail(client, people, api_headers, flow):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}], event_place="Padang")
    client.post(f"/api/v1/items/{item.id}/submit", headers=api_headers(people.pemohon))
    vera = api_headers(people.verifikator)
    url = f"/api/v1/items/{item.id}/decisions"
    english = client.post(url, json={"decision": "return"}, headers={**vera, "Accept-Language": "en"}).get_json()
    bahasa = client.post(url, json={"decision": "return"}, headers={**vera, "Accept-Language": "id"}).get_json()
    assert english["code"] == bahasa["code"] and english["field"] == bahasa["field"] == "comment"
    assert (english["lang"], bahasa["lang"]) == ("en", "id") and english["detail"] != bahasa["detail"]
    assert english["detail"] == "Write why the item is returned or rejected."
    assert bahasa["detail"] == "Tuliskan alasan pengembalian atau penolakan."
    invalid_en = client.post(url, json={"decision": "maybe"}, headers={**vera, "Accept-Language": "en"}).get_json()
    assert invalid_en["detail"] == "The input is not valid; see errors."
    missing = client.get("/api/v1/items/999999", headers={**vera, "Accept-Language": "en"}).get_json()
    assert missing["code"] == "not_found" and missing["detail"] == "Item not found."
