"""``/api/v1/roles``, ``/api/v1/permissions`` and ``/api/v1/channels``: what the core and the plugins
declare, read-only, with per office whether a channel account is configured (never credentials)."""

from __future__ import annotations

import datetime as dt

import pytest

from hub import hookimpl
from hub.channels import Channel, OptionField
from hub.extensions import db
from hub.models import ChannelAccount
from hub.models.base import utcnow
from hub.permissions import ROLE_PERMISSIONS
from hub.roles import ROLES
from tests.query_counter import count_statements

SECRET = b"gAAAA-very-secret-credentials"


class CatalogPlugin:
    @hookimpl
    def register_channels(self):
        return [
            Channel(
                name="kanal_uji",
                label_id="Kanal Uji",
                label_en="Test channel",
                accepts=("image", "text"),
                item_kinds=("post",),
                text_limit=280,
                requirements_id="Gambar 1:1",
                requirements_en="Square image",
                approval_per_occurrence=True,
                option_fields=(
                    OptionField("thread", "Utas", "Thread", kind="bool"),
                    OptionField("screens", "Layar", "Screens", kind="choices", choices=lambda: [("1", "Satu", "One")]),
                ),
            )
        ]


@pytest.fixture
def hub_plugins():
    return [CatalogPlugin()]


def _account(org_id, *, active=True, expires_at=None, channel="kanal_uji"):
    db.session.add(
        ChannelAccount(
            organisation_id=org_id,
            channel=channel,
            name="akun",
            secret=SECRET,
            config={"page_id": "rahasia-ish"},
            is_active=active,
            expires_at=expires_at,
        )
    )
    db.session.commit()


def test_401_without_a_token(client):
    for url in ("/api/v1/roles", "/api/v1/permissions", "/api/v1/channels", "/api/v1/channels/kanal_uji"):
        resp = client.get(url)
        assert resp.status_code == 401 and resp.headers["WWW-Authenticate"] == 'Bearer realm="hub"', url


def test_roles_with_labels_permissions_and_the_offices_own_title(client, make_user, make_org, api_headers):
    org = make_org("Dinas Pariwisata", kind="requester", role_titles={"pemohon": "Operator Humas"})
    headers = api_headers(make_user("budi", roles=["pemohon"], org=org))
    resp = client.get("/api/v1/roles?limit=200", headers=headers)
    assert resp.status_code == 200
    roles = {r["code"]: r for r in resp.json["roles"]}
    assert resp.json["total"] == len(ROLES) == len(roles) and resp.json["next_offset"] is None
    admin = roles["system_admin"]
    assert admin["label"] == {"id": "Administrator Sistem", "en": "System Administrator"}
    assert admin["permissions"] == sorted(ROLE_PERMISSIONS["system_admin"]) and "user.manage" in admin["permissions"]
    assert "item.decide" not in admin["permissions"]
    assert roles["pemohon"]["office_title"] == "Operator Humas" and roles["kepala_dinas"]["office_title"] is None
    paged = client.get("/api/v1/roles?limit=5&offset=5", headers=headers).json
    assert len(paged["roles"]) == 5 and paged["next_offset"] == 10 and paged["total"] == len(ROLES)
    perms = {p["code"]: p for p in client.get("/api/v1/permissions?limit=200", headers=headers).json["permissions"]}
    assert perms["user.manage"]["roles"] == ["system_admin"]
    assert perms["user.manage"]["label"] == {"id": "Mengelola pengguna dan peran", "en": "Manage users and roles"}


def test_channels_declared_with_accounts_per_office_never_credentials(
    client, make_user, make_org, api_headers, make_app
):
    requester = make_org("Dinas Pariwisata", kind="requester")
    operator = make_org()
    other = make_org("Dinas Lain", kind="requester")
    _account(operator.id)
    _account(operator.id)
    _account(requester.id)
    _account(other.id, active=False)
    _account(other.id, expires_at=utcnow() - dt.timedelta(days=1))
    _account(None)
    creator = api_headers(make_user("budi", roles=["pemohon"], org=requester))
    admin = api_headers(make_user("sysadmin", roles=["system_admin"], org=operator))
    resp = client.get("/api/v1/channels?limit=200", headers=admin)
    assert resp.status_code == 200
    assert SECRET.decode() not in resp.get_data(as_text=True) and "rahasia" not in resp.get_data(as_text=True)
    channels = {c["name"]: c for c in resp.json["channels"]}
    assert resp.json["total"] == len(channels)
    kanal = channels["kanal_uji"]
    assert kanal["label"] == {"id": "Kanal Uji", "en": "Test channel"} and kanal["accepts"] == ["image", "text"]
    assert kanal["text_limit"] == 280 and kanal["approval_per_occurrence"] is True
    assert kanal["plugin"] and kanal["admin_role"] == "admin_channel"
    assert kanal["requirements"] == {"id": "Gambar 1:1", "en": "Square image"}
    assert [f["name"] for f in kanal["option_fields"]] == ["thread", "screens"]
    assert kanal["option_fields"][1]["choices"] == [{"value": "1", "label": {"id": "Satu", "en": "One"}}]
    # settings.manage sees every office; only active, unexpired accounts count
    assert kanal["accounts"] == [
        {"organisation_id": None, "active": 1},
        *sorted(
            [{"organisation_id": operator.id, "active": 2}, {"organisation_id": requester.id, "active": 1}],
            key=lambda e: e["organisation_id"],
        ),
    ]
    # anyone else: their own office's and the office-less ones
    mine = client.get("/api/v1/channels/kanal_uji", headers=creator)
    assert mine.status_code == 200
    assert mine.json["accounts"] == [
        {"organisation_id": None, "active": 1},
        {"organisation_id": requester.id, "active": 1},
    ]
    missing = client.get("/api/v1/channels/tidak_ada", headers=creator)
    assert missing.status_code == 404 and missing.json["code"] == "not_found"


def test_channel_list_statements_do_not_grow_with_accounts(client, make_user, make_org, api_headers):
    headers = api_headers(make_user("sysadmin", roles=["system_admin"]))
    counts = {}
    for n in (2, 8):
        while db.session.scalar(db.select(db.func.count(ChannelAccount.id))) < n:
            count = db.session.scalar(db.select(db.func.count(ChannelAccount.id)))
            _account(make_org(f"Kantor {count}", kind="requester").id)
        client.get("/api/v1/channels", headers=headers)
        with count_statements() as seen:
            resp = client.get("/api/v1/channels", headers=headers)
        assert resp.status_code == 200
        counts[n] = len(seen)
    assert counts[2] == counts[8], counts
