"""Quiet hours and digests: outside the office's working hours a phone message waits for the next
working morning (07:30) unless the item is urgent or the notification an escalation; a daily digest
gathers a day's notifications in one message. The clock is injected (``NOTIFY_NOW``)."""

from __future__ import annotations

import datetime as dt

from hub.extensions import db
from hub.notify.deliveries import queue_due
from hub.notify.models import NotifyPreference
from hub.notify.service import notify
from hub.workflow import engine
from tests import messaging_support, workflow_support
from tests.messaging_support import (
    WIB,
    WORKING,
    configure,
    deliveries,
    link_telegram,
    set_clock,
)
from tests.workflow_support import new_item

people = workflow_support.people  # the fixtures
app = messaging_support.app
flow = messaging_support.flow
telegram_stub = messaging_support.telegram_stub
CHAT = "5550001"
WED_21 = dt.datetime(2026, 12, 9, 21, 0, tzinfo=WIB)
THU_0730 = dt.datetime(2026, 12, 10, 7, 30, tzinfo=WIB)


def _linked(app, client, login, people, telegram_stub):
    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, CHAT)
    telegram_stub.sent.clear()


def _submit(people, **fields):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}], **fields)
    engine.submit(item.id, people.pemohon)
    return item


def test_a_notification_at_21_00_waits_for_07_30_the_next_working_day(
    app, client, login, people, run_jobs, flow, telegram_stub
):
    _linked(app, client, login, people, telegram_stub)
    set_clock(app, WED_21)
    _submit(people)
    (delivery,) = deliveries("telegram")
    assert delivery.next_attempt_at == THU_0730.astimezone(dt.UTC)
    run_jobs()
    set_clock(app, THU_0730 - dt.timedelta(minutes=1))
    assert queue_due() == 0
    run_jobs()
    assert telegram_stub.to(CHAT) == []
    set_clock(app, THU_0730)
    assert queue_due() == 1
    run_jobs()
    assert len(telegram_stub.to(CHAT)) == 1


def test_friday_evening_waits_for_monday_and_a_holiday_is_skipped(app, client, login, people, flow, telegram_stub):
    from hub.workflow.models import Holiday

    _linked(app, client, login, people, telegram_stub)
    db.session.add(Holiday(day=dt.date(2026, 12, 14), name="Cuti bersama"))  # Monday off
    db.session.commit()
    set_clock(app, dt.datetime(2026, 12, 11, 17, 0, tzinfo=WIB))  # Friday after closing
    _submit(people)
    (delivery,) = deliveries("telegram")
    assert delivery.next_attempt_at == dt.datetime(2026, 12, 15, 7, 30, tzinfo=WIB).astimezone(dt.UTC)


def test_urgent_items_and_escalations_do_not_wait(app, client, login, people, run_jobs, flow, telegram_stub):
    _linked(app, client, login, people, telegram_stub)
    set_clock(app, WED_21)
    _submit(people, priority=1)  # serta-merta
    notify(
        [people.verifikator],
        "escalated",
        title_id="Dieskalasi: Festival",
        title_en="Escalated: Festival",
        url="/items/1",
    )
    db.session.commit()
    assert {d.next_attempt_at for d in deliveries("telegram")} == {WED_21.astimezone(dt.UTC)}
    run_jobs()
    assert len(telegram_stub.to(CHAT)) == 2


def test_quiet_hours_can_be_turned_off(app, client, login, people, flow, telegram_stub):
    _linked(app, client, login, people, telegram_stub)
    form = {f"telegram:{k}": "1" for k in ("assigned", "returned", "overdue", "escalated", "published", "failed")}
    assert client.post("/account/notifications", data=form).status_code == 302  # quiet_hours unticked
    set_clock(app, WED_21)
    _submit(people)
    (delivery,) = deliveries("telegram")
    assert delivery.next_attempt_at == WED_21.astimezone(dt.UTC)


def test_the_daily_digest_sends_one_message_in_the_morning(app, client, login, people, run_jobs, flow, telegram_stub):
    _linked(app, client, login, people, telegram_stub)
    form = {f"telegram:{k}": "1" for k in ("assigned", "returned")}
    form.update(quiet_hours="1", digest="1")
    client.post("/account/notifications", data=form)
    db.session.expire_all()
    pref = db.session.get(NotifyPreference, people.verifikator.id)
    assert pref.digest and pref.media["telegram"] == ["assigned", "returned"]
    first = _submit(people, title="Festival Siti Nurbaya")
    set_clock(app, WORKING + dt.timedelta(hours=2))
    second = _submit(people, title="Pameran Batik")
    assert {d.digest for d in deliveries("telegram")} == {True}
    assert {d.next_attempt_at for d in deliveries("telegram")} == {THU_0730.astimezone(dt.UTC)}
    run_jobs()
    assert telegram_stub.to(CHAT) == []
    set_clock(app, THU_0730)
    assert queue_due() == 2
    run_jobs()
    (message,) = telegram_stub.to(CHAT)
    assert "Ringkasan notifikasi: 2 baru" in message["text"]
    assert first.title in message["text"] and second.title in message["text"]
    assert [d.status for d in deliveries("telegram")] == ["sent", "sent"]


def test_kinds_not_chosen_for_a_medium_are_not_sent_there(app, client, login, people, flow, telegram_stub):
    _linked(app, client, login, people, telegram_stub)
    client.post("/account/notifications", data={"telegram:overdue": "1", "quiet_hours": "1"})
    _submit(people)
    assert deliveries("telegram") == []


def test_the_choice_pages_speak_indonesian_and_english(app, client, login, people, telegram_stub):
    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Pilihan notifikasi" in page and "Jam tenang" in page and "Ditugaskan kepada saya" in page
    assert "Hubungkan Telegram" in client.get("/messaging/account").get_data(as_text=True)
    client.post("/lang", data={"lang": "en", "next": "/"})
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Notification choices" in page and "Quiet hours" in page and "Assigned to me" in page
    assert "Jam tenang" not in page
    assert "Link Telegram" in client.get("/messaging/account").get_data(as_text=True)
