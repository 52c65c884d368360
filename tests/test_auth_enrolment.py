"""Two-factor enrolment at first login, recovery codes shown once, an administrator's reset."""

from __future__ import annotations

import re

import pyotp

from hub.auth.models import RecoveryCode, TwoFactor
from hub.auth.totp import STEP, current_step
from hub.extensions import db
from hub.models import AuditEntry


def _actions():
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def _enrol(client, user):
    resp = client.post("/login", data={"username": user.username, "password": user.test_password})
    assert resp.headers["Location"].endswith("/login/enrol")
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page  # the QR code, rendered on the server
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    return secret, page


def test_first_login_enrols_with_a_qr_code_and_gives_ten_recovery_codes(app, client, make_user):
    user = make_user("baru", roles=["pemohon"], enrol_totp=False)
    secret, page = _enrol(client, user)
    assert client.get("/api/me").status_code == 401
    assert client.get("/login/enrol").get_data(as_text=True).count(secret) >= 1  # same secret until confirmed
    assert client.post("/login/enrol", data={"code": "000000"}).status_code == 401
    code = pyotp.TOTP(secret).at(current_step() * STEP)
    resp = client.post("/login/enrol", data={"code": code})
    assert resp.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", resp.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert resp.headers["Cache-Control"] == "no-store"
    assert client.get("/api/me").json["username"] == "baru"
    stored = db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # stored hashed
    tf = db.session.get(TwoFactor, user.id)
    assert secret.encode() not in tf.secret  # stored encrypted
    assert "auth.2fa_enrolled" in _actions() and "auth.login" in _actions()


def test_an_administrator_resets_two_factor_and_the_user_enrols_again(app, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    user = make_user("vera", roles=["verifikator"])
    client, admin_client = app.test_client(), app.test_client()
    login(client, user)
    login(admin_client, admin)
    resp = admin_client.post(f"/admin/users/{user.id}/reset-2fa")
    assert resp.status_code == 302
    assert client.get("/api/me").status_code == 401  # the reset ends the user's sessions
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.2fa_reset"))
    assert entry.actor_name == "sysadmin" and entry.target_id == str(user.id)
    secret, _page = _enrol(app.test_client(), user)
    assert secret != user.test_totp_secret
    assert db.session.scalar(db.select(db.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) == 0


def test_renewing_recovery_codes_needs_the_password_and_replaces_the_old_ones(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    old = list(user.test_recovery_codes)
    login(client, user)
    assert client.post("/account/recovery-codes", data={"password": "wrong"}).status_code == 422
    resp = client.post("/account/recovery-codes", data={"password": user.test_password})
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", resp.get_data(as_text=True))
    assert len(new) == 10
    other = app.test_client()
    other.post("/login", data={"username": user.username, "password": user.test_password})
    assert other.post("/login/recovery", data={"code": old[0]}).status_code == 401
    assert other.post("/login/recovery", data={"code": new[0]}).status_code == 302


def test_after_a_reset_the_attacker_who_read_the_enrol_page_has_no_working_codes(app, runner, make_user, login):
    """Whoever holds the password reads the enrol page after `hub user reset-2fa`: the real user is
    shown a different secret, nothing is stored before confirmation, and the attacker's codes fail."""
    user = make_user("vera", roles=["verifikator"])
    victim_session = app.test_client()
    login(victim_session, user)
    assert runner.invoke(args=["user", "reset-2fa", "vera"]).exit_code == 0
    assert victim_session.get("/api/me").status_code == 401  # sessions ended
    db.session.expire_all()
    assert db.session.get(type(user), user.id).must_change_password  # a new password is asked for
    assert db.session.get(TwoFactor, user.id) is None

    attacker = app.test_client()
    attacker_secret, _page = _enrol(attacker, user)
    resp = attacker.get("/login/enrol")
    assert "no-store" in resp.headers["Cache-Control"]
    assert db.session.get(TwoFactor, user.id) is None  # nothing committed before confirmation

    real = app.test_client()
    real_secret, _page = _enrol(real, user)
    assert real_secret != attacker_secret
    code = pyotp.TOTP(real_secret).at(current_step() * STEP)
    assert real.post("/login/enrol", data={"code": code}).status_code == 200
    assert real.get("/api/me").status_code in (200, 403)  # logged in (maybe asked to change the password)

    later = app.test_client()
    later.post("/login", data={"username": user.username, "password": user.test_password})
    for step in (current_step() - 1, current_step(), current_step() + 1):
        assert later.post("/login/code", data={"code": pyotp.TOTP(attacker_secret).at(step * STEP)}).status_code == 401
    # the attacker's own pending enrolment cannot be confirmed any more either
    resp = attacker.post("/login/enrol", data={"code": pyotp.TOTP(attacker_secret).at(current_step() * STEP)})
    assert resp.status_code in (302, 401)
    assert attacker.get("/api/me").status_code == 401
