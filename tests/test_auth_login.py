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
