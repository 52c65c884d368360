"""User administration pages and the ``hub user`` commands."""

from __future__ import annotations

import re

from hub.auth import totp
from hub.extensions import db
from hub.models import AuditEntry, User


def _audit(action):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_an_administrator_creates_a_user_who_then_sets_up_their_account(app, make_org, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    dispar = make_org("Dinas Pariwisata", kind="requester")
    client = app.test_client()
    login(client, admin)
    resp = client.post(
        "/admin/users/new",
        data={"username": "rina", "full_name": "Rina Putri", "organisation_id": dispar.id, "roles": ["pemohon"]},
    )
    assert resp.status_code == 201
    temporary = re.search(r'<code class="secret">([^<]+)</code>', resp.get_data(as_text=True)).group(1)
    rina = db.session.scalar(db.select(User).filter_by(username="rina"))
    assert rina.must_change_password and rina.role_codes == {"pemohon"} and rina.organisation_id == dispar.id
    assert temporary not in rina.password_hash
    assert _audit("user.created")[0].details == {"username": "rina", "organisation": dispar.id, "roles": ["pemohon"]}
    # rina: password, then enrolment, then the forced password change
    other = app.test_client()
    resp = other.post("/login", data={"username": "rina", "password": temporary})
    assert resp.headers["Location"].endswith("/login/enrol")
    page = other.get("/login/enrol").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    import pyotp

    assert other.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()}).status_code == 200
    resp = other.get("/account")
    assert resp.status_code == 302 and "/account/password" in resp.headers["Location"]


