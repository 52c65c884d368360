"""Notifications on Telegram (the messaging plugin) against a Bot API stub on 127.0.0.1, delivered by
a real RQ worker: linking by a one-time deep link, the message and its button, 429 honoured, a
blocked bot turning the medium off, forged webhooks refused, /stop, long polling."""

from __future__ import annotations

import datetime as dt

from hub.extensions import db
from hub.notify.models import Notification, NotifyPreference
from hub.workflow import engine
from tests import messaging_support, workflow_support
from tests.messaging_support import (
    BASE_URL,
    BOT_TOKEN,
    WORKING,
    configure,
    deliveries,
    link_telegram,
    send_update,
    set_clock,
)
from tests.workflow_support import new_item

people = workflow_support.people  # the fixtures
app = messaging_support.app
flow = messaging_support.flow
telegram_stub = messaging_support.telegram_stub
CHAT = "5550001"


def _submit(people, **fields):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}], **fields)
    engine.submit(item.id, people.pemohon)
    return item


def test_a_submitted_item_reaches_the_verifier_on_telegram_once_with_a_working_link(
    app, client, login, people, run_jobs, flow, telegram_stub
):
    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, CHAT)
    assert telegram_stub.to(CHAT)[-1]["text"].startswith("Akun hub Anda terhubung")
    telegram_stub.sent.clear()

    item = _submit(people)
    (delivery,) = deliveries("telegram")
    assert delivery.status == "pending" and delivery.address == CHAT
    run_jobs()
    (message,) = telegram_stub.to(CHAT)
    assert message["parse_mode"] == "HTML"
    assert message["text"].startswith(f"<b>Menunggu tindakan Anda: {item.title}</b>")
    assert "Langkah: " in message["text"] and "Batas waktu: " in message["text"]
    (row,) = message["reply_markup"]["inline_keyboard"]
    (button,) = row
    assert button == {"text": "Buka di hub", "url": f"{BASE_URL}/items/{item.id}"}  # opens, never approves
    assert client.get(button["url"].removeprefix(BASE_URL)).status_code == 200  # the link works for her
    (delivery,) = deliveries("telegram")
    assert delivery.status == "sent" and delivery.attempts == 1 and delivery.remote_id == str(message["message_id"])

    from hub.notify.deliveries import deliver_job, queue_due

    assert queue_due() == 0 and deliver_job(delivery.id) == "not due or taken"
    run_jobs()
    assert len(telegram_stub.to(CHAT)) == 1  # never twice


def test_the_deep_link_works_once_and_expires_after_15_minutes(app, client, login, people, telegram_stub):
    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    page = client.post("/messaging/account", data={"action": "telegram_link"})
    import re

    token = re.search(r"start=([A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)
    set_clock(app, WORKING + dt.timedelta(minutes=15, seconds=1))
    assert send_update(app, telegram_stub.user_sends(CHAT, f"/start {token}")).json["outcome"] == "refused"
    assert "tidak berlaku" in telegram_stub.to(CHAT)[-1]["text"]
    from hub_messaging.models import TelegramChat

    assert db.session.get(TelegramChat, people.verifikator.id) is None

    set_clock(app, WORKING)
    token = link_telegram(app, client, telegram_stub, CHAT)
    db.session.expire_all()
    assert db.session.get(TelegramChat, people.verifikator.id).chat_id == CHAT
    # the same token again, from someone else's chat: refused, the link stays where it is
    assert send_update(app, telegram_stub.user_sends("5550002", f"/start {token}")).json["outcome"] == "refused"
    db.session.expire_all()
    assert db.session.get(TelegramChat, people.verifikator.id).chat_id == CHAT
    page = client.get("/messaging/account").get_data(as_text=True)
    assert "Unlink Telegram" in page or "Putuskan Telegram" in page

    # /stop unlinks
    assert send_update(app, telegram_stub.user_sends(CHAT, "/stop")).json["outcome"] == "stopped"
    db.session.expire_all()
    assert db.session.get(TelegramChat, people.verifikator.id) is None


def test_a_429_waits_as_long_as_telegram_asks(app, client, login, people, run_jobs, flow, telegram_stub):
    from hub.notify.deliveries import deliver_job, queue_due

    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, CHAT)
    telegram_stub.sent.clear()
    telegram_stub.rate_limit_next(retry_after=30)
    _submit(people)
    run_jobs()
    assert telegram_stub.to(CHAT) == []
    (delivery,) = deliveries("telegram")
    assert delivery.status == "pending" and delivery.attempts == 1 and "429" in delivery.last_error
    wait = (delivery.next_attempt_at - WORKING).total_seconds()
    assert 30 <= wait <= 33  # retry_after, plus at most 10 % jitter
    # not before
    set_clock(app, WORKING + dt.timedelta(seconds=29))
    assert queue_due() == 0 and deliver_job(delivery.id) == "not due or taken"
    assert telegram_stub.to(CHAT) == []
    set_clock(app, WORKING + dt.timedelta(seconds=34))
    assert queue_due() == 1
    run_jobs()
    assert len(telegram_stub.to(CHAT)) == 1
    (delivery,) = deliveries("telegram")
    assert delivery.status == "sent" and delivery.attempts == 2


