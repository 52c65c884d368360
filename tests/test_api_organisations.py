"""``/api/v1/organisations``: the offices over the API, with the organisations pages' permission
(``user.manage``), checks (:mod:`hub.admin.service`) and audit entries."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import AuditEntry, Organisation
from tests.query_counter import count_statements


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def admin(make_user):
    return make_user("sysadmin", roles=["system_admin"])


@pytest.fixture
def headers(admin, api_headers):
    return api_headers(admin)


def test_permission_401_and_403(client, make_user, api_headers):
    resp = client.get("/api/v1/organisations")
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    creator = api_headers(make_user("dina", roles=["pembuat_konten"]))
    assert client.get("/api/v1/organisations", headers=creator).status_code == 403
    assert (
        client.post("/api/v1/organisations", json={"name": "X", "kind": "requester"}, headers=creator).json["code"]
        == "forbidden"
    )
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


def test_create_list_get_update_audited(client, admin, headers, make_user):
    resp = client.post(
        "/api/v1/organisations",
        json={"name": " Dinas Perhubungan Kalbar ", "short_name": "Dishub", "kind": "requester",
              "timezone": "Asia/Pontianak", "role_titles": {"pemohon": "  Operator   Humas ", "kepala_dinas": ""},
              "address": "Jl. Ahmad  Yani 1", "city": "Pontianak"},
        headers=headers,
    )  # fmt: skip
    assert resp.status_code == 201, resp.json
    org = resp.json
    assert org["name"] == "Dinas Perhubungan Kalbar" and org["timezone"] == "Asia/Pontianak"
    assert org["role_titles"] == {"pemohon": "Operator Humas"} and org["address"] == "Jl. Ahmad Yani 1"
    assert org["users"] == 0 and org["has_logo"] is False
    created = _audit("organisation.created")[-1]
    assert created.actor_id == admin.id and created.target_id == str(org["id"])
    make_user("budi", roles=["pemohon"], org=db.session.get(Organisation, org["id"]))
    listed = client.get("/api/v1/organisations", headers=headers).json
    assert listed["total"] == 2 and [o["kind"] for o in listed["organisations"]] == ["operator", "requester"]
    assert listed["organisations"][1]["users"] == 1 and listed["organisations"][0]["users"] == 1
    assert client.get("/api/v1/organisations?kind=requester&q=dishub", headers=headers).json["total"] == 1
    one = client.get(f"/api/v1/organisations/{org['id']}", headers=headers)
    assert one.status_code == 200 and one.json["short_name"] == "Dishub"
    changed = client.patch(f"/api/v1/organisations/{org['id']}", json={"kind": "operator", "timezone": None},
                           headers=headers)  # fmt: skip
    assert changed.status_code == 200 and changed.json["kind"] == "operator" and changed.json["timezone"] is None
    assert changed.json["role_titles"] == {"pemohon": "Operator Humas"}  # not sent: kept
    assert _audit("organisation.updated")[-1].details["kind"] == "operator"
    assert client.get("/api/v1/organisations/999999", headers=headers).json["code"] == "not_found"


def test_the_page_checks_answer_422_with_errors(client, admin, headers):
    taken = client.post("/api/v1/organisations", json={"name": admin.organisation.name, "kind": "requester"},
                        headers=headers)  # fmt: skip
    assert taken.status_code == 422 and taken.mimetype == "application/problem+json"
    assert taken.json["code"] == "invalid" and taken.json["errors"] == {
        "json": {"name": ["Nama ini sudah dipakai kantor lain."]}
    }
    english = client.post(
        "/api/v1/organisations",
        json={
            "name": "Dinas X",
            "kind": "requester",
            "timezone": "Mars/Olympus",
            "role_titles": {"pemohon": "x" * 101},
        },
        headers={**headers, "Accept-Language": "en"},
    )
    assert english.status_code == 422 and english.json["errors"]["json"] == {
        "timezone": ["Unknown time zone; choose one from the list."],
        "role_titles": ["A role title has at most 100 characters."],
    }
    schema = client.post("/api/v1/organisations", json={"kind": "somewhere"}, headers=headers)
    assert schema.status_code == 422 and set(schema.json["errors"]["json"]) == {"name", "kind"}
    blank = client.patch(f"/api/v1/organisations/{admin.organisation_id}", json={"name": "  "}, headers=headers)
    assert blank.status_code == 422 and blank.json["field"] == "name"
    assert not _audit("organisation.created") and not _audit("organisation.updated")


def test_the_page_still_saves_through_the_shared_service(app, admin, login):
    client = app.test_client()
    login(client, admin)
    resp = client.post("/admin/organisations/new", data={"name": "Dinas Baru", "kind": "requester",
                                                         "role_title_pemohon": " Staf  Humas "})  # fmt: skip
    assert resp.status_code == 302
    org = db.session.scalar(db.select(Organisation).filter_by(name="Dinas Baru"))
    assert org.role_titles == {"pemohon": "Staf Humas"} and _audit("organisation.created")
    dup = client.post("/admin/organisations/new", data={"name": "Dinas Baru", "kind": "requester"})
    assert dup.status_code == 422 and "sudah dipakai" in dup.get_data(as_text=True)


def test_list_statements_do_not_grow_with_offices(client, headers, make_org, make_user):
    counts = {}
    for n in (3, 10):
        while db.session.scalar(db.select(db.func.count(Organisation.id))) < n:
            count = db.session.scalar(db.select(db.func.count(Organisation.id)))
            org = make_org(f"Kantor {count}", kind="requester")
            make_user(f"user{count}", roles=["pemohon"], org=org)
        client.get("/api/v1/organisations", headers=headers)
        with count_statements() as seen:
            resp = client.get("/api/v1/organisations", headers=headers)
        assert resp.json["total"] == n
        counts[n] = len(seen)
    assert counts[3] == counts[10], counts
