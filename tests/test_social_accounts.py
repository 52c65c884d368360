"""Social accounts: encrypted at rest, added from the command line or the admin page, tested, warned about."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hub.extensions import db
from hub.models import ChannelAccount, utcnow
from tests.social_support import PAGE_ID, PAGE_TOKEN, X_SECRETS

#: the fixtures (x_stub, graph_stub, x_account, fb_account, make_social_item…)
pytest_plugins = ["tests.social_fixtures"]


def x_options(stub) -> list[str]:
    return [
        "--consumer-key", X_SECRETS["consumer_key"], "--consumer-secret", X_SECRETS["consumer_secret"],
        "--access-token", X_SECRETS["access_token"], "--access-token-secret", X_SECRETS["access_token_secret"],
        "--base-url", stub.url,
    ]  # fmt: skip


def test_credentials_are_encrypted_at_rest(app, x_account):
    from hub.crypto import decrypt_json

    raw = db.session.execute(db.text("SELECT secret FROM channel_account WHERE id = :id"), {"id": x_account.id})
    stored = bytes(raw.scalar())
    for value in X_SECRETS.values():
        assert value.encode() not in stored
    assert decrypt_json(stored) == X_SECRETS


def test_add_list_and_test_accounts_from_the_command_line(app, runner, x_stub, graph_stub):
    result = runner.invoke(args=["social", "add-account", "--channel", "x", "--name", "Diskominfo", *x_options(x_stub)])
    assert result.exit_code == 0, result.output
    assert "OK: Terhubung sebagai @diskominfo_sumbar" in result.output
    account = db.session.execute(db.select(ChannelAccount).filter_by(channel="x")).scalar_one()
    assert account.config["username"] == "diskominfo_sumbar" and account.config["last_test"]["ok"] is True

    # the page token is asked for (not echoed) when not given as an option
    result = runner.invoke(
        args=["social", "add-account", "--channel", "facebook", "--name", "Halaman", "--page-id", PAGE_ID,
              "--base-url", graph_stub.url, "--expires", "2030-01-31"],
        input=PAGE_TOKEN + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PAGE_TOKEN not in result.output and "Diskominfotik Sumbar" in result.output

    listing = runner.invoke(args=["social", "accounts"])
    assert "Diskominfo" in listing.output and "expires 2030-01-31" in listing.output
    listing = runner.invoke(args=["social", "accounts", "--json"])
    assert listing.exit_code == 0, listing.output
    rows = json.loads(listing.output)
    facebook, x = rows  # by channel, then name
    assert [(r["channel"], r["name"], r["active"]) for r in rows] == [
        ("facebook", "Halaman", True),
        ("x", "Diskominfo", True),
    ]
    assert x["username"] == "diskominfo_sumbar" and x["expires_at"] is None
    assert facebook["page_id"] == PAGE_ID and facebook["expires_at"].startswith("2030-01-31")
    assert facebook["base_url"] == graph_stub.url and facebook["needs_reconnect"] is False
    assert PAGE_TOKEN not in listing.output and not any(v in listing.output for v in X_SECRETS.values())

    graph_stub.expire_token(PAGE_TOKEN)
    page = db.session.execute(db.select(ChannelAccount).filter_by(channel="facebook")).scalar_one()
    result = runner.invoke(args=["social", "test-account", str(page.id)])
    assert result.exit_code == 1 and "GAGAL: " in result.output and "Hubungkan ulang" in result.output
    db.session.refresh(page)
    assert page.config["needs_reconnect"] is True

    missing = runner.invoke(args=["social", "add-account", "--channel", "facebook", "--name", "Tanpa halaman"],
                            input="token\n")  # fmt: skip
    assert missing.exit_code != 0 and "page_id" in missing.output


def test_admin_page_adds_tests_and_reconnects_accounts(app, client, login, make_user, x_stub):
    admin = make_user("sysadmin", roles=["system_admin"])
    creator = make_user("kreator2", roles=["pembuat_konten"])
    login(client, creator)
    assert client.get("/social/accounts").status_code == 403
    client.post("/logout")
    login(client, admin)

    page = client.get("/social/accounts")
    assert page.status_code == 200 and "Akun media sosial" in page.get_data(as_text=True)
    assert 'href="/social/accounts"' in client.get("/admin/").get_data(as_text=True)  # on the administration index
    form = {"channel": "x", "name": "Akun Gubernur", **X_SECRETS, "base_url": x_stub.url}
    resp = client.post("/social/accounts", data=form)
    assert resp.status_code == 302
    account = db.session.execute(db.select(ChannelAccount).filter_by(name="Akun Gubernur")).scalar_one()

    resp = client.post(f"/social/accounts/{account.id}/test", follow_redirects=True)
    assert "Terhubung sebagai @diskominfo_sumbar" in resp.get_data(as_text=True)
    html = client.get(f"/social/accounts/{account.id}").get_data(as_text=True)
    assert X_SECRETS["access_token_secret"] not in html and X_SECRETS["consumer_secret"] not in html

    # a wrong secret: the test says so; a new one (only that field) fixes it and keeps the others
    form = {"name": "Akun Gubernur", "base_url": x_stub.url, "is_active": "on", "access_token_secret": "salah"}
    assert client.post(f"/social/accounts/{account.id}", data=form).status_code == 302
    resp = client.post(f"/social/accounts/{account.id}/test", follow_redirects=True)
    assert "Hubungkan ulang" in resp.get_data(as_text=True)
    form["access_token_secret"] = X_SECRETS["access_token_secret"]
    client.post(f"/social/accounts/{account.id}", data=form)
    resp = client.post(f"/social/accounts/{account.id}/test", follow_redirects=True)
    assert "Terhubung sebagai" in resp.get_data(as_text=True)

    refused = client.post("/social/accounts", data={"channel": "facebook", "name": "Halaman", "page_token": "t"})
    assert refused.status_code == 422 and "page_id" in refused.get_data(as_text=True)


def test_a_token_about_to_expire_is_warned_about(app, client, login, make_user, x_account, fb_account):
    from hub.plugins import plugins

    x_account.expires_at = utcnow() + dt.timedelta(days=3)
    fb_account.expires_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    admin = make_user("sysadmin", roles=["system_admin"])
    notes = [n for r in plugins().hook.channel_health(user=admin) for n in r if n.channel in ("x", "facebook")]
    assert {(n.channel, n.severity) for n in notes} == {("x", "warning"), ("facebook", "error")}
    x_note = next(n for n in notes if n.channel == "x")
    assert "kedaluwarsa dalam 2 hari" in x_note.message_id and "expires in 2 days" in x_note.message_en
    assert x_note.url == f"/social/accounts/{x_account.id}"
    nobody = make_user("pemohon9", roles=["pemohon"])
    assert [n for r in plugins().hook.channel_health(user=nobody) for n in r if n.channel in ("x", "facebook")] == []

    login(client, admin)
    html = client.get("/social/accounts").get_data(as_text=True)
    assert "kedaluwarsa dalam 2 hari" in html and "sudah kedaluwarsa" in html


def test_live_count_endpoint_counts_like_x(app, client, login, make_user):
    creator = make_user("kreator3", roles=["pembuat_konten"])
    login(client, creator)
    resp = client.post("/social/count", json={"text": "Lihat https://example.go.id/a/very/long/path 日本"})
    assert resp.get_json() == {"channel": "x", "length": 34, "limit": 280, "valid": True}
    assert client.post("/social/count", json={"text": "a" * 281}).get_json()["valid"] is False


def test_admins_are_notified_in_the_hub_once_per_expiry(app, runner, make_user, x_account):
    pytest.importorskip("hub.notify.service", reason="the notifications area is not in this build")
    from hub.notify.models import Notification

    social_admin = make_user("sosmed", roles=["admin_social"])
    sysadmin = make_user("sysadmin", roles=["system_admin"])
    make_user("kreator4", roles=["pembuat_konten"])
    x_account.expires_at = utcnow() + dt.timedelta(days=5)
    db.session.commit()

    result = runner.invoke(args=["social", "check-tokens"])
    assert result.exit_code == 0 and "notifications sent: 1" in result.output
    notes = db.session.execute(db.select(Notification)).scalars().all()
    assert {n.user_id for n in notes} == {social_admin.id, sysadmin.id}
    assert all("kedaluwarsa dalam" in n.title_id and n.url == f"/social/accounts/{x_account.id}" for n in notes)
    # the same expiry is not announced twice; a renewed token that expires again is
    assert "notifications sent: 0" in runner.invoke(args=["social", "check-tokens"]).output
    x_account.expires_at = utcnow() + dt.timedelta(days=4)
    db.session.commit()
    assert "notifications sent: 1" in runner.invoke(args=["social", "check-tokens"]).output
