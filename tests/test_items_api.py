"""The JSON API of items, decisions, the inbox and workflows, with the pages' permission checks,
and the OpenAPI document that lists every ``/api/`` route."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import Item
from tests import workflow_support
from tests.workflow_support import CheckedPlugin, assign, new_item

VIDEOTRON_CHECKLIST = ["no_sara", "no_pornography", "no_violence", "no_politics", "no_brand_promotion", "scale"]

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


def test_openapi_lists_every_api_route_with_its_methods(client):
    from flask import current_app

    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200
    spec = resp.get_json()
    assert spec["openapi"].startswith("3.") and spec["paths"]
    rules = [r for r in current_app.url_map.iter_rules() if r.rule.startswith("/api/")]
    assert len(rules) > 15
    for rule in rules:
        # werkzeug's own parse of the rule: static parts and variable names, in order
        path = "".join("{" + part + "}" if dynamic else part for dynamic, part in rule._trace).lstrip("|")
        assert path in spec["paths"], f"{rule.rule} missing from the OpenAPI document"
        documented = set(spec["paths"][path])
        assert {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}} <= documented, rule.rule
    decide = spec["paths"]["/api/v1/items/{item_id}/decisions"]["post"]
    ref = decide["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body_schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body_schema["required"] == ["decision"]
    assert body_schema["properties"]["decision"]["enum"] == ["approve", "return", "reject"]
    # the path parameter, from the rule's converter (on the path or on each operation)
    decisions_path = spec["paths"]["/api/v1/items/{item_id}/decisions"]
    path_params = [p for p in decide.get("parameters", []) + decisions_path.get("parameters", []) if p["in"] == "path"]
    assert path_params[0] == {
        "name": "item_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    }
    assert {"201", "409", "422"} <= set(decide["responses"])
    assert decide["responses"]["409"]["content"]["application/problem+json"]
    # the YAML export answers YAML text; the import takes JSON or YAML
    export = spec["paths"]["/api/v1/workflows/{code}/yaml"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/yaml"}
    imported = spec["paths"]["/api/v1/workflows"]["post"]
    assert {"application/json", "application/yaml"} <= set(imported["requestBody"]["content"])
    assert {"200", "201"} <= set(imported["responses"])
    listed = spec["paths"]["/api/v1/items"]["get"]
    assert {"status", "mine", "limit", "offset", "before", "after"} <= {p["name"] for p in listed["parameters"]}


def test_items_crud_over_the_api_with_object_level_permissions(client, people, api_headers, make_user):
    pemohon = api_headers(people.pemohon)
    resp = client.post(
        "/api/v1/items",
        json={
            "title": "Pekan Budaya",
            "kind": "video",
            "event_date": "2026-12-12",
            "publish_at": "2026-12-05T08:00",
            "channels": [{"channel": "checked", "text": "Pekan Budaya Sumbar"}],
        },
        headers=pemohon,
    )
    assert resp.status_code == 201, resp.get_json()
    item = resp.get_json()
    assert item["status"] == "draft" and item["organisation_id"] == people.requester.id
    assert item["publish_at"] == "2026-12-05T01:00:00+00:00"  # 08:00 WIB
    assert item["channels"] == [{"channel": "checked", "title": "", "text": "Pekan Budaya Sumbar", "options": {}}]
    url = f"/api/v1/items/{item['id']}"
    assert client.patch(url, json={"title": "Pekan Budaya 2026"}, headers=pemohon).get_json()["title"] == (
        "Pekan Budaya 2026"
    )
    bad = client.patch(url, json={"priority": 9}, headers=pemohon)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert bad.get_json()["code"] == "invalid" and "priority" in bad.get_json()["errors"]["json"]
    high = client.patch(url, json={"priority": "high"}, headers=pemohon)
    assert high.status_code == 422 and "priority" in high.get_json()["errors"]["json"]
    # a rule of the hub keeps its own words and names the field
    unknown = client.patch(url, json={"kind": "hologram"}, headers={**pemohon, "Accept-Language": "en"})
    assert unknown.status_code == 422 and unknown.get_json()["field"] == "kind"
    assert unknown.get_json()["detail"] == "Unknown item kind 'hologram'."
    unknown_id = client.patch(url, json={"kind": "hologram"}, headers={**pemohon, "Accept-Language": "id"})
    assert unknown_id.get_json()["detail"] == "Jenis konten 'hologram' tidak dikenal."
    # an item read back from GET can be sent back as it is
    read_back = client.get(url, headers=pemohon).get_json()
    assert client.patch(url, json=read_back, headers=pemohon).status_code == 200

    other_office = make_user("lain", roles=["pemohon"], org=people.operator)
    other = api_headers(other_office)
    assert client.get(url, headers=other).status_code == 404  # another office's item does not exist for them
    assert all(i["id"] != item["id"] for i in client.get("/api/v1/items", headers=other).get_json()["items"])
    assert client.patch(url, json={"title": "x"}, headers=other).status_code == 404
    verifier = api_headers(people.verifikator)
    assert client.get(url, headers=verifier).status_code == 200  # sees every office's items
    assert client.patch(url, json={"title": "x"}, headers=verifier).status_code == 403  # but edits none
    assert client.get(url).status_code == 401
    assert client.delete(url, headers=pemohon).status_code == 204
    assert db.session.get(Item, item["id"]) is None


def test_submit_refused_with_field_and_rule_when_a_channel_check_fails(client, people, api_headers, flow):
    headers = api_headers(people.pemohon)
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "x" * 60}])
    resp = client.post(f"/api/v1/items/{item.id}/submit", headers=headers)
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["code"] == "checks_failed"
    assert body["problems"] == [
        {
            "channel": "checked",
            "field": "variant_text",
            "rule": "checked.text_length",
            "severity": "error",
            "message": {
                "id": "Teks maksimal 40 karakter; persingkat.",
                "en": "The text is at most 40 characters; shorten it.",
            },
        }
    ]
    assert body["lang"] == "id" and body["detail"].startswith("Konten belum memenuhi")
    client.patch(
        f"/api/v1/items/{item.id}", json={"channels": [{"channel": "checked", "text": "Pendek."}]}, headers=headers
    )
    resp = client.post(f"/api/v1/items/{item.id}/submit", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["status"] == "in_review"
    assert resp.get_json()["workflow"]["current_step"]["key"] == "receive"


def test_decisions_inbox_and_timeline_over_the_api(client, people, api_headers, flow):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}], event_place="Padang")
    client.post(f"/api/v1/items/{item.id}/submit", headers=api_headers(people.pemohon))
    vera = api_headers(people.verifikator)
    inbox = client.get("/api/v1/inbox", headers=vera).get_json()["entries"]
    (entry,) = [e for e in inbox if e["item_id"] == item.id]
    assert entry["step"] == "receive" and entry["due_at"] and entry["overdue"] is False
    assert not [
        e
        for e in client.get("/api/v1/inbox", headers=api_headers(people.kepala_dinas)).get_json()["entries"]
        if e["item_id"] == item.id
    ]

    url = f"/api/v1/items/{item.id}/decisions"
    # the head of agency cannot take the verifier's step (no skipping)
    early = client.post(url, json={"decision": "approve"}, headers=api_headers(people.kepala_dinas))
    assert early.status_code == 403 and "Verifikator" in early.get_json()["detail"]
    # the creator cannot decide on their own item
    own = client.post(url, json={"decision": "approve"}, headers=api_headers(people.pemohon))
    assert own.status_code == 403
    no_comment = client.post(url, json={"decision": "return"}, headers=vera)
    assert no_comment.status_code == 422 and no_comment.get_json()["field"] == "comment"
    step_id = entry["step_id"]
    ok = client.post(url, json={"decision": "approve", "step_id": step_id}, headers=vera)
    assert ok.status_code == 201 and ok.get_json()["step"] == "receive"
    again = client.post(url, json={"decision": "approve", "step_id": step_id}, headers=vera)
    assert again.status_code == 409 and again.get_json()["code"] == "conflict"
    missing = client.post(url, json={"decision": "approve"}, headers=vera)
    assert missing.status_code == 422 and "scale" in missing.get_json()["missing"]
    assert (
        client.post(url, json={"decision": "approve", "checklist": VIDEOTRON_CHECKLIST}, headers=vera).status_code
        == 201
    )

    timeline = client.get(f"/api/v1/items/{item.id}/timeline", headers=vera).get_json()
    steps = [e for e in timeline["timeline"] if e["event"] == "step"]
    assert [(e["step"], e["decision"]) for e in steps] == [
        ("request", None),
        ("receive", "approve"),
        ("verify_1", "approve"),
        ("verify_2", None),
    ]
    assert steps[1]["decided_by"]["name"] == "Vera Verifikator" and steps[1]["due_at"] and steps[1]["late"] is False
    assert steps[3]["role_name"] == {"id": "Sub Koordinator", "en": "Sub-coordinator"}
    decisions = client.get(url, headers=vera).get_json()["decisions"]
    assert [d["step"] for d in decisions] == ["receive", "verify_1"]
    # a revision is for an approved item whose workflow has finished (tested end to end in the engine tests)
    early_revision = client.post(f"/api/v1/items/{item.id}/revise", headers=api_headers(people.pemohon))
    assert early_revision.status_code == 409 and "disetujui" in early_revision.get_json()["detail"]
    assert client.get(f"/api/v1/items/{item.id}/timeline", headers=api_headers(people.creator)).status_code == 404


def test_workflows_api_list_export_import_and_edit_for_administrators(client, people, api_headers):
    admin, clerk = api_headers(people.sysadmin), api_headers(people.creator)
    listed = client.get("/api/v1/workflows", headers=clerk).get_json()["workflows"]
    assert {"videotron_request", "ppid_dip"} <= {w["code"] for w in listed}
    yaml_text = client.get("/api/v1/workflows/vidcon_booking/yaml", headers=clerk)
    assert yaml_text.status_code == 200 and yaml_text.mimetype == "application/yaml"
    text = yaml_text.get_data(as_text=True).replace("code: vidcon_booking", "code: radio_booking")
    refused = client.post("/api/v1/workflows", data=text, content_type="application/yaml", headers=clerk)
    assert refused.status_code == 403
    created = client.post("/api/v1/workflows?note=impor", data=text, content_type="application/yaml", headers=admin)
    assert created.status_code == 201 and created.get_json()["version_created"] is True
    definition = client.get("/api/v1/workflows/radio_booking", headers=admin).get_json()["definition"]
    definition["steps"][1]["limit"] = "20m"
    edited = client.put(
        "/api/v1/workflows/radio_booking", json={"definition": definition, "note": "lebih cepat"}, headers=admin
    )
    assert edited.status_code == 201 and edited.get_json()["latest_version"] == 2
    same = client.put("/api/v1/workflows/radio_booking", json={"definition": definition}, headers=admin)
    assert same.status_code == 200 and same.get_json()["version_created"] is False
    definition["steps"][1]["role"] = "lurah"
    invalid = client.put("/api/v1/workflows/radio_booking", json={"definition": definition}, headers=admin)
    assert invalid.status_code == 422 and any("steps[1].role" in p for p in invalid.get_json()["problems"])
    wrong_code = client.put(
        "/api/v1/workflows/ppid_dip", json={"definition": {**definition, "code": "x"}}, headers=admin
    )
    assert wrong_code.status_code == 422
    assigned = client.post(
        "/api/v1/workflows/radio_booking/assignments",
        json={"kinds": ["post"], "channels": ["checked"], "organisation_id": people.operator.id},
        headers=admin,
    )
    assert assigned.status_code == 201
    detail = client.get("/api/v1/workflows/radio_booking", headers=admin).get_json()
    assert [v["number"] for v in detail["versions"]] == [1, 2] and detail["assignments"][0]["kinds"] == ["post"]


def test_notifications_api_tells_the_next_step_and_marks_read(client, people, api_headers, flow):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    client.post(f"/api/v1/items/{item.id}/submit", headers=api_headers(people.pemohon))
    vera = api_headers(people.verifikator)
    body = client.get("/api/v1/notifications", headers=vera).get_json()
    assert body["unread"] == 1
    (note,) = body["notifications"]
    assert note["kind"] == "step_waiting" and note["item_id"] == item.id and note["url"] == f"/items/{item.id}"
    assert "Menerima surat permintaan" in note["body"]["id"]
    assert client.get("/api/v1/notifications", headers=api_headers(people.kepala_dinas)).get_json()["unread"] == 0
    assert client.post(f"/api/v1/notifications/{note['id']}/read", headers=vera).get_json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=1", headers=vera).get_json()["notifications"] == []


def test_item_list_pages_by_keyset_cursors(client, people, api_headers, login):
    from tests.web_support import make_item

    ids = [make_item(people.creator, f"Halaman {i}", channels=("checked",)).id for i in range(5)]
    newest_first = ids[::-1]
    headers = api_headers(people.sysadmin)

    def page(**params):
        body = client.get("/api/v1/items", query_string={"limit": 2, **params}, headers=headers).get_json()
        return [i["id"] for i in body["items"]], body["next_before"], body["prev_after"]

    assert page() == (newest_first[:2], newest_first[1], None)
    assert page(before=newest_first[1]) == (newest_first[2:4], newest_first[3], newest_first[2])
    assert page(before=newest_first[3]) == (newest_first[4:], None, newest_first[4])
    assert page(after=newest_first[4]) == (newest_first[2:4], newest_first[3], newest_first[2])
    assert page(after=newest_first[2]) == (newest_first[:2], newest_first[1], None)
    assert page(offset=2)[0] == newest_first[2:4]  # still accepted
    done = page(status="draft")
    assert done == ([], None, None)

    login(client, people.sysadmin)
    from hub.items import views

    views.PAGE_SIZE, old = 2, views.PAGE_SIZE
    try:
        html = client.get(f"/items?before={newest_first[1]}").get_data(as_text=True)
    finally:
        views.PAGE_SIZE = old
    assert "Halaman 2" in html and "Halaman 1" in html and "Halaman 4" not in html and "Halaman 0" not in html
    assert f"before={newest_first[3]}" in html and f"after={newest_first[2]}" in html
