"""Acting officials (Plh./Plt.): a Plh. Kepala Dinas decides SOP 000's final approval for three days,
the timeline and the audit say so, both are told; outside the days, on their own item or on an item
where they decided another step they are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.extensions import db
from hub.models import Item
from hub.models.audit import AuditEntry
from hub.notify.models import Notification
from hub.workflow import delegation_audit, delegations, engine
from hub.workflow.errors import InvalidRequest, NotAllowed
from hub.workflow.models import Decision
from tests import workflow_support
from tests.videotron_support import Clock
from tests.workflow_support import CheckedPlugin, assign, current_step, decide, new_item

people = workflow_support.people  # the fixture
UTC = dt.UTC
#: Monday 15 March 2027, 10:00 WIB
MONDAY = dt.datetime(2027, 3, 15, 3, 0, tzinfo=UTC)
CHAIN = {
    "receive": "verifikator",
    "verify_1": "verifikator",
    "verify_2": "sub_koordinator",
    "verify_3": "kepala_bidang",
}


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()])
    with app.app_context():
        yield app


@pytest.fixture
def clock(app, monkeypatch):
    """One clock for the delegation rules and the engine (decided_at, due times)."""
    clock = Clock(MONDAY)
    monkeypatch.setattr(delegations, "utcnow", clock)
    monkeypatch.setattr(engine, "utcnow", clock)
    return clock


@pytest.fixture
def flow(people):
    """SOP 000 Flow A for video items on the checking channel, from any office."""
    return assign("videotron_request", people.sysadmin, kinds=["video"], channels=["checked"])


@pytest.fixture
def sekretaris(people, make_user):
    return make_user("sari", roles=["sekretaris"], org=people.operator, full_name="Sari Sekretaris")


def at_approval(people, creator=None, title: str = "Festival Siti Nurbaya") -> int:
    """An SOP 000 item walked up to the Kepala Dinas's approval."""
    item = new_item(
        creator or people.pemohon,
        channels=[{"channel": "checked", "text": "Pendek."}],
        event_place="Padang",
        title=title,
    )
    engine.submit(item.id, creator or people.pemohon)
    for key, role in CHAIN.items():
        assert current_step(item.id).step_key == key
        decide(item.id, getattr(people, role))
    assert current_step(item.id).step_key == "approval"
    return item.id


def plh(people, delegate, days=("2027-03-15", "2027-03-17"), by=None, **kwargs):
    return delegations.create(
        people.kepala_dinas,
        delegate,
        ["kepala_dinas"],
        days[0],
        days[1],
        kind="plh",
        by=by or people.kepala_dinas,
        **kwargs,
    )


