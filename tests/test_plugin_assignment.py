"""A new channel and its workflow: `hub plugins` and the workflow admin page report a channel no
workflow applies to (its items would be refused with 422 no_workflow), and the admin assigns one."""

from __future__ import annotations

import json

import pytest

from hub.extensions import db
from hub.models import Publication, User
from hub.models.audit import AuditEntry


@pytest.fixture
def hub_plugins(recording_channel):
    return [recording_channel]


def test_hub_plugins_shows_distributions_and_the_channel_without_a_workflow(runner):
    from hub.workflow.loader import load_templates

    load_templates()  # what `hub db upgrade` and `hub up` do (a test before may have emptied the tables)
    result = runner.invoke(args=["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["social"]["distribution"] == "publishing-hub" and rows["social"]["version"]
    recorder = next(row for row in rows.values() if "recorder" in row["channels"])
    assert recorder["channels_without_workflow"] == ["recorder"]
    assert all(not row["channels_without_workflow"] for row in rows.values() if row is not recorder)

    text = runner.invoke(args=["plugins"]).output
    assert "[publishing-hub]" in text
    assert "Channels without a workflow: recorder;" in text and "Kanal tanpa alur kerja: recorder;" in text


def test_admin_assigns_a_workflow_to_a_new_channel_and_its_item_goes_to_published(
    client, login, make_user, make_item, api_headers, approve_through, recording_channel
):
    item = make_item(channels=["recorder"], kind="post")
    creator = db.session.get(User, item.created_by_id)
    refused = client.post(f"/api/v1/items/{item.id}/submit", headers=api_headers(creator))
    assert refused.status_code == 422 and refused.get_json()["code"] == "no_workflow", refused.get_data(True)

    # someone who may not manage workflows cannot assign one
    login(client, make_user("kabid", roles=["kepala_bidang"]))
    denied = client.post("/admin/workflows/channels", data={"channel": "recorder", "workflow": "website_social"})
    assert denied.status_code == 403
    client.post("/logout")

    admin = make_user("root", roles=["system_admin"])
    login(client, admin)
    page = client.get("/admin/workflows").get_data(as_text=True)
    assert 'id="unassigned-channels"' in page and 'name="channel" value="recorder"' in page
    assert "Kanal tanpa alur kerja" in page

    unknown = client.post(
        "/admin/workflows/channels", data={"channel": "recorder", "workflow": "nope"}, follow_redirects=True
    )
    assert "Pilih alur kerja yang aktif." in unknown.get_data(as_text=True)

    client.post("/lang", data={"lang": "en", "next": "/"})
    done = client.post(
        "/admin/workflows/channels",
        data={"channel": "recorder", "workflow": "website_social"},
        follow_redirects=True,
    )
    body = done.get_data(as_text=True)
    assert "Channel Recording channel now follows the workflow website_social." in body
    assert 'id="unassigned-channels"' not in body
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "workflow.assigned").order_by(AuditEntry.id.desc())
    ).scalar()
    assert entry.actor_id == admin.id and entry.target_id == "website_social"
    assert entry.details["channels"] == ["recorder"]

    decided = approve_through(item)
    assert [key for key, _user in decided] == ["edit", "filter"]
    db.session.expire_all()
    assert [c["item_id"] for c in recording_channel.calls] == [item.id]
    pubs = db.session.execute(db.select(Publication).where(Publication.item_id == item.id)).scalars().all()
    assert [p.status for p in pubs] == ["published"]