def test_a_blocked_bot_turns_telegram_off_and_tells_the_person(
    app, client, login, people, run_jobs, flow, telegram_stub
):
    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, CHAT)
    telegram_stub.blocked.add(CHAT)
    _submit(people)
    run_jobs()
    (delivery,) = deliveries("telegram")
    assert delivery.status == "refused" and "blocked" in delivery.last_error and delivery.attempts == 1
    db.session.expire_all()
    pref = db.session.get(NotifyPreference, people.verifikator.id)
    assert "telegram" in pref.disabled and "blocked" in pref.disabled["telegram"]["reason_en"]
    told = db.session.execute(
        db.select(Notification).where(
            Notification.user_id == people.verifikator.id, Notification.kind == "medium_refused"
        )
    ).scalar_one()
    assert told.title_id == "Telegram dinonaktifkan untuk Anda" and told.url == "/account/notifications"
    account = client.get("/account").get_data(as_text=True)
    assert "Telegram" in account and "bot was blocked by the user" in account
    assert "bot was blocked by the user" in client.get("/account/notifications").get_data(as_text=True)
    admin = app.test_client()
    from tests.messaging_support import BOT_USERNAME  # noqa: F401

    login(admin, people.sysadmin)
    page = admin.get("/admin/notifications").get_data(as_text=True)
    assert "Vera Verifikator" in page and "bot was blocked by the user" in page

    # nothing more is tried on Telegram until she turns it on again
    _submit(people)
    run_jobs()
    assert len(deliveries("telegram")) == 1
    telegram_stub.blocked.discard(CHAT)
    form = {"telegram:assigned": "1", "quiet_hours": "1", "enable": "telegram"}
    assert client.post("/account/notifications", data=form).status_code == 302
    _submit(people)
    run_jobs()
    assert [d.status for d in deliveries("telegram")] == ["refused", "sent"]


def test_forged_telegram_webhooks_are_refused_and_change_nothing(app, client, login, people, telegram_stub):
    from hub_messaging.models import LinkToken, TelegramChat

    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    page = client.post("/messaging/account", data={"action": "telegram_link"}).get_data(as_text=True)
    import re

    token = re.search(r"start=([A-Za-z0-9_-]+)", page).group(1)
    update = telegram_stub.user_sends("6660001", f"/start {token}")
    assert send_update(app, update, secret="guessed").status_code == 403
    resp = app.test_client().post("/messaging/telegram/webhook", json=update)  # no header at all
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(TelegramChat, people.verifikator.id) is None
    assert db.session.execute(db.select(LinkToken.used_at)).scalar() is None
    assert telegram_stub.to("6660001") == []  # no reply either
    # the real one still works: nothing was used up
    assert send_update(app, update).json["outcome"] == "linked"