def test_a_plh_kepala_dinas_approves_an_sop_000_item_and_the_timeline_says_plh(
    app, clock, people, flow, sekretaris, client, login
):
    from hub.workflow.inbox import inbox_page
    from hub.workflow.timeline import timeline

    row = plh(people, sekretaris)
    assert (row.starts_at, row.ends_at) == (
        dt.datetime(2027, 3, 14, 17, 0, tzinfo=UTC),  # 15 March 00:00 WIB
        dt.datetime(2027, 3, 17, 17, 0, tzinfo=UTC),  # 18 March 00:00 WIB: the 17th is the last day
    )
    item_id = at_approval(people)
    # both the Kepala Dinas and the Plh. are told the step waits
    waiting = (
        db.session.execute(
            db.select(Notification.user_id).where(Notification.kind == "step_waiting", Notification.item_id == item_id)
        )
        .scalars()
        .all()
    )
    assert {people.kepala_dinas.id, sekretaris.id} <= set(waiting)
    # the Plh. sees it in the inbox, marked as acting for the Kepala Dinas
    entries = inbox_page(sekretaris).entries
    assert [e.item.id for e in entries] == [item_id]
    assert entries[0].acting.id == row.id and entries[0].as_dict()["acting_for"]["id"] == people.kepala_dinas.id

    # on the dashboard too, and the item page says whom they decide for
    from hub.web.tasks import my_tasks

    with app.test_request_context():
        assert [t.item_id for t in my_tasks(sekretaris)] == [item_id]
    login(client, sekretaris)
    form = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'class="notice acting"' in form and "Kadis Kominfo" in form.split('class="notice acting"')[1][:300]

    clock.set(MONDAY + dt.timedelta(days=1))
    record = decide(item_id, sekretaris)
    assert record.actor_id == sekretaris.id
    assert (record.acting_for_id, record.acting_kind, record.delegation_id) == (people.kepala_dinas.id, "plh", row.id)
    db.session.expire_all()
    approval = next(e for e in timeline(db.session.get(Item, item_id)) if e.get("step") == "approval")
    assert approval["decided_by"]["name"] == "Sari Sekretaris"
    assert approval["acting"]["label"] == "Plh."
    assert approval["acting"]["text"]["id"] == "Plh. Kepala Dinas, a.n. Kadis Kominfo"
    assert approval["acting"]["text"]["en"] == "acting (Plh.) Head of Agency, on behalf of Kadis Kominfo"
    audit = (
        db.session.execute(
            db.select(AuditEntry)
            .where(AuditEntry.action == "item.decision", AuditEntry.target_id == str(item_id))
            .order_by(AuditEntry.id.desc())
        )
        .scalars()
        .first()
    )
    assert audit.actor_id == sekretaris.id
    assert audit.details["acting_for"] == {"id": people.kepala_dinas.id, "name": "Kadis Kominfo"}
    assert audit.details["acting_kind"] == "plh"
    # the Kepala Dinas hears that someone decided for them
    told = (
        db.session.execute(
            db.select(Notification).where(
                Notification.user_id == people.kepala_dinas.id, Notification.kind == "acted_for"
            )
        )
        .scalars()
        .all()
    )
    assert len(told) == 1 and "Sari Sekretaris" in told[0].title_id
    # the item page shows it, in the reader's language
    login(client, people.kepala_dinas)
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "Plh. Kepala Dinas, a.n. Kadis Kominfo" in page
    body = client.get(f"/api/v1/items/{item_id}/decisions", headers={"Accept": "application/json"}).get_json()
    assert body["decisions"][-1]["acting_for"] == {"id": people.kepala_dinas.id, "name": "Kadis Kominfo", "kind": "plh"}


def test_after_the_range_the_same_user_gets_403(app, clock, people, flow, sekretaris, client, api_headers):
    plh(people, sekretaris)
    first, second = at_approval(people, title="Satu"), at_approval(people, title="Dua")
    headers = api_headers(sekretaris)

    def post(item_id):
        step = current_step(item_id)
        checklist = ["no_sara", "no_pornography", "no_violence", "no_politics", "no_brand_promotion", "scale"]
        return client.post(
            f"/api/v1/items/{item_id}/decisions",
            json={"decision": "approve", "step_id": step.id, "checklist": checklist},
            headers=headers,
        )

    # 17 March 23:59 WIB: the last day still counts
    clock.set(dt.datetime(2027, 3, 17, 16, 59, tzinfo=UTC))
    assert post(first).status_code == 201
    # 18 March 00:00 WIB: over
    clock.set(dt.datetime(2027, 3, 17, 17, 0, tzinfo=UTC))
    refused = post(second)
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
    assert current_step(second).step_key == "approval"
    listed = client.get("/api/v1/inbox", headers=headers).get_json()["entries"]
    assert second not in [e["item_id"] for e in listed]
    # before the first day too
    clock.set(MONDAY - dt.timedelta(days=1))
    assert post(second).status_code == 403


