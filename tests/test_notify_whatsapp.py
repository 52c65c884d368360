"""Notifications on WhatsApp (the messaging plugin) against a Cloud API stub on 127.0.0.1: a number
verified by a one-time code, template messages with their five parameters, statuses recorded from
signed webhooks, forged ones refused, a rejected template turning the medium off."""

from __future__ import annotations

import datetime as dt
import json
import re

from hub.extensions import db
from hub.notify.models import NotifyPreference
from hub.workflow import engine
from tests import messaging_support, workflow_support
from tests.messaging_support import (
    BASE_URL,
    GRAPH_VERSION,
    WORKING,
    configure,
    deliveries,
    link_telegram,
    set_clock,
    signed,
    status_payload,
)
from tests.workflow_support import current_step, new_item

people = workflow_support.people  # the fixtures
app = messaging_support.app
flow = messaging_support.flow
telegram_stub = messaging_support.telegram_stub
whatsapp_stub = messaging_support.whatsapp_stub
PHONE = "6281234567890"


def _verify(client, whatsapp_stub, phone_typed: str = "0812-3456-7890") -> None:
    resp = client.post("/messaging/account", data={"action": "whatsapp_number", "phone": phone_typed})
    assert resp.status_code == 302
    (code_message,) = whatsapp_stub.to(PHONE)
    assert code_message["template"] == "hub_kode_verifikasi" and code_message["language"] == "id"
    (code,) = code_message["params"]
    assert re.fullmatch(r"\d{6}", code)
    wrong = "000000" if code != "000000" else "111111"
    client.post("/messaging/account", data={"action": "whatsapp_code", "code": wrong})
    from hub_messaging.models import WhatsAppNumber

    db.session.expire_all()
    assert db.session.execute(db.select(WhatsAppNumber.verified_at)).scalar() is None
    client.post("/messaging/account", data={"action": "whatsapp_code", "code": code})
    db.session.expire_all()
    assert db.session.execute(db.select(WhatsAppNumber.verified_at)).scalar() is not None
    whatsapp_stub.sent.clear()


def test_a_submitted_item_reaches_the_verifier_on_telegram_and_whatsapp_once_each(
    app, client, login, people, run_jobs, flow, telegram_stub, whatsapp_stub
):
    configure(telegram=telegram_stub, whatsapp=whatsapp_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, "5550001")
    telegram_stub.sent.clear()
    # an unverified number gets nothing
    client.post("/messaging/account", data={"action": "whatsapp_number", "phone": "+62 812 3456 7890"})
    whatsapp_stub.sent.clear()
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    assert [d.medium for d in deliveries()] == ["telegram"]
    run_jobs()
    assert whatsapp_stub.sent == []

    _verify(client, whatsapp_stub)
    engine.decide(
        item.id,
        people.verifikator,
        "return",
        return_to="creator",
        comment="Lengkapi surat.",
        step_id=current_step(item.id).id,
    )
    engine.submit(item.id, people.pemohon)  # back to the verifier
    run_jobs()
    (message,) = whatsapp_stub.to(PHONE)
    assert whatsapp_stub.versions == {GRAPH_VERSION}
    assert message["template"] == "hub_notifikasi" and message["language"] == "id"
    name, title, step, due, link = message["params"]
    assert name == "Vera Verifikator" and title == item.title
    assert step == "Menerima surat permintaan" or step.startswith("Menerima")
    assert due != "-" and ("WIB" in due or "WITA" in due)
    assert link == f"{BASE_URL}/items/{item.id}"
    assert client.get(link.removeprefix(BASE_URL)).status_code == 200
    assert len(telegram_stub.to("5550001")) == 2  # one per time it came to her
    run_jobs()
    from hub.notify.deliveries import queue_due

    queue_due()
    run_jobs()
    assert len(whatsapp_stub.to(PHONE)) == 1  # never twice
    (wa,) = deliveries("whatsapp")
    assert wa.status == "sent" and wa.remote_id == message["id"]

    # delivery statuses come back signed, and are recorded on the delivery
    body = json.dumps(status_payload(message["id"], "delivered", PHONE)).encode()
    hook = app.test_client()
    resp = hook.post(
        "/messaging/whatsapp/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signed(body)},
    )
    assert resp.status_code == 200 and resp.json["recorded"] == 1
    (wa,) = deliveries("whatsapp")
    assert wa.remote_status == "delivered"