def test_long_polling_links_without_a_public_address(app, runner, people, telegram_stub):
    from hub_messaging.models import TelegramChat
    from hub_messaging.telegram import new_link

    configure(telegram=telegram_stub)
    link, _expires = new_link(people.verifikator)
    db.session.commit()
    telegram_stub.user_sends(CHAT, "/start " + link.split("start=")[1])
    result = runner.invoke(args=["messaging", "telegram-poll", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(TelegramChat, people.verifikator.id).chat_id == CHAT
    # the offset moved on: the same update is not handled twice
    assert runner.invoke(args=["messaging", "telegram-poll", "--once"]).output.startswith("0 ")


def test_the_bot_token_is_encrypted_at_rest_and_set_on_the_admin_page(app, login, people, telegram_stub):
    from hub.models import Setting

    admin = app.test_client()
    login(admin, people.sysadmin)
    page = admin.get("/messaging/admin")
    assert page.status_code == 200
    resp = admin.post(
        "/messaging/admin",
        data={"action": "save", "telegram_bot_username": "diskominfo_hub_bot", "telegram_bot_token": BOT_TOKEN},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Setting, ("messaging.secrets", "telegram_bot_token"))
    assert stored is not None and BOT_TOKEN not in str(stored.value)
    assert BOT_TOKEN not in admin.get("/messaging/admin").get_data(as_text=True)  # never shown back
    from hub_messaging.secrets import get_secret

    assert get_secret("telegram_bot_token") == BOT_TOKEN


def test_the_admin_sets_the_webhook_and_sends_a_test_message(app, login, people, telegram_stub):
    configure(telegram=telegram_stub)
    admin = app.test_client()
    login(admin, people.sysadmin)
    assert admin.post("/messaging/admin", data={"action": "webhook"}).status_code == 302
    assert telegram_stub.webhook["url"] == f"{BASE_URL}/messaging/telegram/webhook"
    secret = telegram_stub.webhook["secret_token"]
    assert secret != "tg-webhook-secret-123"  # a new one, and the old one no longer opens the door
    update = telegram_stub.user_sends("7770001", "/start nothing-valid")
    assert send_update(app, update).status_code == 403
    assert send_update(app, update, secret=secret).json["outcome"] == "refused"

    resp = admin.post("/messaging/admin", data={"action": "test"}, follow_redirects=True)
    assert "Hubungkan dulu Telegram" in resp.get_data(as_text=True)  # not linked yet: nothing to send to
    link_telegram(app, admin, telegram_stub, "7770002", secret=secret)
    resp = admin.post("/messaging/admin", data={"action": "test"}, follow_redirects=True)
    assert "Pesan uji terkirim." in resp.get_data(as_text=True)
    message = telegram_stub.to("7770002")[-1]
    assert "Pesan uji dari hub" in message["text"] and message["parse_mode"] == "HTML"


def test_the_office_default_decides_for_people_who_chose_nothing(
    app, client, login, people, run_jobs, flow, telegram_stub
):
    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, CHAT)
    admin = app.test_client()
    login(admin, people.sysadmin)
    page = admin.get("/admin/notifications").get_data(as_text=True)
    assert 'name="telegram:assigned"' in page
    assert admin.post("/admin/notifications", data={"telegram:overdue": "1"}).status_code == 302
    _submit(people)
    assert deliveries("telegram") == []  # "assigned" is not on Telegram by default any more
    assert admin.post("/admin/notifications", data={"telegram:assigned": "1"}).status_code == 302
    _submit(people)
    assert len(deliveries("telegram")) == 1


def test_the_delivery_pages_run_a_fixed_number_of_statements(app, client, login, people, flow, telegram_stub):
    from hub_messaging.telegram import TelegramNotifier

    from hub.notify.deliveries import disable_medium
    from tests.query_counter import count_statements

    configure(telegram=telegram_stub)
    admin = app.test_client()
    login(admin, people.sysadmin)
    login(client, people.verifikator)

    def counts():
        with count_statements() as on_admin:
            assert admin.get("/admin/notifications").status_code == 200
        with count_statements() as on_account:
            assert client.get("/account/notifications").status_code == 200
        return len(on_admin), len(on_account)

    _submit(people)
    disable_medium(people.sysadmin, TelegramNotifier(), "diblokir", "blocked")
    db.session.commit()
    before = counts()
    for person in (people.verifikator, people.kepala_bidang, people.kepala_dinas):
        disable_medium(person, TelegramNotifier(), "diblokir", "blocked")
    for _ in range(3):
        _submit(people)
    db.session.commit()
    assert counts() == before


def test_5xx_is_retried_with_back_off_and_given_up_after_the_last_attempt(
    app, client, login, people, run_jobs, flow, telegram_stub
):
    from flask import jsonify

    from hub.notify.deliveries import queue_due

    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, CHAT)
    telegram_stub.sent.clear()
    app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    path = f"/bot{BOT_TOKEN}/sendMessage"
    for _ in range(2):
        telegram_stub.fail_next(
            "POST", path, lambda: (jsonify(ok=False, error_code=502, description="Bad Gateway"), 502)
        )
    _submit(people)
    run_jobs()
    (delivery,) = deliveries("telegram")
    assert delivery.status == "pending" and delivery.attempts == 1 and "502" in delivery.last_error
    wait = (delivery.next_attempt_at - WORKING).total_seconds()
    assert 15 <= wait <= 30  # DISPATCH_RETRY_BASE (30 s) with equal jitter
    set_clock(app, WORKING + dt.timedelta(seconds=31))
    assert queue_due() == 1
    run_jobs()
    (delivery,) = deliveries("telegram")
    assert delivery.status == "failed" and delivery.attempts == 2  # not retried forever
    assert telegram_stub.to(CHAT) == []
    db.session.expire_all()
    assert db.session.get(NotifyPreference, people.verifikator.id) is None  # a failure is not a refusal


def test_a_delivery_left_half_sent_by_a_dead_worker_is_never_sent_again(
    app, client, login, people, run_jobs, flow, telegram_stub
):
    from hub.notify.deliveries import _claim, queue_due

    configure(telegram=telegram_stub)
    login(client, people.verifikator)
    link_telegram(app, client, telegram_stub, CHAT)
    telegram_stub.sent.clear()
    _submit(people)
    (delivery,) = deliveries("telegram")
    assert _claim([delivery.id]) == [delivery.id]  # a worker took it, then died before recording anything
    set_clock(app, WORKING + dt.timedelta(minutes=9))
    assert queue_due() == 0 and deliveries("telegram")[0].status == "sending"  # its claim still holds
    set_clock(app, WORKING + dt.timedelta(minutes=11))
    assert queue_due() == 0
    run_jobs()
    (delivery,) = deliveries("telegram")
    assert delivery.status == "failed" and "not sent again" in delivery.last_error
    assert telegram_stub.to(CHAT) == []