def test_the_delegate_cannot_decide_an_item_they_created(app, clock, people, flow, sekretaris, client, login):
    from hub.workflow.inbox import inbox_page

    plh(people, sekretaris)
    own = at_approval(people, creator=sekretaris, title="Buatan Sari")
    other = at_approval(people, title="Buatan OPD")
    with pytest.raises(NotAllowed) as refused:
        decide(own, sekretaris)
    assert "Anda membuat konten ini" in refused.value.message_id
    db.session.rollback()
    assert [e.item.id for e in inbox_page(sekretaris).entries if e.step] == [other]
    login(client, sekretaris)
    step = current_step(own)
    response = client.post(f"/items/{own}/decide", data={"decision": "approve", "step_id": step.id})
    assert response.status_code == 403
    assert current_step(own).step_key == "approval"


def test_a_delegate_never_decides_a_second_step_of_the_same_item(app, clock, people, flow, client, api_headers):
    """The Kepala Bidang decided verify_3; as Plh. Kepala Dinas they may not also approve that item."""
    from hub.workflow.inbox import inbox_page

    plh(people, people.kepala_bidang)
    item_id = at_approval(people)
    assert item_id not in [e.item.id for e in inbox_page(people.kepala_bidang).entries]
    with pytest.raises(NotAllowed) as refused:
        decide(item_id, people.kepala_bidang)
    assert "another step" in refused.value.message_en
    db.session.rollback()
    # the Kepala Dinas themself still decides it
    decide(item_id, people.kepala_dinas)
    db.session.expire_all()
    assert (
        db.session.execute(
            db.select(Decision.acting_for_id).where(Decision.item_id == item_id).order_by(Decision.id.desc())
        )
        .scalars()
        .first()
        is None
    )


def test_a_returned_item_comes_back_to_the_same_plh(app, clock, people, flow, sekretaris):
    """Deciding the same step again (after a return and a resubmission) is not a second step."""
    plh(people, sekretaris)
    item_id = at_approval(people)
    decide(item_id, sekretaris, "return", comment="Perbaiki judul.", return_to="creator")
    engine.submit(item_id, people.pemohon)
    assert current_step(item_id).step_key == "approval"
    record = decide(item_id, sekretaris)
    assert record.acting_for_id == people.kepala_dinas.id


def test_start_end_and_revocation_are_audited_once(app, clock, people, flow, sekretaris):
    def actions():
        return (
            db.session.execute(
                db.select(AuditEntry.action).where(AuditEntry.target_type == "delegation").order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )

    later = plh(people, sekretaris, days=("2027-03-16", "2027-03-17"))
    assert actions() == ["delegation.created"]
    assert delegation_audit.audit_boundaries() == 0
    clock.set(dt.datetime(2027, 3, 15, 17, 0, tzinfo=UTC))  # 16 March 00:00 WIB
    assert delegation_audit.audit_boundaries() == 1 and delegation_audit.audit_boundaries() == 0
    clock.set(dt.datetime(2027, 3, 17, 17, 0, tzinfo=UTC))
    assert delegation_audit.audit_boundaries(clock()) == 1
    assert actions() == ["delegation.created", "delegation.started", "delegation.ended"]
    started = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "delegation.started")).scalar_one()
    assert started.target_id == str(later.id) and started.details["delegate"]["name"] == "Sari Sekretaris"
    # a revocation ends it at once: audited, and the end follows
    clock.set(dt.datetime(2027, 3, 18, 3, 0, tzinfo=UTC))
    again = plh(people, sekretaris, days=("2027-03-18", "2027-03-19"))
    delegation_audit.audit_boundaries()
    item_id = at_approval(people)
    delegations.revoke(again.id, people.kepala_dinas)
    assert actions()[-3:] == ["delegation.started", "delegation.revoked", "delegation.ended"]
    with pytest.raises(NotAllowed):
        decide(item_id, sekretaris)


