"""Bulk decisions from the inbox: twenty SOP 000 items approved together at one step, each with its
own decision, audit entry and notifications; one failing its channel's check is reported and left
waiting while the others move on; mixed selections are refused; the page and the API."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models.audit import AuditEntry
from hub.notify.models import Notification
from hub.workflow import bulk, engine
from hub.workflow.errors import InvalidRequest
from hub.workflow.models import Decision
from tests import workflow_support
from tests.workflow_support import CheckedPlugin, assign, current_step, new_item

people = workflow_support.people  # the fixture
CHECKLIST = ["no_sara", "no_pornography", "no_violence", "no_politics", "no_brand_promotion", "scale"]


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()])
    with app.app_context():
        yield app


@pytest.fixture
def flow(people):
    return assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"]
    )


def submitted(people, n: int, *, placeless: int | None = None) -> list[int]:
    """``n`` SOP 000 items submitted by the requester; item number ``placeless`` has no event place
    (the checking channel refuses it at the final approval, not at submission)."""
    ids = []
    for i in range(n):
        item = new_item(
            people.pemohon,
            channels=[{"channel": "checked", "text": "Pendek."}],
            event_place="" if i == placeless else "Padang",
            title=f"Acara {i:02d}",
        )
        engine.submit(item.id, people.pemohon)
        ids.append(item.id)
    return ids


def decisions_of(ids, step_key: str) -> int:
    from hub.workflow.models import StepInstance

    return db.session.scalar(
        db.select(db.func.count(Decision.id))
        .join(StepInstance, StepInstance.id == Decision.step_id)
        .where(Decision.item_id.in_(ids), StepInstance.step_key == step_key)
    )


def audited(ids, step_key: str) -> list[AuditEntry]:
    rows = db.session.execute(
        db.select(AuditEntry).where(
            AuditEntry.action == "item.decision", AuditEntry.target_id.in_([str(i) for i in ids])
        )
    ).scalars()
    return [r for r in rows if r.details.get("step") == step_key]


def test_bulk_approval_of_20_items_at_one_step(app, people, flow):
    ids = submitted(people, 20, placeless=7)
    # the whole chain, a step at a time, twenty items at once
    for key, person in (
        ("receive", people.verifikator),
        ("verify_1", people.verifikator),
        ("verify_2", people.sub_koordinator),
        ("verify_3", people.kepala_bidang),
    ):
        outcomes = bulk.decide_many(person, ids, "approve", checklist=CHECKLIST)
        assert [o.item_id for o in outcomes] == ids and all(o.ok for o in outcomes), key
        db.session.expire_all()
        assert decisions_of(ids, key) == 20
        entries = audited(ids, key)
        assert len(entries) == 20 and {e.actor_id for e in entries} == {person.id}
    # the checklist, confirmed once, is recorded on each decision
    from hub.workflow.models import StepInstance

    checklists = (
        db.session.execute(
            db.select(Decision.checklist)
            .join(StepInstance, StepInstance.id == Decision.step_id)
            .where(Decision.item_id.in_(ids), StepInstance.step_key.in_(["verify_1", "verify_2", "verify_3"]))
        )
        .scalars()
        .all()
    )
    assert len(checklists) == 60 and all(sorted(c) == sorted(CHECKLIST) for c in checklists)
    # each item told its next holder: the Kepala Dinas has one notification per item
    waiting = (
        db.session.execute(
            db.select(Notification.item_id).where(
                Notification.user_id == people.kepala_dinas.id, Notification.kind == "step_waiting"
            )
        )
        .scalars()
        .all()
    )
    assert sorted(waiting) == sorted(ids)

    # the final approval: item 7 has no event place, the channel refuses it; the 19 others go on
    outcomes = bulk.decide_many(people.kepala_dinas, ids, "approve", checklist=CHECKLIST)
    refused = [o for o in outcomes if not o.ok]
    assert [o.item_id for o in refused] == [ids[7]]
    assert refused[0].as_dict()["status"] == 422 and refused[0].as_dict()["error"]["code"] == "checks_failed"
    assert refused[0].as_dict()["error"]["problems"][0]["field"] == "event_place"
    db.session.expire_all()
    assert decisions_of(ids, "approval") == 19 and len(audited(ids, "approval")) == 19
    assert current_step(ids[7]).step_key == "approval"
    assert all(current_step(i).step_key == "publish" for i in ids if i != ids[7])
    approved = (
        db.session.execute(
            db.select(Notification.item_id).where(
                Notification.user_id == people.pemohon.id, Notification.kind == "approved"
            )
        )
        .scalars()
        .all()
    )
    assert sorted(approved) == sorted(i for i in ids if i != ids[7])


def test_mixed_steps_are_refused_and_nothing_is_decided(app, people, flow):
    ids = submitted(people, 3)
    bulk.decide_many(people.verifikator, ids[:1], "approve")  # item 0 moves to verify_1
    with pytest.raises(InvalidRequest) as mixed:
        bulk.decide_many(people.verifikator, ids, "approve", checklist=CHECKLIST)
    assert mixed.value.details["field"] == "items" and len(mixed.value.details["groups"]) == 2
    assert "same step" in mixed.value.message_en
    db.session.rollback()
    assert [current_step(i).step_key for i in ids] == ["verify_1", "receive", "receive"]


def test_return_with_one_comment_and_the_checklist_is_checked_once(app, people, flow):
    ids = submitted(people, 3)
    bulk.decide_many(people.verifikator, ids, "approve")
    with pytest.raises(InvalidRequest) as missing:  # verify_1 has the checklist
        bulk.decide_many(people.verifikator, ids, "approve", checklist=CHECKLIST[:2])
    assert missing.value.details["field"] == "checklist"
    with pytest.raises(InvalidRequest):
        bulk.decide_many(people.verifikator, ids, "return")  # no comment
    with pytest.raises(InvalidRequest):
        bulk.decide_many(people.verifikator, ids, "reject", comment="Tidak.")  # not in bulk
    db.session.rollback()
    outcomes = bulk.decide_many(people.verifikator, ids, "return", comment="Video kurang tajam.")
    assert all(o.ok for o in outcomes)
    db.session.expire_all()
    rows = db.session.execute(db.select(Decision).where(Decision.item_id.in_(ids), Decision.decision == "return"))
    assert sorted(d.comment for d in rows.scalars()) == ["Video kurang tajam."] * 3


def test_items_not_yours_or_decided_meanwhile_are_reported(app, people, flow, make_user):
    ids = submitted(people, 3)
    # someone else decided item 1 meanwhile: the step the person looked at is gone
    looked_at = {i: current_step(i).id for i in ids}
    engine.decide(ids[1], people.verifikator, "approve", step_id=looked_at[ids[1]])
    outcomes = bulk.decide_many(people.verifikator, ids, "approve", step_ids=looked_at)
    assert [(o.item_id, o.ok) for o in outcomes] == [(ids[0], True), (ids[1], False), (ids[2], True)]
    assert outcomes[1].error.status == 409
    # the wrong role: each item refused with 403, none decided
    outcomes = bulk.decide_many(people.kepala_dinas, ids, "approve", checklist=CHECKLIST)
    assert {o.error.status for o in outcomes} == {403}
    assert [current_step(i).step_key for i in ids] == ["verify_1", "verify_1", "verify_1"]


def test_the_inbox_page_selects_and_the_result_page_lists_each(app, people, flow, client, login):
    ids = submitted(people, 4, placeless=2)
    for person in (people.verifikator, people.verifikator, people.sub_koordinator, people.kepala_bidang):
        bulk.decide_many(person, ids, "approve", checklist=CHECKLIST)
    login(client, people.kepala_dinas)
    inbox = client.get("/inbox").get_data(as_text=True)
    values = [f"{i}:{current_step(i).id}" for i in ids]
    assert all(f'value="{v}"' in inbox for v in values)
    review = client.get("/inbox/bulk", query_string=[("item", v) for v in values])
    html = review.get_data(as_text=True)
    assert review.status_code == 200 and html.count('name="checklist"') == len(CHECKLIST)
    assert html.count('name="item"') == 4
    # the checklist not confirmed: said, nothing decided, the selection kept
    refused = client.post("/inbox/bulk", data={"item": values, "decision": "approve"})
    assert refused.status_code == 422 and refused.get_data(as_text=True).count('name="item"') == 4
    assert decisions_of(ids, "approval") == 0
    done = client.post("/inbox/bulk", data={"item": values, "decision": "approve", "checklist": CHECKLIST})
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and page.count("data-item=") == 4
    assert page.count("badge-approved") == 3 and page.count("badge-failed") == 1
    row = page.split(f'data-item="{ids[2]}"')[1].split("</tr>")[0]
    assert "badge-failed" in row


def test_the_api(app, people, flow, client, api_headers):
    ids = submitted(people, 3)
    headers = api_headers(people.verifikator)
    steps = [{"item_id": i, "step_id": current_step(i).id} for i in ids]
    body = client.post("/api/v1/decisions", json={"items": steps, "decision": "approve"}, headers=headers)
    assert body.status_code == 200
    data = body.get_json()
    assert data["decided"] == 3 and data["refused"] == 0
    assert [r["item_id"] for r in data["results"]] == ids
    assert all(r["status"] == 201 and r["decision"]["step"] == "receive" for r in data["results"])
    # the same steps again: already decided, each reported
    again = client.post("/api/v1/decisions", json={"items": steps, "decision": "approve"}, headers=headers).get_json()
    assert again["decided"] == 0 and {r["status"] for r in again["results"]} == {409}
    # malformed input: a clear 4xx
    assert (
        client.post("/api/v1/decisions", json={"items": "1", "decision": "approve"}, headers=headers).status_code == 422
    )
    assert (
        client.post("/api/v1/decisions", json={"items": [], "decision": "approve"}, headers=headers).status_code == 422
    )
    assert (
        client.post("/api/v1/decisions", json={"items": ["x"], "decision": "approve"}, headers=headers).status_code
        == 422
    )
