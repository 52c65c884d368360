"""``/api/v1/users``: user administration over the API, with the /admin/users pages' permission
(``user.manage``), the service's rules and audit entries, paging, and nothing secret answered."""

from __future__ import annotations

import pytest

from hub.auth.models import ApiToken
from hub.extensions import db
from hub.models import AuditEntry, User
from tests.query_counter import count_statements


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def admin(make_user):
    return make_user("sysadmin", roles=["system_admin"])


@pytest.fixture
def headers(admin, api_headers):
    return api_headers(admin)


def test_without_a_token_401_and_a_content_creator_403(client, make_user, api_headers):
    resp = client.get("/api/v1/users")
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="hub"'
    bad = client.get("/api/v1/users", headers={"Authorization": "Bearer hubt_nope"})
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
    creator = make_user("dina", roles=["pembuat_konten"])
    creator_headers = api_headers(creator)
    for method, url in (
        ("get", "/api/v1/users"),
        ("get", f"/api/v1/users/{creator.id}"),
        ("post", "/api/v1/users"),
        ("patch", f"/api/v1/users/{creator.id}"),
        ("post", f"/api/v1/users/{creator.id}/deactivate"),
        ("post", f"/api/v1/users/{creator.id}/reset-password"),
        ("get", f"/api/v1/users/{creator.id}/tokens"),
    ):
        resp = getattr(client, method)(url, headers=creator_headers, json={})
        assert resp.status_code == 403 and resp.json["code"] == "forbidden", (method, url)


def test_list_filters_pages_and_answers_no_secret(client, admin, headers, make_user, make_org):
    dispar = make_org("Dinas Pariwisata", kind="requester")
    for i in range(5):
        make_user(f"pemohon{i}", roles=["pemohon"], org=dispar, full_name=f"Pemohon {i}")
    off = make_user("vera", roles=["verifikator"])
    off.is_active = False
    db.session.commit()
    resp = client.get("/api/v1/users?limit=4", headers=headers)
    assert resp.status_code == 200
    page = resp.json
    assert page["total"] == 7 and page["next_offset"] == 4 and len(page["users"]) == 4
    assert [u["username"] for u in page["users"]] == ["pemohon0", "pemohon1", "pemohon2", "pemohon3"]
    last = client.get("/api/v1/users?limit=4&offset=4", headers=headers).json
    assert [u["username"] for u in last["users"]] == ["pemohon4", "sysadmin", "vera"] and last["next_offset"] is None
    assert client.get(f"/api/v1/users?organisation_id={dispar.id}", headers=headers).json["total"] == 5
    assert [u["username"] for u in client.get("/api/v1/users?role=verifikator", headers=headers).json["users"]] == [
        "vera"
    ]
    assert client.get("/api/v1/users?active=false", headers=headers).json["total"] == 1
    assert client.get("/api/v1/users?active=true&q=PEMOHON 3", headers=headers).json["total"] == 1
    bad = client.get("/api/v1/users?limit=0", headers=headers)
    assert bad.status_code == 400 and bad.json["code"] == "bad_parameter" and "limit" in bad.json["errors"]["query"]
    text = client.get(f"/api/v1/users/{admin.id}", headers=headers).get_data(as_text=True)
    assert admin.password_hash not in text and admin.test_totp_secret not in text
    assert "password_hash" not in text and "secret" not in text
    one = client.get(f"/api/v1/users/{admin.id}", headers=headers).json
    assert one["organisation"]["id"] == admin.organisation_id and one["two_factor_enrolled"] is True
    assert client.get("/api/v1/users/999999", headers=headers).json["code"] == "not_found"


def test_list_statements_do_not_grow_with_users(client, headers, make_user, make_org):
    counts = {}
    for n in (3, 12):
        org = make_org(f"Kantor {n}", kind="requester")
        while db.session.scalar(db.select(db.func.count(User.id))) < n:
            count = db.session.scalar(db.select(db.func.count(User.id)))
            make_user(f"u{n}_{count}", roles=["pemohon", "pembuat_konten"], org=org)
        client.get("/api/v1/users", headers=headers)
        with count_statements() as seen:
            resp = client.get("/api/v1/users", headers=headers)
        assert len(resp.json["users"]) == n
        counts[n] = len(seen)
    assert counts[3] == counts[12], counts


