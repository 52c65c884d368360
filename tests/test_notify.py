"""Notifications: in-app rows in the decision's transaction, e-mails sent by a real RQ worker to a
local SMTP server (aiosmtpd), nothing sent without SMTP settings, overdue steps notified once."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.extensions import db
from hub.models import utcnow
from hub.notify.models import Notification
from hub.workflow import engine
from hub.workflow.models import StepInstance
from tests import workflow_support
from tests.mail_support import smtp_server  # noqa: F401 - the SMTP server fixture (smtp)
from tests.workflow_support import CheckedPlugin, assign, current_step, decide, new_item

people = workflow_support.people  # the fixture


@pytest.fixture
def app(make_app, smtp):
    app = make_app(
        EXTRA_PLUGINS=[CheckedPlugin()],
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_STARTTLS=False,
        SMTP_FROM="hub@diskominfo.example.go.id",
        BASE_URL="https://hub.example.go.id",
    )
    with app.app_context():
        yield app


@pytest.fixture
def flow(people):
    return assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"]
    )


def notes(user, kind=None) -> list[Notification]:
    db.session.expire_all()
    stmt = db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.execute(stmt).scalars())


def test_next_steps_role_gets_an_in_app_note_and_an_email(app, smtp, people, make_user, run_jobs, flow):
    second = make_user("vina", roles=["verifikator"], org=people.operator, email="bounce-vina@example.go.id")
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    (vera_note,) = notes(people.verifikator)
    assert vera_note.kind == "step_waiting" and vera_note.email_status == "pending"
    assert notes(people.kepala_dinas) == [] and notes(people.pemohon) == []

    run_jobs()
    assert [rcpts for _, rcpts in smtp.envelopes] == [["vera@example.go.id"]]
    message = smtp.messages[0]
    assert message["From"] == "hub@diskominfo.example.go.id"
    # one language per message: the person's own (kept on the account)
    assert message["Subject"] == f"Menunggu tindakan Anda: {item.title}"
    body = message.get_content()
    assert "Menerima surat permintaan" in body and "Receive the display request" not in body
    assert f"Buka di hub: https://hub.example.go.id/items/{item.id}" in body
    assert notes(people.verifikator)[0].email_status == "sent"
    (refused,) = notes(second, "step_waiting")
    assert refused.email_status == "failed" and "550" in refused.email_error
    # a 5xx for the address is a definite refusal: e-mail is turned off for her, and she is told in the hub
    (told,) = notes(second, "medium_refused")
    assert told.title_id == "Surel dinonaktifkan untuk Anda" and told.email_status == "skipped"
    run_jobs()
    assert len(smtp.messages) == 1  # nothing is sent twice


def test_creator_is_told_of_a_return_and_a_rejection(app, smtp, people, run_jobs, flow):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    decide(item.id, people.verifikator, "return", return_to="creator", comment="Lampirkan surat permintaan.")
    (returned,) = notes(people.pemohon, "returned")
    assert "Lampirkan surat permintaan." in returned.body_id and returned.url == f"/items/{item.id}"
    engine.submit(item.id, people.pemohon)
    decide(item.id, people.verifikator, "reject", comment="Bukan skala provinsi.")
    (rejected,) = notes(people.pemohon, "rejected")
    assert "Bukan skala provinsi." in rejected.body_en
    run_jobs()
    to_creator = [m for m in smtp.messages if m["To"] == "pemohon@example.go.id"]
    assert [m["Subject"].split(":")[0] for m in to_creator] == ["Dikembalikan untuk perbaikan", "Ditolak"]


def test_a_rolled_back_decision_sends_nothing(app, smtp, people, run_jobs, flow):
    from hub.workflow.errors import InvalidRequest

    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    run_jobs()
    sent = len(smtp.messages)
    with pytest.raises(InvalidRequest):
        decide(item.id, people.verifikator, "reject")  # no comment: refused before anything is written
    db.session.rollback()
    run_jobs()
    assert len(smtp.messages) == sent and notes(people.pemohon) == []


def test_without_smtp_settings_notes_stay_in_app(make_app, people, flow):
    from hub.queue import get_queue

    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()], SMTP_HOST="")
    with app.app_context():
        item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
        engine.submit(item.id, people.pemohon)
        (note,) = notes(people.verifikator)
        assert note.email_status == "skipped"
        assert not any(j.func_name.endswith("deliver_job") for j in get_queue().get_jobs())
        from hub.notify.models import NotificationDelivery

        assert db.session.execute(db.select(NotificationDelivery)).first() is None


def test_overdue_steps_are_flagged_and_notified_once(app, smtp, people, run_jobs, flow):
    from rq.registry import ScheduledJobRegistry

    from hub.queue import get_queue
    from hub.workflow.overdue import check_overdue

    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    step = current_step(item.id)
    scheduled = ScheduledJobRegistry(queue=get_queue())
    assert f"hub-overdue-{step.id}" in scheduled.get_job_ids()  # a check waits for the due time
    assert check_overdue() == []  # not due yet

    step.due_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    get_queue().enqueue_call("hub.workflow.overdue.overdue_job", args=(step.id,))
    run_jobs()  # the scheduled check, run now by a real worker
    (overdue,) = notes(people.verifikator, "overdue")
    assert "melewati batas waktu" in overdue.body_id and overdue.item_id == item.id
    assert db.session.get(StepInstance, step.id).overdue_notified_at is not None
    assert check_overdue() == []  # once only
    assert len(notes(people.verifikator, "overdue")) == 1
    assert any("Terlambat" in m["Subject"] for m in smtp.messages)


def test_the_periodic_sweep_is_scheduled_once_and_keeps_itself_going(app, people, flow):
    from rq.registry import ScheduledJobRegistry

    from hub.queue import get_queue, redis_connection
    from hub.workflow.overdue import ensure_sweep, sweep_job

    redis_connection().flushdb()  # start without any scheduled job
    scheduled = ScheduledJobRegistry(queue=get_queue())

    def sweeps():
        return sorted(j for j in scheduled.get_job_ids() if j.startswith("hub-overdue-sweep-"))

    ensure_sweep()
    ensure_sweep()
    assert len(sweeps()) == 1  # one per time slot, however many ask
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)  # a transition asks again: still one
    assert len(sweeps()) == 1
    step = current_step(item.id)
    step.due_at = utcnow() - dt.timedelta(minutes=5)
    db.session.commit()
    for job_id in sweeps():
        get_queue().fetch_job(job_id).delete()  # as if Redis had lost it
    assert sweeps() == []
    assert sweep_job() == [step.id]  # the sweep flags the overdue step...
    assert len(sweeps()) == 1  # ...and schedules its next run
    assert len(notes(people.verifikator, "overdue")) == 1


def test_overdue_command_sweeps_for_cron(app, runner, people, flow):
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    step = current_step(item.id)
    step.due_at = utcnow() - dt.timedelta(hours=2)
    db.session.commit()
    result = runner.invoke(args=["workflow", "check-overdue"])
    assert result.exit_code == 0 and result.output.startswith("1 ")
    assert runner.invoke(args=["workflow", "check-overdue"]).output.startswith("0 ")


def test_notifications_and_emails_write_the_due_time_in_the_offices_zone(app, smtp, people, run_jobs, flow):
    people.operator.timezone = "Asia/Makassar"
    db.session.commit()
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    (note,) = notes(people.verifikator)
    step = current_step(item.id)
    assert step.due_at is not None
    from zoneinfo import ZoneInfo

    from hub.dates import format_moment

    wita = ZoneInfo("Asia/Makassar")
    assert f"Batas waktu: {format_moment(step.due_at, wita, 'id', 'long')}." in note.body_id
    assert " pukul " in note.body_id and note.body_id.rstrip(".").endswith("WITA")
    assert f"Due: {format_moment(step.due_at, wita, 'en', 'long')}." in note.body_en and " at " in note.body_en
    assert "Asia/" not in note.body_id + note.body_en  # no zone database names for people to decode
    run_jobs()
    body = smtp.messages[0].get_content()
    assert format_moment(step.due_at, wita, "id", "long") in body


def test_an_english_reader_gets_the_email_in_english_only(app, smtp, people, run_jobs, flow):
    people.verifikator.language = "en"
    db.session.commit()
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    run_jobs()
    (message,) = [m for m in smtp.messages if m["To"] == "vera@example.go.id"]
    assert message["Subject"] == f"Waiting for you: {item.title}"
    body = message.get_content()
    assert "Receive the display request" in body and "Menerima surat permintaan" not in body
    assert " / " not in message["Subject"] and "Buka di hub" not in body and "Open in the hub: " in body
