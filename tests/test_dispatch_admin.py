"""Admins retry, cancel and unpublish per channel: service functions, JSON API and the item page's forms."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app, render_template_string

from hub.dispatch import admin, kick
from hub.exceptions import TransitionNotAllowed
from hub.extensions import db
from hub.models import Item, Publication, utcnow
from tests.dispatch_support import app, approve_item, audit_actions, drive, publications, svc

__all__ = ["app", "svc"]  # fixtures


@pytest.fixture
def people(app, make_user, make_org):
    opd = make_org("Dinas Pariwisata", kind="requester")
    return {
        "creator": make_user("citra", roles=["pembuat_konten"]),
        "social": make_user("sosa", roles=["admin_social"]),
        "screens": make_user("vito", roles=["admin_videotron"]),
        "outsider": make_user("pemo", roles=["pemohon"], org=opd),
    }


def failed_publication(people, svc, message="account suspended") -> Publication:
    svc.fail_next(403, message)
    item = approve_item(people["creator"], "stub")
    kick([item.id])
    drive(current_app._get_current_object(), lambda: publications(item.id)[0].status == "failed")
    return publications(item.id)[0]


# --- service functions ----------------------------------------------------------------------------


def test_retry_after_a_permanent_failure_publishes_once(app, people, svc):
    pub = failed_publication(people, svc)
    admin.retry(pub.id, actor=people["social"])
    drive(app, lambda: publications()[0].status == "published")
    row = publications()[0]
    assert row.attempts == 2 and row.retry_base == 1 and row.last_error is None
    assert svc.count(row.idempotency_key) == 1
    assert audit_actions(row.id)[-3:] == ["publication.retry", "publication.attempt", "publication.published"]
    from hub.models.audit import AuditEntry

    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "publication.retry")).scalar_one()
    assert entry.actor_id == people["social"].id and entry.details["from"] == "failed"


def test_cancel_a_scheduled_publication_before_it_goes_out(app, people, svc):
    item = approve_item(people["creator"], "stub", publish_at=utcnow() + dt.timedelta(seconds=2))
    kick([item.id])
    pub = admin.cancel(publications(item.id)[0].id, actor=people["social"])
    assert pub.status == "cancelled"
    import time

    time.sleep(2.2)
    drive(app, lambda: True)  # the scheduled job comes due, finds the row cancelled and does nothing
    assert publications()[0].status == "cancelled" and svc.posts == {}


def test_actions_check_the_state(app, people, svc):
    item = approve_item(people["creator"], "stub")
    pub = publications(item.id)[0]
    with pytest.raises(TransitionNotAllowed):
        admin.retry(pub.id, actor=people["social"])  # pending: nothing to retry
    db.session.rollback()
    with pytest.raises(TransitionNotAllowed):
        admin.unpublish(pub.id, actor=people["social"])  # not published
    db.session.rollback()
    db.session.execute(db.update(Publication).values(status="publishing", attempts=1, lease_until=utcnow()))
    db.session.commit()
    with pytest.raises(TransitionNotAllowed):
        admin.cancel(pub.id, actor=people["social"])  # a worker is on it
    db.session.rollback()


def test_unpublish_calls_the_unpublish_hook(app, people, svc):
    item = approve_item(people["creator"], "stub")
    kick([item.id])
    drive(app, lambda: publications(item.id)[0].status == "published")
    pub = publications(item.id)[0]
    svc_post = svc.posts[pub.remote_id]
    admin.unpublish(pub.id, actor=people["social"])
    assert publications()[0].unpublish_requested_at is not None
    drive(app, lambda: publications()[0].status == "unpublished")
    assert svc_post["deleted"] is True
    assert [r["path"] for r in svc.requests if r["method"] == "DELETE"] == [f"/v1/posts/{pub.remote_id}"]
    row = publications()[0]
    assert row.unpublish_requested_at is None
    assert audit_actions(row.id)[-2:] == ["publication.unpublish_requested", "publication.unpublished"]


# --- JSON API ------------------------------------------------------------------------------------------


def test_api_lists_and_reads_only_visible_publications(app, client, people, svc, api_headers):
    item = approve_item(people["creator"], ("stub", {"accounts": ["a", "b"]}))
    pubs = publications(item.id)
    resp = client.get(f"/api/v1/publications?item_id={item.id}", headers=api_headers(people["creator"]))
    assert resp.status_code == 200, resp.get_json()
    assert {k: resp.get_json()[k] for k in ("total", "limit", "offset", "next_offset")} == {
        "total": 2,
        "limit": 50,
        "offset": 0,
        "next_offset": None,
    }
    body = resp.get_json()["publications"]
    assert [(p["id"], p["status"], p["target"], p["actions"]) for p in body] == [
        (pubs[0].id, "pending", "a", []),
        (pubs[1].id, "pending", "b", []),
    ]
    # another office's requester does not see this office's item
    outsider = api_headers(people["outsider"])
    resp = client.get(f"/api/v1/publications/{pubs[0].id}", headers=outsider)
    assert resp.status_code == 404 and resp.get_json()["code"] == "not_found"
    assert resp.mimetype == "application/problem+json"
    listed = client.get("/api/v1/publications", headers=outsider).get_json()
    assert listed["publications"] == [] and listed["total"] == 0
    resp = client.get(f"/api/v1/publications/{pubs[0].id}", headers=api_headers(people["social"]))
    assert resp.get_json()["actions"] == ["cancel"]
    assert client.get("/api/v1/publications").status_code == 401


def test_api_actions_need_the_channels_admin(app, client, people, svc, api_headers):
    pub = failed_publication(people, svc, "token expired")
    url = f"/api/v1/publications/{pub.id}/retry"
    assert client.post(url, headers=api_headers(people["creator"])).status_code == 403
    resp = client.post(url, headers=api_headers(people["screens"]))  # admin of another channel
    assert resp.status_code == 403 and resp.get_json()["code"] == "not_allowed"
    assert "stub" in resp.get_json()["detail"]
    assert publications()[0].status == "failed"

    resp = client.post(url, headers=api_headers(people["social"]))
    assert resp.status_code == 200 and resp.get_json()["status"] == "queued"
    again = client.post(url, headers=api_headers(people["social"]))
    assert again.status_code == 409 and again.get_json()["code"] == "conflict"
    assert "queued" in again.get_json()["detail"] and " / " not in again.get_json()["detail"]
    drive(app, lambda: publications()[0].status == "published")

    resp = client.post(f"/api/v1/publications/{pub.id}/unpublish", headers=api_headers(people["social"]))
    assert resp.status_code == 200 and resp.get_json()["unpublish_requested"] is True
    drive(app, lambda: publications()[0].status == "unpublished")
    resp = client.post(f"/api/v1/publications/{pub.id}/cancel", headers=api_headers(people["social"]))
    assert resp.status_code == 409
    assert client.post("/api/v1/publications/999999/cancel", headers=api_headers(people["social"])).status_code == 404


# --- the item page's table and forms ------------------------------------------------------------------


def test_publication_table_offers_the_allowed_actions(app, people, svc):
    pub = failed_publication(people, svc, "account suspended")
    item = db.session.get(Item, pub.item_id)
    template = '{% include "dispatch/_publications.html" %}'
    with app.test_request_context("/items/1"):
        from flask import g

        g.user = people["social"]
        html = render_template_string(template, item=item)
        assert f"/publications/{pub.id}/retry" in html and f"/publications/{pub.id}/cancel" in html
        assert "account suspended" in html and "/unpublish" not in html
        g.user = people["creator"]
        html = render_template_string(template, item=item)
        assert "/publications/" not in html and "account suspended" in html


def test_form_action_retries_and_goes_back(app, client, people, svc, login):
    pub = failed_publication(people, svc)
    login(client, people["social"])
    resp = client.post(f"/publications/{pub.id}/retry", data={"next": f"/items/{pub.item_id}#publications"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/items/{pub.item_id}#publications")
    assert publications()[0].status == "queued"
    resp = client.post(f"/publications/{pub.id}/retry", data={"next": "//evil.example/"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"  # a conflict, and no open redirect


def test_form_action_refuses_other_channels_admins(app, client, people, svc, login):
    pub = failed_publication(people, svc)
    login(client, people["screens"])
    assert client.post(f"/publications/{pub.id}/cancel").status_code == 403
    assert publications()[0].status == "failed"


def test_cli_status_and_reconcile(app, people, runner):
    item = approve_item(people["creator"], ("stub", {"accounts": ["a", "b"]}))
    result = runner.invoke(args=["dispatch", "status"])
    assert result.exit_code == 0 and "pending          2" in result.output
    result = runner.invoke(args=["dispatch", "reconcile"])
    assert result.exit_code == 0 and "relayed 2" in result.output, result.output
    assert {p.status for p in publications(item.id)} == {"queued"}


# --- an unknown outcome (needs_attention): record the post, or post anyway ------------------------


def unsettled_publication(people, svc) -> Publication:
    """A publication whose outcome nobody can tell (the look-up for an earlier copy failed)."""
    pub = failed_publication(people, svc)
    db.session.execute(
        db.update(Publication).where(Publication.id == pub.id).values(status="needs_attention", last_error="?")
    )
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Publication, pub.id)


def test_api_records_the_remote_post_a_channel_admin_found(app, client, people, svc, api_headers):
    pub = unsettled_publication(people, svc)
    url = f"/api/v1/publications/{pub.id}/record"
    body = {"remote": "https://x.com/diskominfo/status/123"}
    assert client.post(url, json=body, headers=api_headers(people["creator"])).status_code == 403
    assert client.post(url, json=body, headers=api_headers(people["screens"])).status_code == 403
    social = api_headers(people["social"])
    for bad in ({"remote": "javascript:alert(1)"}, {"remote": ""}, {"remote": "a\nb"}, {}):
        resp = client.post(url, json=bad, headers={**social, "Accept-Language": "en"})
        assert resp.status_code == 422 and resp.get_json()["code"] == "invalid", bad
        assert resp.get_json()["detail"] and " / " not in resp.get_json()["detail"], bad
    resp = client.post(url, json={"remote": "javascript:alert(1)"}, headers={**social, "Accept-Language": "en"})
    assert "http(s)://" in resp.get_json()["detail"] and resp.get_json()["field"] == "remote"
    assert "remote" in client.post(url, json={}, headers=social).get_json()["errors"]["json"]
    resp = client.post(url, json=body, headers=social)
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["status"] == "published" and data["remote_url"] == body["remote"] and data["published_at"]
    assert audit_actions(pub.id)[-1] == "publication.recorded"
    assert client.post(url, json=body, headers=social).status_code == 409  # settled already
    other = unsettled_publication(people, svc)
    resp = client.post(f"/api/v1/publications/{other.id}/record", json={"remote": "1234567"}, headers=social)
    assert resp.get_json()["remote_id"] == "1234567" and resp.get_json()["status"] == "published"


def test_api_post_anyway_needs_a_confirmation_and_sends_without_a_look_up(app, client, people, svc, api_headers):
    pub = unsettled_publication(people, svc)
    url = f"/api/v1/publications/{pub.id}/post_anyway"
    social = api_headers(people["social"])
    assert client.post(url, json={"confirm": True}, headers=api_headers(people["creator"])).status_code == 403
    resp = client.post(url, json={}, headers=social)
    assert resp.status_code == 422 and resp.get_json()["code"] == "confirm_required"
    assert publications()[0].status == "needs_attention"
    resp = client.post(url, json={"confirm": True}, headers=social)
    assert resp.status_code == 200 and resp.get_json()["status"] == "queued"
    db.session.expire_all()
    assert db.session.get(Publication, pub.id).state["confirmed_absent"] is True
    assert audit_actions(pub.id)[-1] == "publication.post_anyway"
    drive(app, lambda: publications()[0].status == "published")
    assert svc.count(publications()[0].idempotency_key) == 1


def test_item_page_forms_record_or_post_anyway(app, client, people, svc, login):
    pub = unsettled_publication(people, svc)
    with app.test_request_context("/items/1"):
        from flask import g

        g.user = people["social"]
        html = render_template_string('{% include "dispatch/_publications.html" %}', publications=[pub])
        assert f"/publications/{pub.id}/record" in html and 'name="remote"' in html
        assert f"/publications/{pub.id}/post_anyway" in html and 'name="confirm"' in html
    login(client, people["social"])
    back = f"/items/{pub.item_id}#publications"
    resp = client.post(f"/publications/{pub.id}/post_anyway", data={"next": back})
    assert resp.status_code == 302 and publications()[0].status == "needs_attention"  # not confirmed
    resp = client.post(f"/publications/{pub.id}/record", data={"next": back, "remote": "https://fb.com/p/1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(back)
    row = publications()[0]
    assert row.status == "published" and row.remote_url == "https://fb.com/p/1"


def test_record_and_post_anyway_are_in_the_openapi_document(app, client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for action in ("record", "post_anyway"):
        operation = paths[f"/api/v1/publications/{{pub_id}}/{action}"]["post"]
        assert operation["requestBody"]


def test_api_list_pages_with_limit_and_offset(app, client, people, svc, api_headers):
    items = [approve_item(people["creator"], ("stub", {"accounts": ["a", "b", "c"]})) for _ in range(2)]
    headers = api_headers(people["social"])
    ids = [p.id for p in publications()]
    first = client.get("/api/v1/publications?limit=4", headers=headers).get_json()
    assert [p["id"] for p in first["publications"]] == ids[:4]
    assert (first["total"], first["limit"], first["offset"], first["next_offset"]) == (6, 4, 0, 4)
    rest = client.get("/api/v1/publications?limit=4&offset=4", headers=headers).get_json()
    assert [p["id"] for p in rest["publications"]] == ids[4:] and rest["next_offset"] is None
    one_item = client.get(f"/api/v1/publications?item_id={items[1].id}&status=pending&channel=stub", headers=headers)
    assert one_item.get_json()["total"] == 3
    for bad in ("limit=0", "limit=201", "offset=-1", "status=lost", "item_id=abc", "item_id=2147483648"):
        resp = client.get(f"/api/v1/publications?{bad}", headers=headers)
        assert resp.status_code == 400 and resp.get_json()["code"] == "bad_parameter", bad


def test_api_list_runs_the_same_statements_for_3_or_9_rows(app, client, people, svc, api_headers):
    """One COUNT and one SELECT, whatever the number of rows (no query per publication)."""
    from tests.query_counter import count_statements

    headers = api_headers(people["social"])
    client.get("/api/v1/publications", headers=headers)  # the token and the user are cached alike after this

    def statements() -> int:
        with count_statements() as seen:
            resp = client.get("/api/v1/publications", headers=headers)
        assert resp.status_code == 200
        return len(seen), resp.get_json()["total"]

    approve_item(people["creator"], ("stub", {"accounts": ["a", "b", "c"]}))
    few, total = statements()
    assert total == 3
    for _ in range(2):
        approve_item(people["creator"], ("stub", {"accounts": ["a", "b", "c"]}))
    many, total = statements()
    assert total == 9 and many == few, (few, many)