def test_create_with_the_page_rules_and_audit(client, admin, headers, make_org):
    dispar = make_org("Dinas Pariwisata", kind="requester")
    body = {"username": "rina", "full_name": "Rina Putri", "organisation_id": dispar.id, "roles": ["pemohon"],
            "nip": "19800101 200501 1 001", "language": "en", "position": "Staf"}  # fmt: skip
    resp = client.post("/api/v1/users", json=body, headers=headers)
    assert resp.status_code == 201, resp.json
    created = resp.json
    assert created["roles"] == ["pemohon"] and created["nip"] == "198001012005011001"
    assert created["must_change_password"] is True and created["two_factor_enrolled"] is False
    assert len(created["temporary_password"]) >= 16
    rina = db.session.get(User, created["id"])
    assert rina.organisation_id == dispar.id and rina.language == "en"
    assert _audit("user.created")[0].details == {"username": "rina", "organisation": dispar.id, "roles": ["pemohon"]}
    assert _audit("user.created")[0].actor_id == admin.id
    # the same rules as the page: a taken name, an unknown role, separation of duties, a bad NIP
    taken = client.post("/api/v1/users", json={**body, "username": "RINA"}, headers=headers)
    assert taken.status_code == 422 and taken.json["code"] == "account_rule"
    assert "sudah dipakai" in taken.json["detail"]
    in_english = {**headers, "Accept-Language": "en"}
    english = client.post("/api/v1/users", json={**body, "username": "x", "roles": ["wizard"]}, headers=in_english)
    assert english.status_code == 422 and english.json["detail"] == "Unknown role(s): wizard"
    dual = client.post("/api/v1/users", json={**body, "username": "y", "roles": ["system_admin", "kepala_dinas"]},
                       headers=headers)  # fmt: skip
    assert dual.status_code == 422 and dual.json["code"] == "account_rule"
    nip = client.post("/api/v1/users", json={**body, "username": "z", "nip": "123"}, headers=headers)
    assert nip.status_code == 422 and "NIP" in nip.json["detail"]
    no_org = client.post("/api/v1/users", json={**body, "username": "w", "organisation_id": 999999}, headers=headers)
    assert no_org.status_code == 422
    assert no_org.json["errors"] == {"json": {"organisation_id": ["Pilih kantor pengguna."]}}
    missing = client.post("/api/v1/users", json={"full_name": "Tanpa Nama"}, headers=headers)
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    assert missing.json["code"] == "invalid"
    assert set(missing.json["errors"]["json"]) == {"username", "organisation_id", "roles"}
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_update_activate_and_resets_audited(client, admin, headers, make_user, make_org, api_headers):
    vera = make_user("vera", roles=["verifikator"])
    vera_headers = api_headers(vera)
    dispar = make_org("Dinas Pariwisata", kind="requester")
    url = f"/api/v1/users/{vera.id}"
    resp = client.patch(url, json={"full_name": "Vera S.", "organisation_id": dispar.id, "roles": ["kepala_bidang"]},
                        headers=headers)  # fmt: skip
    assert resp.status_code == 200, resp.json
    assert resp.json["full_name"] == "Vera S." and resp.json["roles"] == ["kepala_bidang"]
    assert resp.json["organisation"] == {"id": dispar.id, "name": "Dinas Pariwisata"}
    assert resp.json["email"] == "vera@example.go.id"  # not sent: kept
    updated = _audit("user.updated")[-1].details
    assert updated["full_name"] == ["Vera", "Vera S."] and updated["organisation"][1] == dispar.id
    assert _audit("user.roles_changed")[-1].details == {"added": ["kepala_bidang"], "removed": ["verifikator"]}
    # your own roles stay yours; the rest of your profile you may change
    own = client.patch(f"/api/v1/users/{admin.id}", json={"roles": ["pemohon"]}, headers=headers)
    assert own.status_code == 422 and own.json["code"] == "account_rule"
    same = client.patch(f"/api/v1/users/{admin.id}", json={"roles": ["system_admin"], "position": "Admin"},
                        headers=headers)  # fmt: skip
    assert same.status_code == 200 and same.json["position"] == "Admin"
    assert client.patch(url, json={"language": "fr"}, headers=headers).status_code == 422
    # deactivate: the person's token stops working at once; not your own account
    off = client.post(f"{url}/deactivate", headers=headers)
    assert off.status_code == 200 and off.json["is_active"] is False
    assert client.get("/api/me", headers=vera_headers).status_code == 401
    assert _audit("user.disabled")
    self_off = client.post(f"/api/v1/users/{admin.id}/deactivate", headers=headers)
    assert self_off.status_code == 422 and self_off.json["code"] == "account_rule"
    on = client.post(f"{url}/activate", headers=headers)
    assert on.status_code == 200 and on.json["is_active"] is True and _audit("user.enabled")
    # a password reset answers the temporary password once and revokes the person's tokens
    reset = client.post(f"{url}/reset-password", headers=headers)
    assert reset.status_code == 200 and reset.json["must_change_password"] is True
    assert reset.json["temporary_password"] and _audit("user.password_reset")
    assert client.get("/api/me", headers=vera_headers).status_code == 401
    two_fa = client.post(f"{url}/reset-2fa", headers=headers)
    assert two_fa.status_code == 200 and two_fa.json["two_factor_enrolled"] is False and _audit("user.2fa_reset")
    assert client.post("/api/v1/users/999999/activate", headers=headers).status_code == 404


def test_an_admin_lists_and_revokes_another_persons_tokens(client, admin, headers, make_user, api_headers):
    vera = make_user("vera", roles=["verifikator"])
    vera_headers = api_headers(vera)
    other = make_user("budi", roles=["pemohon"])
    api_headers(other)
    listed = client.get(f"/api/v1/users/{vera.id}/tokens", headers=headers)
    assert listed.status_code == 200 and listed.json["total"] == 1
    token = listed.json["tokens"][0]
    assert token["active"] is True and "token" not in token and "token_hash" not in token
    budi_token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == other.id))
    # a token of someone else is not found under this person
    assert client.delete(f"/api/v1/users/{vera.id}/tokens/{budi_token.id}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/users/{vera.id}/tokens/{token['id']}", headers=headers).status_code == 204
    assert client.get("/api/me", headers=vera_headers).status_code == 401
    revoked = _audit("auth.token_revoked")[-1]
    assert revoked.actor_id == admin.id and revoked.details == {"name": "test", "owner": vera.id}
