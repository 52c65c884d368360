"""``/api/v1/tokens``: your API tokens over the API. Making one needs the password AND a current
two-factor code, so whoever holds a token (even with the password) but not the authenticator
cannot mint more; failures count against the login throttle."""

from __future__ import annotations

import pyotp
import pytest

from hub.auth import settings
from hub.auth.models import ApiToken, LoginFailure
from hub.extensions import db
from hub.models import AuditEntry
from tests.conftest import current_totp_code
from tests.query_counter import count_statements


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _tokens() -> int:
    return db.session.scalar(db.select(db.func.count(ApiToken.id)))


@pytest.fixture
def budi(make_user):
    return make_user("budi", roles=["pemohon"])


def test_make_one_with_password_and_code_the_secret_once(client, budi, api_headers):
    headers = api_headers(budi)
    resp = client.post(
        "/api/v1/tokens",
        json={"name": "skrip laporan", "days": 30, "password": budi.test_password, "code": current_totp_code(budi)},
        headers=headers,
    )
    assert resp.status_code == 201, resp.json
    made = resp.json
    assert made["token"].startswith("hubt_") and made["prefix"] == made["token"][:12] and made["active"] is True
    assert "password" not in made and "code" not in made
    assert client.get("/api/me", headers={"Authorization": f"Bearer {made['token']}"}).json["username"] == "budi"
    listed = client.get("/api/v1/tokens", headers=headers)
    assert listed.status_code == 200 and listed.json["total"] == 2
    assert made["token"] not in listed.get_data(as_text=True)
    assert [t["name"] for t in listed.json["tokens"]] == ["skrip laporan", "test"]
    entry = _audit("auth.token_created")[-1]
    assert entry.actor_id == budi.id and entry.details["name"] == "skrip laporan"
    assert made["token"] not in str(entry.details) and budi.test_password not in str(entry.details)


def test_a_token_and_the_password_without_the_authenticator_mint_nothing(client, budi, api_headers):
    """The attacker case: a stolen bearer token and even the password, but not the TOTP secret."""
    stolen = api_headers(budi)
    guesses = ["000000", "123456", pyotp.TOTP(pyotp.random_base32(32)).now(), "", "abcdef"]
    for guess in guesses:
        resp = client.post(
            "/api/v1/tokens", json={"name": "pintu", "password": budi.test_password, "code": guess}, headers=stolen
        )
        assert resp.status_code in (403, 422), resp.json
    refused = client.post(
        "/api/v1/tokens", json={"name": "pintu", "password": budi.test_password, "code": "000000"}, headers=stolen
    )
    assert refused.status_code == 403 and refused.json["code"] == "reauth_failed"
    assert refused.mimetype == "application/problem+json"
    assert _tokens() == 1  # only the stolen one
    failures = _audit("auth.reauth_failed")
    assert failures and {e.details["factor"] for e in failures} == {"code"}
    assert db.session.scalar(db.select(db.func.count(LoginFailure.id)).where(LoginFailure.scope == "account")) >= 5
    # a right code with a wrong password does not do either, and it does not say which was wrong
    wrong_password = client.post(
        "/api/v1/tokens", json={"name": "pintu", "password": "tebakan-salah", "code": "000000"}, headers=stolen
    )
    assert wrong_password.json["code"] == "reauth_failed" and wrong_password.json["detail"] == refused.json["detail"]
    assert _audit("auth.reauth_failed")[-1].details["factor"] == "password"


def test_a_code_is_accepted_once(client, budi, api_headers):
    headers = api_headers(budi)
    code = current_totp_code(budi)
    body = {"name": "satu", "password": budi.test_password, "code": code}
    assert client.post("/api/v1/tokens", json=body, headers=headers).status_code == 201
    replay = client.post("/api/v1/tokens", json={**body, "name": "dua"}, headers=headers)
    assert replay.status_code == 403 and replay.json["code"] == "reauth_failed"
    assert _tokens() == 2


def test_failures_throttle_like_the_login(client, budi, api_headers):
    settings.put("login_throttle", {"account_max": 3, "address_max": 50, "window_minutes": 15})
    db.session.commit()
    headers = api_headers(budi)
    for _ in range(3):
        body = {"name": "x", "password": "salah-salah-salah", "code": "000000"}
        assert client.post("/api/v1/tokens", json=body, headers=headers).status_code == 403
    # now even the right password and code wait
    right = {"name": "x", "password": budi.test_password, "code": current_totp_code(budi)}
    held = client.post("/api/v1/tokens", json=right, headers=headers)
    assert held.status_code == 429 and held.json["code"] == "too_many_attempts" and held.json["retry_after"] > 0
    assert int(held.headers["Retry-After"]) == held.json["retry_after"]
    assert _tokens() == 1 and _audit("auth.login_throttled")


def test_invalid_input_is_422_with_errors(client, budi, api_headers):
    headers = api_headers(budi)
    missing = client.post("/api/v1/tokens", json={"name": ""}, headers=headers)
    assert missing.status_code == 422 and missing.json["code"] == "invalid"
    assert set(missing.json["errors"]["json"]) == {"name", "password", "code"}
    too_long = client.post(
        "/api/v1/tokens",
        json={"name": "x", "days": 400, "password": budi.test_password, "code": current_totp_code(budi)},
        headers={**headers, "Accept-Language": "en"},
    )
    assert too_long.status_code == 422 and too_long.json["errors"] == {
        "json": {"days": ["Choose between 1 and 365 days."]}
    }
    assert not _audit("auth.reauth_failed")  # a refused request is not a failed attempt


def test_revoke_your_own_only(client, budi, make_user, api_headers):
    headers = api_headers(budi)
    other = make_user("sari", roles=["pemohon"])
    other_headers = api_headers(other)
    mine = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == budi.id))
    assert client.delete(f"/api/v1/tokens/{mine.id}", headers=other_headers).status_code == 404
    assert client.delete(f"/api/v1/tokens/{mine.id}", headers=headers).status_code == 204
    assert client.get("/api/v1/tokens", headers=headers).status_code == 401  # it was the one in use
    revoked = client.get("/api/v1/tokens", headers=other_headers).json
    assert revoked["total"] == 1  # sari sees hers only
    assert _audit("auth.token_revoked")[-1].details == {"name": "test"}
    assert client.get("/api/v1/tokens").status_code == 401


def test_the_list_statements_do_not_grow_with_tokens(client, budi, api_headers):
    headers = api_headers(budi)
    counts = {}
    for n in (3, 10):
        while _tokens() < n:
            api_headers(budi)
        client.get("/api/v1/tokens", headers=headers)
        with count_statements() as seen:
            resp = client.get("/api/v1/tokens", headers=headers)
        assert resp.json["total"] == n
        counts[n] = len(seen)
    assert counts[3] == counts[10], counts


def test_a_session_may_make_one_too(app, budi, login):
    client = app.test_client()
    login(client, budi)  # (the test configuration leaves the CSRF check off)
    body = {"name": "dari sesi", "password": budi.test_password, "code": current_totp_code(budi)}
    resp = client.post("/api/v1/tokens", json=body)
    assert resp.status_code == 201, resp.json
    assert client.get("/api/v1/tokens").json["tokens"][0]["name"] == "dari sesi"


def test_a_session_that_must_change_its_password_gets_a_problem(app, budi, login):
    client = app.test_client()
    login(client, budi)
    budi.must_change_password = True
    db.session.commit()
    resp = client.get("/api/v1/tokens")
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"
    assert resp.json["code"] == "password_change_required"
