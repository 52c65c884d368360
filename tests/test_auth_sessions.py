"""Server-side sessions: logout and disabling end them; timeouts; cookie flags; CSRF; headers."""

from __future__ import annotations

import datetime as dt

import pytest
from auth_support import ProbePlugin, session_cookie

from hub.auth.models import AuthSession
from hub.extensions import db
from hub.models import AuditEntry
from hub.models.base import utcnow


@pytest.fixture
def probe_app(make_app):
    app = make_app(EXTRA_PLUGINS=[ProbePlugin()])
    with app.app_context():
        yield app


def _sessions(user):
    return db.session.scalars(db.select(AuthSession).where(AuthSession.user_id == user.id)).all()


def test_after_logout_the_old_session_cookie_no_longer_works(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    old = session_cookie(client)
    assert client.get("/api/me").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/api/me").status_code == 401
    replay = app.test_client()
    replay.set_cookie("hub_session", old)
    assert replay.get("/api/me").status_code == 401
    resp = replay.get("/account")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert [s.end_reason for s in _sessions(user)] == ["logout"]


def test_each_login_gets_a_new_session_id(app, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    assert session_cookie(first) != session_cookie(second)
    hashes = {s.key_hash for s in _sessions(user)}
    assert len(hashes) == 2
    # the pre-login cookie (with the pending password step) is replaced at login
    third = app.test_client()
    third.post("/login", data={"username": user.username, "password": user.test_password})
    pending = session_cookie(third)
    login(third, user)
    assert session_cookie(third) != pending


def test_disabling_a_user_stops_their_session_and_tokens_on_the_next_request(probe_app, make_user, login, api_headers):
    admin = make_user("sysadmin", roles=["system_admin"])
    user = make_user("budi", roles=["pemohon"])
    client, admin_client = probe_app.test_client(), probe_app.test_client()
    login(client, user)
    headers = api_headers(user)
    assert client.get("/api/probe").status_code == 200
    assert probe_app.test_client().get("/api/probe", headers=headers).status_code == 200
    login(admin_client, admin)
    resp = admin_client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert resp.status_code == 302
    assert client.get("/api/probe").status_code == 401
    assert probe_app.test_client().get("/api/probe", headers=headers).status_code == 401
    assert [s.end_reason for s in _sessions(user)] == ["disabled"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.disabled"))
    assert entry.actor_name == "sysadmin" and entry.target_id == str(user.id)


def test_idle_and_absolute_timeouts_end_the_session(app, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    idle, old = app.test_client(), app.test_client()
    login(idle, user)
    login(old, user)
    rows = sorted(_sessions(user), key=lambda s: s.id)
    rows[0].last_seen_at = utcnow() - dt.timedelta(minutes=31)
    rows[1].expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert idle.get("/api/me").status_code == 401
    assert old.get("/api/me").status_code == 401
    assert sorted(s.end_reason for s in _sessions(user)) == ["expired", "idle"]


def test_timeouts_are_configurable(make_app, make_user, login):
    app = make_app(SESSION_IDLE_MINUTES=5, SESSION_ABSOLUTE_HOURS=1)
    with app.app_context():
        user = make_user("vera", roles=["verifikator"])
        client = app.test_client()
        login(client, user)
        row = _sessions(user)[0]
        assert dt.timedelta(minutes=59) < row.expires_at - row.created_at <= dt.timedelta(hours=1)
        row.last_seen_at = utcnow() - dt.timedelta(minutes=6)
        db.session.commit()
        assert client.get("/api/me").status_code == 401


def test_a_password_change_ends_the_other_sessions(app, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    before = session_cookie(here)
    resp = here.post(
        "/account/password",
        data={
            "current_password": user.test_password,
            "new_password": "rendang-kapau-di-pasar-atas",
            "confirm_password": "rendang-kapau-di-pasar-atas",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert elsewhere.get("/api/me").status_code == 401
    assert here.get("/api/me").status_code == 200
    assert session_cookie(here) != before


def _set_cookie_header(resp) -> str:
    return next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("hub_session="))


def test_session_cookie_flags_http_and_https(app, make_user):
    user = make_user("vera", roles=["verifikator"])
    data = {"username": user.username, "password": user.test_password}
    plain = app.test_client().post("/login", data=data)
    header = _set_cookie_header(plain)
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    secure = app.test_client().post("/login", data=data, base_url="https://hub.example.go.id")
    assert "Secure" in _set_cookie_header(secure)


def test_behind_a_proxy_the_forwarded_scheme_makes_the_cookie_secure(make_app, make_user):
    app = make_app(PROXY_COUNT=1)
    with app.app_context():
        user = make_user("vera", roles=["verifikator"])
        resp = app.test_client().post(
            "/login",
            data={"username": user.username, "password": user.test_password},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
        )
        assert "Secure" in _set_cookie_header(resp)
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/no-such-page"):
        resp = client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors" in csp
        assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in resp.headers
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://hub.example.go.id").headers


def test_csrf_is_required_for_browser_posts_but_not_for_bearer_tokens(make_app, make_user, login, api_headers):
    app = make_app(WTF_CSRF_ENABLED=True, EXTRA_PLUGINS=[ProbePlugin()])
    with app.app_context():
        user = make_user("vera", roles=["verifikator"])
        client = app.test_client()
        resp = client.post("/login", data={"username": user.username, "password": user.test_password})
        assert resp.status_code == 400  # no CSRF token
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        resp = client.post(
            "/login", data={"username": user.username, "password": user.test_password, "csrf_token": token}
        )
        assert resp.status_code == 302
        assert app.test_client().post("/api/probe", headers=api_headers(user)).json == {"user": "vera", "auth": "token"}


def test_a_token_is_ignored_outside_the_api(probe_app, make_user, api_headers):
    user = make_user("vera", roles=["verifikator"])
    client = probe_app.test_client()
    resp = client.get("/account", headers=api_headers(user))
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_login_redirects_to_next_only_on_this_site(app, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    assert login(app.test_client(), user, next="/account").headers["Location"] == "/account"
    assert login(app.test_client(), user, next="//evil.example/x").headers["Location"] == "/"
    assert login(app.test_client(), user, next="https://evil.example/").headers["Location"] == "/"
