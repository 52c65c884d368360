"""The login flow: password, then a TOTP code (accepted once, ±1 step) or a recovery code."""

from __future__ import annotations

import pyotp

from hub.auth.totp import STEP, current_step
from hub.extensions import db
from hub.models import AuditEntry


def _password_step(client, user, password=None):
    return client.post("/login", data={"username": user.username, "password": password or user.test_password})


def _actions():
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_full_login_with_password_and_current_code(client, make_user):
    user = make_user("vera", roles=["verifikator"])
    assert client.get("/api/me").status_code == 401
    resp = _password_step(client, user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/code")
    assert client.get("/api/me").status_code == 401  # a password alone is not a login
    code = pyotp.TOTP(user.test_totp_secret).at(current_step() * STEP)
    resp = client.post("/login/code", data={"code": code})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    me = client.get("/api/me")
    assert me.status_code == 200 and me.json["username"] == "vera" and me.json["auth"] == "session"
    assert "auth.login" in _actions()


def test_the_same_code_is_refused_the_second_time(client, app, make_user):
    user = make_user("vera", roles=["verifikator"])
    code = pyotp.TOTP(user.test_totp_secret).at(current_step() * STEP)
    _password_step(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    other = app.test_client()
    _password_step(other, user)
    resp = other.post("/login/code", data={"code": code})
    assert resp.status_code == 401
    assert "tidak benar" in resp.get_data(as_text=True)
    assert other.get("/api/me").status_code == 401


def test_a_code_two_steps_old_is_refused(client, make_user):
    user = make_user("vera", roles=["verifikator"])
    _password_step(client, user)
    old = pyotp.TOTP(user.test_totp_secret).at((current_step() - 2) * STEP)
    assert client.post("/login/code", data={"code": old}).status_code == 401
    assert client.get("/api/me").status_code == 401


def test_a_recovery_code_works_once(client, app, make_user):
    user = make_user("vera", roles=["verifikator"])
    code = user.test_recovery_codes[0]
    _password_step(client, user)
    assert client.post("/login/recovery", data={"code": code.upper()}).status_code == 302
    assert client.get("/api/me").status_code == 200
    other = app.test_client()
    _password_step(other, user)
    assert other.post("/login/recovery", data={"code": code}).status_code == 401
    assert other.get("/api/me").status_code == 401


def test_login_fixture_logs_in_twice_in_one_step(client, app, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    second, third = app.test_client(), app.test_client()
    login(second, user)
    login(third, user)
    for c in (client, second, third):
        assert c.get("/api/me").json["username"] == "vera"


def test_api_headers_fixture_gives_a_working_token(client, make_user, api_headers):
    user = make_user("vera", roles=["verifikator"])
    me = client.get("/api/me", headers=api_headers(user))
    assert me.status_code == 200 and me.json["auth"] == "token" and "item.decide" in me.json["permissions"]


def test_next_refuses_tabs_control_characters_and_schemes(client, make_user):
    """`/login?next=/%09/evil.example/` must not end in `Location: //evil.example/`; a newline must not 500."""
    from hub.auth.views import safe_next

    for bad in (
        "/\t/evil.example/",
        "/\x00/evil.example/",
        "/\n/evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "/ /evil.example/",
        "/%09/evil.example/",
        "/%5cevil.example/",
    ):
        assert safe_next(bad) == "/", bad
    assert safe_next("/items/3?tab=history") == "/items/3?tab=history"
    user = make_user("vera", roles=["verifikator"])
    for query in ("/%09/evil.example/", "/%0a/evil.example/", "/%0d%0aSet-Cookie:x=1"):
        resp = client.post(f"/login?next={query}", data={"username": user.username, "password": user.test_password})
        assert resp.status_code == 302
        code = pyotp.TOTP(user.test_totp_secret).at(current_step() * STEP)
        resp = client.post("/login/code", data={"code": code})
        assert resp.status_code == 302, query
        assert resp.headers["Location"] == "/", (query, resp.headers["Location"])
        client.post("/logout")
        db.session.execute(db.text("UPDATE auth_two_factor SET last_step = 0"))
        db.session.commit()