def test_who_may_name_whom(app, clock, people, flow, sekretaris, make_user, make_org):
    # only the official or an administrator
    with pytest.raises(NotAllowed):
        plh(people, sekretaris, by=people.kepala_bidang)
    assert plh(people, sekretaris, by=people.sysadmin).created_by_id == people.sysadmin.id
    # one acting official per role and day
    with pytest.raises(InvalidRequest) as twice:
        plh(people, people.kepala_bidang, days=("2027-03-17", "2027-03-20"))
    assert twice.value.details["field"] == "roles"
    db.session.rollback()
    # a role the official does not hold, another office, someone who decides nothing, the past, a reversed range
    elsewhere = make_user("lain", roles=["sekretaris"], org=people.requester)
    second_head = make_user("kadis2", roles=["kepala_dinas"], org=people.operator)
    cases = [
        (dict(delegate=sekretaris, roles=["sekretaris"]), "roles"),
        (dict(delegate=elsewhere), "delegate"),
        (dict(delegate=second_head), "roles"),
        (dict(delegate=people.creator), "delegate"),
        (dict(delegate=sekretaris, days=("2027-03-14", "2027-03-20")), "starts_on"),
        (dict(delegate=sekretaris, days=("2027-03-22", "2027-03-21")), "ends_on"),
        (dict(delegate=sekretaris, days=("2027-03-22", "22/03/2027")), "ends_on"),
    ]
    for case, field in cases:
        with pytest.raises(InvalidRequest) as bad:
            delegations.create(
                people.kepala_dinas,
                case["delegate"],
                case.get("roles", ["kepala_dinas"]),
                *case.get("days", ("2027-03-20", "2027-03-21")),
                by=people.kepala_dinas,
            )
        assert bad.value.details["field"] == field, case
        db.session.rollback()


def test_the_delegation_page_and_api(app, clock, people, flow, sekretaris, client, login, api_headers):
    login(client, people.kepala_dinas)
    page = client.get("/delegations")
    assert page.status_code == 200 and "data-delegation=" not in page.get_data(as_text=True)
    response = client.post(
        "/delegations",
        data={
            "delegate_id": sekretaris.id,
            "roles": ["kepala_dinas"],
            "kind": "plh",
            "starts_on": "2027-03-15",
            "ends_on": "2027-03-17",
            "note": "Cuti tahunan",
        },
    )
    assert response.status_code == 302
    html = client.get("/delegations").get_data(as_text=True)
    current = html.split('id="current"')[1].split('id="others"')[0]
    assert "Plh. Sari Sekretaris" in current and "Kadis Kominfo" in current
    # bad input: said in the reader's language, what was typed is kept
    bad = client.post(
        "/delegations",
        data={
            "delegate_id": sekretaris.id,
            "roles": ["kepala_dinas"],
            "starts_on": "2027-03-20",
            "ends_on": "2027-03-19",
        },
    )
    assert bad.status_code == 422 and 'value="2027-03-20"' in bad.get_data(as_text=True)
    # the API: the list, a refused creation, the revocation
    headers = api_headers(people.sysadmin)
    body = client.get("/api/v1/delegations", headers=headers).get_json()
    assert [(d["delegate"]["id"], d["roles"], d["active"]) for d in body["current"]] == [
        (sekretaris.id, ["kepala_dinas"], True)
    ]
    refused = client.post(
        "/api/v1/delegations",
        json={
            "delegate_id": people.verifikator.id,
            "roles": ["kepala_dinas"],
            "starts_on": "2027-03-20",
            "ends_on": "2027-03-21",
        },
        headers=api_headers(people.kepala_bidang),
    )
    assert refused.status_code == 422 and refused.get_json()["field"] == "roles"
    made = client.post(
        "/api/v1/delegations",
        json={
            "delegator_id": people.kepala_bidang.id,
            "delegate_id": people.sub_koordinator.id,
            "roles": ["kepala_bidang"],
            "kind": "plt",
            "starts_on": "2027-03-20",
            "ends_on": "2027-03-21",
        },
        headers=headers,
    )
    assert made.status_code == 201 and made.get_json()["kind_label"] == "Plt."
    revoked = client.post(f"/api/v1/delegations/{body['current'][0]['id']}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False
    assert client.get("/api/v1/delegations", headers=headers).get_json()["current"] == []
    # a person who decides nothing has no delegation page
    login(client, people.creator)
    assert client.get("/delegations").status_code == 403
