"""API tokens: made by a logged-in person, shown once, stored hashed, expire, revocable,
carrying that person's permissions only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auth_support import ProbePlugin

from hub.auth.models import ApiToken
from hub.extensions import db
from hub.models import AuditEntry
from hub.models.base import utcnow


@pytest.fixture
def probe_app(make_app):
    app = make_app(EXTRA_PLUGINS=[ProbePlugin()])
    with app.app_context():
        yield app


def _create(client, name="skrip laporan", days="30"):
    resp = client.post("/account/tokens", data={"name": name, "days": days})
    match = re.search(r'<code class="secret">(hubt_[A-Za-z0-9_-]+)</code>', resp.get_data(as_text=True))
    return resp, match.group(1) if match else None


def test_a_token_is_shown_once_stored_hashed_and_works_on_the_api(probe_app, make_user, login):
    user = make_user("budi", roles=["pemohon"])
    client = probe_app.test_client()
    login(client, user)
    resp, value = _create(client)
    assert resp.status_code == 201 and value
    assert value not in client.get("/account").get_data(as_text=True)  # shown once
    row = db.session.scalar(db.select(ApiToken))
    assert row.token_hash != value and value not in row.token_hash and row.prefix == value[:12]
    assert dt.timedelta(days=29) < row.expires_at - utcnow() <= dt.timedelta(days=30)
    api = probe_app.test_client()
    assert api.get("/api/probe", headers={"Authorization": f"Bearer {value}"}).json == {"user": "budi", "auth": "token"}
    # the token carries the person's permissions only
    assert api.get("/api/probe/admin", headers={"Authorization": f"Bearer {value}"}).status_code == 403
    created = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "auth.token_created"))
    assert value not in str(created.details)


def test_a_revoked_or_expired_token_stops_working(probe_app, make_user, login, api_headers):
    user = make_user("budi", roles=["pemohon"])
    client = probe_app.test_client()
    login(client, user)
    _resp, value = _create(client)
    token = db.session.scalar(db.select(ApiToken))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert probe_app.test_client().get("/api/probe", headers={"Authorization": f"Bearer {value}"}).status_code == 401
    headers = api_headers(user)
    db.session.execute(db.update(ApiToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    assert probe_app.test_client().get("/api/probe", headers=headers).status_code == 401


def test_only_the_owner_revokes_and_a_token_cannot_make_tokens(probe_app, make_user, login, api_headers):
    owner = make_user("budi", roles=["pemohon"])
    other = make_user("sari", roles=["pemohon"])
    headers = api_headers(owner)
    token = db.session.scalar(db.select(ApiToken))
    client = probe_app.test_client()
    login(client, other)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    # a bearer token is not honoured outside /api/, so it cannot reach the account pages
    resp = probe_app.test_client().post("/account/tokens", data={"name": "x"}, headers=headers)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 1


def test_token_lifetime_is_bounded(probe_app, make_user, login):
    user = make_user("budi", roles=["pemohon"])
    client = probe_app.test_client()
    login(client, user)
    resp, value = _create(client, days="5000")
    assert resp.status_code == 422 and value is None
    resp, value = _create(client, name="")
    assert resp.status_code == 422 and value is None


def test_a_malformed_authorization_header_is_a_401(probe_app):
    client = probe_app.test_client()
    for header in ("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer hubt_not-a-real-token"):
        assert client.get("/api/probe", headers={"Authorization": header}).status_code == 401


@pytest.mark.parametrize("reset", ["reset_password", "reset_two_factor"])
def test_an_administrators_reset_revokes_the_users_tokens(probe_app, make_user, api_headers, reset):
    from hub.auth import service

    user = make_user("budi", roles=["pemohon"])
    other = make_user("sari", roles=["pemohon"])
    headers, kept = api_headers(user), api_headers(other)
    assert probe_app.test_client().get("/api/probe", headers=headers).status_code == 200
    getattr(service, reset)(user, actor=make_user("admin", roles=["system_admin"]))
    db.session.commit()
    assert probe_app.test_client().get("/api/probe", headers=headers).status_code == 401
    assert probe_app.test_client().get("/api/probe", headers=kept).status_code == 200  # only that user's
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.details["api_access_revoked"] == 1  # a count ("token" keys are redacted)