def test_a_forged_status_webhook_is_refused_and_changes_nothing(
    app, client, login, people, run_jobs, flow, whatsapp_stub
):
    configure(whatsapp=whatsapp_stub)
    login(client, people.verifikator)
    _verify(client, whatsapp_stub)
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    run_jobs()
    (message,) = whatsapp_stub.to(PHONE)
    body = json.dumps(status_payload(message["id"], "failed", PHONE)).encode()
    hook = app.test_client()
    for headers in (
        {"X-Hub-Signature-256": signed(body, "not-the-app-secret")},
        {},
        {"X-Hub-Signature-256": "sha256="},
    ):
        resp = hook.post("/messaging/whatsapp/webhook", data=body, content_type="application/json", headers=headers)
        assert resp.status_code == 403
    (wa,) = deliveries("whatsapp")
    assert wa.status == "sent" and wa.remote_status is None
    # a signature of another body does not fit this one
    other = json.dumps(status_payload(message["id"], "read", PHONE)).encode()
    resp = hook.post(
        "/messaging/whatsapp/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signed(other)},
    )
    assert resp.status_code == 403 and deliveries("whatsapp")[0].remote_status is None


def test_a_template_whatsapp_rejects_turns_whatsapp_off_for_the_person(
    app, client, login, people, run_jobs, flow, whatsapp_stub
):
    configure(whatsapp=whatsapp_stub)
    login(client, people.verifikator)
    _verify(client, whatsapp_stub)
    whatsapp_stub.templates.pop(("hub_notifikasi", "id"))  # Meta rejected (or the admin mistyped) it
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    run_jobs()
    (wa,) = deliveries("whatsapp")
    assert wa.status == "refused" and "132001" in wa.last_error and wa.attempts == 1
    db.session.expire_all()
    assert "whatsapp" in db.session.get(NotifyPreference, people.verifikator.id).disabled


def test_the_verification_code_expires(app, client, login, people, whatsapp_stub):
    configure(whatsapp=whatsapp_stub)
    login(client, people.verifikator)
    client.post("/messaging/account", data={"action": "whatsapp_number", "phone": "081234567890"})
    (code,) = whatsapp_stub.to(PHONE)[0]["params"]
    set_clock(app, WORKING + dt.timedelta(minutes=11))
    resp = client.post("/messaging/account", data={"action": "whatsapp_code", "code": code}, follow_redirects=True)
    assert "kedaluwarsa" in resp.get_data(as_text=True)
    from hub_messaging.models import WhatsAppNumber

    db.session.expire_all()
    assert db.session.execute(db.select(WhatsAppNumber.verified_at)).scalar() is None


def test_a_failed_status_for_an_unknown_number_turns_whatsapp_off(
    app, client, login, people, run_jobs, flow, whatsapp_stub
):
    configure(whatsapp=whatsapp_stub)
    login(client, people.verifikator)
    _verify(client, whatsapp_stub)
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    run_jobs()
    (message,) = whatsapp_stub.to(PHONE)
    errors = [{"code": 131026, "title": "Message undeliverable"}]
    body = json.dumps(status_payload(message["id"], "failed", PHONE, errors)).encode()
    resp = app.test_client().post(
        "/messaging/whatsapp/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signed(body)},
    )
    assert resp.status_code == 200
    (wa,) = deliveries("whatsapp")
    assert wa.status == "refused" and wa.remote_status == "failed" and "131026" in wa.last_error
    db.session.expire_all()
    assert "undeliverable" in db.session.get(NotifyPreference, people.verifikator.id).disabled["whatsapp"]["reason_en"]