def test_roles_change_is_audited_and_nobody_changes_their_own(app, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    user = make_user("vera", roles=["verifikator"])
    client = app.test_client()
    login(client, admin)
    form = {"full_name": "Vera", "email": "vera@x.go.id", "organisation_id": user.organisation_id, "language": "id"}
    resp = client.post(f"/admin/users/{user.id}", data={**form, "roles": ["verifikator", "kepala_bidang"]})
    assert resp.status_code == 302
    assert user.role_codes == {"verifikator", "kepala_bidang"}
    assert _audit("user.roles_changed")[0].details == {"added": ["kepala_bidang"], "removed": []}
    # the administrator's own roles stay as they are
    resp = client.post(f"/admin/users/{admin.id}", data={**form, "roles": ["kepala_dinas"]})
    assert admin.role_codes == {"system_admin"}
    # a system administrator cannot also approve
    resp = client.post(f"/admin/users/{user.id}", data={**form, "roles": ["system_admin", "verifikator"]})
    assert resp.status_code == 422 and "tidak boleh memegang peran" in resp.get_data(as_text=True)
    assert user.role_codes == {"verifikator", "kepala_bidang"}


def test_user_administration_needs_user_manage(app, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    client = app.test_client()
    login(client, user)
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{user.id}/reset-2fa").status_code == 403
    assert client.get("/admin/password-policy").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_the_user_list_filters(app, make_org, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    make_user("budi", roles=["pemohon"], org=make_org("Dinas Pariwisata", kind="requester"))
    make_user("vera", roles=["verifikator"], is_active=False)
    client = app.test_client()
    login(client, admin)
    assert "budi" in client.get("/admin/users?q=bud").get_data(as_text=True)
    page = client.get("/admin/users?status=disabled").get_data(as_text=True)
    assert ">vera<" in page and ">budi<" not in page


def test_password_policy_page_changes_are_audited(app, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    client = app.test_client()
    login(client, admin)
    form = {"profile": "nist", "max_age_days": "90", "warn_days": "14", "min_length": "14",
            "window_minutes": "15", "account_max": "10", "address_max": "100"}  # fmt: skip
    assert client.post("/admin/password-policy", data=form).status_code == 302
    assert client.post("/admin/password-policy", data={**form, "min_length": "8"}).status_code == 422
    changes = [e.details for e in _audit("setting.changed")]
    assert changes == [{"profile": ["sop", "nist"], "min_length": [12, 14]}]


def test_cli_creates_the_first_administrator(app, runner):
    result = runner.invoke(args=["user", "create", "pertama", "--org", "Diskominfo Sumbar", "--admin"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(username="pertama"))
    assert user.role_codes == {"system_admin"} and user.must_change_password
    assert user.organisation.name == "Diskominfo Sumbar" and user.organisation.kind == "operator"
    temporary = re.search(r"temporary password: (\S+)", result.output).group(1)
    from hub.auth.passwords import verify_password

    assert verify_password(user.password_hash, temporary)
    assert _audit("user.created")[0].actor_name == "system"
    again = runner.invoke(args=["user", "create", "pertama", "--org", "Diskominfo Sumbar", "--admin"])
    assert again.exit_code != 0 and "already taken" in again.output
    unknown = runner.invoke(args=["user", "create", "x", "--org", "Nowhere", "--role", "pemohon"])
    assert unknown.exit_code != 0 and "no such office" in unknown.output


def test_cli_chosen_password_is_checked(app, runner, make_org):
    make_org("Dinas Pariwisata", kind="requester")
    result = runner.invoke(
        args=["user", "create", "budi", "--org", "Dinas Pariwisata", "--role", "pemohon", "--password-stdin"],
        input="password123\n",
    )
    assert result.exit_code != 0 and "too common" in result.output
    result = runner.invoke(
        args=["user", "create", "budi", "--org", "Dinas Pariwisata", "--role", "pemohon", "--password-stdin"],
        input="ngarai-sianok-di-sore-hari\n",
    )
    assert result.exit_code == 0, result.output
    assert not db.session.scalar(db.select(User).filter_by(username="budi")).must_change_password


def test_cli_disable_and_reset_2fa(app, runner, client, make_user, login, api_headers):
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    headers = api_headers(user)
    assert runner.invoke(args=["user", "reset-2fa", "vera"]).exit_code == 0
    assert not totp.is_enrolled(user)
    assert client.get("/api/me").status_code == 401
    assert runner.invoke(args=["user", "disable", "vera"]).exit_code == 0
    assert app.test_client().get("/api/me", headers=headers).status_code == 401
    assert [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))][-2:] == [
        "user.2fa_reset",
        "user.disabled",
    ]
    assert runner.invoke(args=["user", "disable", "nobody"]).exit_code != 0


def test_demo_accounts_one_per_main_role_with_their_secrets_and_a_login_line(app, capsys, runner, make_user):
    import pyotp

    from hub.auth.demo import DEMO_PASSWORD, DEMO_USERS
    from hub.demo import load_demo

    load_demo(app)
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    users = {u.username: u for u in db.session.scalars(db.select(User))}
    assert {name for name, *_ in DEMO_USERS} <= set(users)
    roles = {code for u in users.values() for code in u.role_codes}
    assert {"system_admin", "kepala_dinas", "verifikator", "pembuat_konten", "pemohon", "admin_videotron"} <= roles
    assert users["pemohon.dispar"].organisation.short_name == "Dispar"
    secret = re.search(r"^\s+kadis\s+([A-Z2-7]+)$", out, re.M).group(1)
    assert "hub user totp-code kreator" in out  # how to log in without an authenticator app
    count = db.session.scalar(db.select(db.func.count(User.id)))
    load_demo(app)  # idempotent: no new account, but the secrets are shown again (the first console is gone)
    again = capsys.readouterr().out
    assert re.search(r"^\s+kadis\s+([A-Z2-7]+)$", again, re.M).group(1) == secret
    assert db.session.scalar(db.select(db.func.count(User.id))) == count
    code = runner.invoke(args=["user", "totp-code", "kadis"])
    assert code.exit_code == 0 and pyotp.TOTP(secret).verify(code.output.strip(), valid_window=1)
    real = make_user("vera", roles=["verifikator"])  # a real account: its code is its owner's alone
    refused = runner.invoke(args=["user", "totp-code", real.username])
    assert refused.exit_code != 0 and "akun demo" in refused.output
    client = app.test_client()
    client.post("/login", data={"username": "kadis", "password": DEMO_PASSWORD})
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/api/me").json["roles"] == ["kepala_dinas"]


def test_passwords_codes_and_tokens_stay_out_of_the_logs(app, client, make_user, login, api_headers, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    user = make_user("vera", roles=["verifikator"])
    client.post("/login", data={"username": "vera", "password": "wrong-password-typed"})
    login(client, user)
    headers = api_headers(user)
    client.get("/api/me", headers=headers)
    text = caplog.text
    for secret in (user.test_password, "wrong-password-typed", headers["Authorization"][7:], user.test_totp_secret):
        assert secret not in text


def test_an_office_gives_roles_its_own_titles(app, make_org, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    dispar = make_org("Dinas Pariwisata", kind="requester")
    requester = make_user("budi", roles=["pemohon"], org=dispar)
    client = app.test_client()
    login(client, admin)
    form = {"name": "Dinas Pariwisata", "kind": "requester", "role_title_pemohon": "  Operator   Humas ",
            "role_title_kepala_dinas": ""}  # fmt: skip
    too_long = client.post(f"/admin/organisations/{dispar.id}", data={**form, "role_title_pemohon": "x" * 101})
    assert too_long.status_code == 422 and "paling banyak 100 karakter" in too_long.get_data(as_text=True)
    assert client.post(f"/admin/organisations/{dispar.id}", data=form).status_code == 302
    db.session.refresh(dispar)
    assert dispar.role_titles == {"pemohon": "Operator Humas"}
    assert dispar.role_title("pemohon") == "Operator Humas" and dispar.role_title("kepala_dinas") == "Kepala Dinas"
    # the form shows the saved title; the user list shows it instead of the standard name
    assert 'value="Operator Humas"' in client.get(f"/admin/organisations/{dispar.id}").get_data(as_text=True)
    listing = client.get(f"/admin/users?org={dispar.id}").get_data(as_text=True)
    assert "Operator Humas" in listing and requester.username in listing
    assert _audit("organisation.updated")[-1].details["role_titles"] == {"pemohon": "Operator Humas"}


def test_plugin_settings_page_changes_values_audited_and_respects_the_environment(app, make_user, login, monkeypatch):
    from hub.plugins import plugin_config

    admin = make_user("sysadmin", roles=["system_admin"])
    client = app.test_client()
    login(client, admin)
    assert "/admin/plugin-settings" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/plugin-settings").get_data(as_text=True)
    assert 'name="videotron.min_height"' in page and 'value="720"' in page
    form = {"videotron.min_height": "1080", "videotron.player_muted": "1"}
    for field in ("duration_seconds", "duration_tolerance", "days_before", "days_after"):
        form[f"videotron.{field}"] = str(plugin_config("videotron", field))
    bad = client.post("/admin/plugin-settings", data={**form, "videotron.min_height": "tinggi"})
    assert bad.status_code == 422 and "nilainya tidak sah" in bad.get_data(as_text=True)
    assert plugin_config("videotron", "min_height") == 720
    monkeypatch.setenv("HUB_VIDEOTRON_DAYS_BEFORE", "3")
    page = client.get("/admin/plugin-settings").get_data(as_text=True)
    assert "HUB_VIDEOTRON_DAYS_BEFORE" in page
    # a partial form changes only what it sends; an unticked box is sent as its hidden "0"
    full = {"videotron.min_height": "1080", "videotron.player_muted": ["0", "1"], "videotron.days_before": "9"}
    assert client.post("/admin/plugin-settings", data=full).status_code == 302
    assert plugin_config("videotron", "min_height") == 1080
    assert plugin_config("videotron", "days_before") == 3  # the environment wins and the page left it alone
    changes = {e.target_id: e.details for e in _audit("setting.changed")}
    assert changes == {"videotron.min_height": {"min_height": [720, 1080]}}
    assert client.post("/admin/plugin-settings", data={"videotron.player_muted": "0"}).status_code == 302
    assert plugin_config("videotron", "player_muted") is False
    kadis = make_user("kadis", roles=["kepala_dinas"])
    other = app.test_client()
    login(other, kadis)
    assert other.get("/admin/plugin-settings").status_code == 403
