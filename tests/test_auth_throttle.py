"""Login throttling per account and per address; one message for a bad user, password or code;
an attacker cannot keep the real user out."""

from __future__ import annotations

import datetime as dt

import pyotp

from hub.auth import settings
from hub.auth.models import LoginFailure
from hub.auth.throttle import DEVICE_COOKIE
from hub.auth.totp import STEP, current_step
from hub.extensions import db
from hub.models import AuditEntry


def _try(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def _message(resp) -> str:
    text = resp.get_data(as_text=True)
    return text.split('class="error" role="alert">')[1].split("<")[0]


def test_one_message_for_a_wrong_user_password_or_code(app, make_user):
    user = make_user("vera", roles=["verifikator"])
    unknown = _try(app.test_client(), "nobody", "whatever-password")
    wrong = _try(app.test_client(), "vera", "wrong-password-here")
    client = app.test_client()
    _try(client, "vera", user.test_password)
    bad_code = client.post("/login/code", data={"code": "000000"})
    assert unknown.status_code == wrong.status_code == bad_code.status_code == 401
    assert (
        _message(unknown)
        == _message(wrong)
        == _message(bad_code)
        == ("Nama pengguna, kata sandi atau kode tidak benar.")
    )
    failures = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    assert [e.details["step"] for e in failures] == ["password", "password", "totp"]
    assert all(e.ip == "127.0.0.1" and e.user_agent for e in failures)
    # the password typed is never recorded
    assert not any("wrong-password-here" in str(e.details) for e in failures)


def _limit(app, account_max=3, address_max=50):
    settings.put("login_throttle", {"account_max": account_max, "address_max": address_max, "window_minutes": 15})
    db.session.commit()


def test_failures_throttle_the_account_then_the_wait_ends(app, make_user):
    user = make_user("vera", roles=["verifikator"])
    _limit(app)
    for _ in range(3):
        assert _try(app.test_client(), "vera", "not-the-password").status_code == 401
    resp = _try(app.test_client(), "vera", user.test_password)
    assert resp.status_code == 429 and "Terlalu banyak percobaan" in resp.get_data(as_text=True)
    # an unknown user name is throttled the same way (no hint that an account exists)
    for _ in range(3):
        _try(app.test_client(), "ghost", "not-the-password")
    assert _try(app.test_client(), "ghost", "x").status_code == 429
    # the wait ends on its own
    for failure in db.session.scalars(db.select(LoginFailure)):
        failure.created_at -= dt.timedelta(minutes=16)
    db.session.commit()
    assert _try(app.test_client(), "vera", user.test_password).status_code == 302


def test_a_browser_the_user_logged_in_from_before_is_not_locked_out(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    assert client.get_cookie(DEVICE_COOKIE) is not None
    client.post("/logout")
    _limit(app)
    for _ in range(5):
        _try(app.test_client(), "vera", "attacker-guess-123")
    assert _try(app.test_client(), "vera", user.test_password).status_code == 429
    login(client, user)  # the owner's own browser still gets in
    assert client.get("/api/me").json["username"] == "vera"


def test_failures_from_one_address_throttle_it_across_accounts(app, make_user):
    user = make_user("vera", roles=["verifikator"])
    _limit(app, account_max=25, address_max=10)
    for n in range(10):
        _try(app.test_client(), f"user{n}", "spray-password-1")
    assert _try(app.test_client(), "vera", user.test_password).status_code == 429
    other = app.test_client()
    resp = other.post(
        "/login",
        data={"username": "vera", "password": user.test_password},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert resp.status_code == 302


def test_wrong_codes_count_too(app, make_user):
    user = make_user("vera", roles=["verifikator"])
    _limit(app)
    client = app.test_client()
    _try(client, "vera", user.test_password)
    for _ in range(3):
        assert client.post("/login/code", data={"code": "123456"}).status_code == 401
    good = pyotp.TOTP(user.test_totp_secret).at(current_step() * STEP)
    assert client.post("/login/code", data={"code": good}).status_code == 429
    assert client.get("/api/me").status_code == 401


def test_the_account_limit_cannot_allow_more_than_100_failures_an_hour(app, make_user, login):
    import pytest

    # 10 per 15 minutes (the default) is 40 an hour; 100 per hour-long window is the most allowed
    assert settings.put("login_throttle", {"account_max": 100, "window_minutes": 60})["account_max"] == 100
    db.session.commit()
    for too_many in ({"account_max": 30, "window_minutes": 15}, {"account_max": 100, "window_minutes": 59}):
        with pytest.raises(settings.SettingError, match="100"):
            settings.put("login_throttle", too_many)
    admin = make_user("sysadmin", roles=["system_admin"])
    client = app.test_client()
    login(client, admin)
    form = {"profile": "sop", "max_age_days": "90", "warn_days": "14", "min_length": "12",
            "window_minutes": "1", "account_max": "10", "address_max": "100"}  # fmt: skip
    resp = client.post("/admin/password-policy", data=form)
    assert resp.status_code == 422 and "600" in resp.get_data(as_text=True)
    assert settings.get("login_throttle")["window_minutes"] == 60


def test_current_password_checks_on_the_account_pages_are_throttled(app, client, make_user, login):
    """15 wrong current passwords in a row on /account/password and /account/recovery-codes no longer
    all answer 422: the login throttle counts them (a logged-in browser's device cookie does not help)."""
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    _limit(app)
    wrong = {"current_password": "not-the-password", "new_password": "kopi-solok-pagi-hari"}
    wrong["confirm_password"] = wrong["new_password"]
    statuses = [client.post("/account/password", data=wrong).status_code for _ in range(2)]
    statuses.append(client.post("/account/recovery-codes", data={"password": "not-the-password"}).status_code)
    assert statuses == [422, 422, 422]
    # the limit is reached: even the right password waits now, on both pages
    right = dict(wrong, current_password=user.test_password)
    resp = client.post("/account/password", data=right)
    assert resp.status_code == 429 and "Terlalu banyak percobaan" in resp.get_data(as_text=True)
    assert client.post("/account/recovery-codes", data={"password": user.test_password}).status_code == 429
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "auth.password_check_failed")
        )
        == 3
    )
    for failure in db.session.scalars(db.select(LoginFailure)):
        failure.created_at -= dt.timedelta(minutes=16)
    db.session.commit()
    assert client.post("/account/password", data=right).status_code == 302
