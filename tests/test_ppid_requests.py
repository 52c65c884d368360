"""PPID information requests (UU 14/2008 Pasal 22): the public form and its guards, the tracking
page, the legal clock on the working calendar, the extension, decisions and the answer letter,
personal data encrypted, audited and erased."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hub_website import ppid_clock, ppid_requests
from hub_website.ppid_models import PpidMessage, PpidRequest

from hub.extensions import db
from hub.models.audit import AuditEntry
from hub.notify.models import Notification
from hub.workflow.models import Holiday
from tests.ppid_support import FORM, file_request, ppid_app, smtp_server, tracking_link, wib  # noqa: F401 - fixtures


@pytest.fixture
def office(make_org):
    return make_org("Diskominfotik Sumbar", kind="operator")


@pytest.fixture
def officer(make_user, office):
    return make_user("petugas.ppid", roles=["ppid"], org=office)


def _create(now, **changes) -> tuple[PpidRequest, str]:
    req, secret = ppid_requests.create({**FORM, **changes}, now=now)
    db.session.commit()
    return req, secret


def test_friday_afternoon_before_a_monday_holiday_is_due_on_the_tenth_working_day(app, office):
    db.session.add(Holiday(day=dt.date(2026, 11, 9), name="Cuti bersama"))
    db.session.commit()
    req, _secret = _create(wib(2026, 11, 6, 15, 0))  # Friday 15:00 WIB, inside working hours
    # day 0 is that Friday; the holiday Monday does not count: Tue 10 … Mon 23 November is the tenth
    assert req.due_at == wib(2026, 11, 23, 16, 0)  # closing time of Monday 23 November
    assert req.number == "PPID-2026-0001"
    # without the holiday it would have been Friday 20 November (16:30 on Fridays)
    assert ppid_clock.due_after(wib(2026, 11, 13, 15, 0), 10) == wib(2026, 11, 27, 16, 30)
    # after closing time it counts from the next working day
    late, _ = _create(wib(2026, 11, 6, 17, 0))
    assert late.due_at == wib(2026, 11, 24, 16, 0)
    # numbers follow the highest one of the year (a number taken twice at once is retried)
    assert late.number == "PPID-2026-0002"
    late.number = "PPID-2026-0007"
    db.session.commit()
    assert _create(wib(2026, 11, 10, 9, 0))[0].number == "PPID-2026-0008"
    assert _create(wib(2027, 1, 4, 9, 0))[0].number == "PPID-2027-0001"


def test_an_extension_moves_the_due_day_by_at_most_seven_working_days_and_notifies(
    app, office, officer, smtp, run_jobs
):
    db.session.add(Holiday(day=dt.date(2026, 11, 9), name="Cuti bersama"))
    db.session.commit()
    req, _secret = _create(wib(2026, 11, 6, 15, 0))
    with pytest.raises(ppid_requests.PpidError) as too_long:
        ppid_requests.extend(req, officer, days=8, reason="Dokumen di arsip pusat.")
    assert too_long.value.code == "ppid.extension_days"
    ppid_requests.extend(req, officer, days=7, reason="Dokumen di arsip pusat.")
    db.session.commit()
    assert req.extended_due_at == wib(2026, 12, 2, 16, 0)  # Mon 23 Nov + 7 working days
    assert req.due_at == wib(2026, 11, 23, 16, 0) and req.status == "extended"
    with pytest.raises(ppid_requests.PpidError) as twice:
        ppid_requests.extend(req, officer, days=1, reason="Lagi.")
    assert twice.value.code == "ppid.extended_once"

    run_jobs()
    mails = smtp.to(FORM["email"])
    assert [m["Subject"] for m in mails] == [
        "Permohonan informasi publik PPID-2026-0001 diterima",
        "Permohonan PPID-2026-0001: jawaban diperpanjang",
    ]
    notice = mails[1].get_content()
    assert "2 Desember 2026" in notice and "Dokumen di arsip pusat." in notice
    assert "Pasal 22 ayat (8)" in notice
    assert {m.status for m in db.session.execute(db.select(PpidMessage)).scalars()} == {"sent"}


def test_the_public_form_registers_a_request_and_mails_the_tracking_link(app, client, office, officer, smtp, run_jobs):
    assert 'href="/ppid/request"' in client.get("/ppid/dip").get_data(as_text=True)
    resp = file_request(client)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    page = resp.get_data(as_text=True)
    assert re.search(r"PPID-\d{4}-0001", page)
    link = tracking_link(page)
    run_jobs()
    (mail,) = smtp.to(FORM["email"])
    assert "https://hub.example.go.id" + link in mail.get_content()

    # the PPID is told in the hub
    (note,) = db.session.execute(db.select(Notification).where(Notification.kind == "ppid_request")).scalars()
    assert note.user_id == officer.id and note.url == f"/ppid/register/{link.split('/')[3]}"
    # the tracking page: status and due date, never the personal data
    track = client.get(link).get_data(as_text=True)
    assert "Diterima, sedang diproses" in track and "Batas waktu jawaban" in track
    for value in (FORM["name"], FORM["nik"], FORM["email"], FORM["phone"], "Sudirman", "Rahmat"):
        assert value not in track
    # a wrong secret, or the right secret on another request: 404
    request_id = int(link.split("/")[3])
    assert client.get(f"/ppid/track/{request_id}/wrong-secret").status_code == 404
    assert client.get(f"/ppid/track/{request_id + 1}/{link.split('/')[4]}").status_code == 404

    # personal data is encrypted at rest; throttling and look-ups use an HMAC of the e-mail
    req = db.session.get(PpidRequest, request_id)
    raw = bytes(req.personal)
    for value in (FORM["nik"], FORM["email"], FORM["name"]):
        assert value.encode() not in raw
    assert ppid_requests.personal(req)["nik"] == FORM["nik"]


def test_the_form_keeps_what_was_typed_and_names_each_problem(app, client, office):
    resp = file_request(client, nik="12345", email="bukan-email", info_requested="")
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "NIK adalah 16 digit" in page and "Ini bukan alamat e-mail." in page
    assert FORM["address"] in page and "bukan-email" in page  # nothing lost
    # an organisation needs its name and legal basis instead of a NIK
    org = file_request(client, requester_kind="organisation", nik="", organisation="", legal_basis="")
    assert org.status_code == 422 and org.get_data(as_text=True).count("Kolom ini wajib diisi.") == 2
    assert db.session.execute(db.select(PpidRequest)).scalars().all() == []


def test_abuse_guards_honeypot_challenge_and_throttling(app, client, office, monkeypatch):
    # a robot that fills the hidden field sees a thank-you page and nothing is kept
    bot = file_request(client, website="http://spam.example")
    assert bot.status_code == 200 and "PPID-" not in bot.get_data(as_text=True)
    # a wrong answer to the sum
    page = client.get("/ppid/request").get_data(as_text=True)
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    wrong = client.post("/ppid/request", data={**FORM, "challenge_token": token, "challenge": "99"})
    assert wrong.status_code == 422 and "Jawaban penjumlahan salah" in wrong.get_data(as_text=True)
    # the wrong answer used the question up: no second guess on it
    a, b = (int(x) for x in re.search(r"(\d+) \+ (\d+)", page).groups())
    retry = client.post("/ppid/request", data={**FORM, "challenge_token": token, "challenge": str(a + b)})
    assert retry.status_code == 422
    # a right answer is usable once
    page = client.get("/ppid/request").get_data(as_text=True)
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    a, b = (int(x) for x in re.search(r"(\d+) \+ (\d+)", page).groups())
    first = client.post("/ppid/request", data={**FORM, "challenge_token": token, "challenge": str(a + b)})
    again = client.post("/ppid/request", data={**FORM, "challenge_token": token, "challenge": str(a + b)})
    assert first.status_code == 200 and again.status_code == 422
    assert db.session.execute(db.select(db.func.count(PpidRequest.id))).scalar_one() == 1
    # per e-mail address: 3 a day by default (one used above)
    assert file_request(client).status_code == 200
    assert file_request(client).status_code == 200
    throttled = file_request(client)
    assert throttled.status_code == 429 and FORM["info_requested"] in throttled.get_data(as_text=True)
    # per network address: the setting
    monkeypatch.setenv("HUB_WEBSITE_PPID_REQUESTS_PER_ADDRESS", "5")
    assert file_request(client, email="lain@example.com").status_code == 200
    assert file_request(client, email="lain2@example.com").status_code == 429
    assert db.session.execute(db.select(db.func.count(PpidRequest.id))).scalar_one() == 4


def test_a_refusal_must_name_an_exception_class_and_a_reason(app, client, login, office, officer, smtp, run_jobs):
    req, secret = _create(dt.datetime.now(dt.UTC))
    login(client, officer)
    no_class = client.post(
        f"/ppid/register/{req.id}/decide", data={"decision": "refused", "answer": "Tidak dapat diberikan."}
    )
    assert no_class.status_code == 422 and "Pasal 17" in no_class.get_data(as_text=True)
    no_reason = client.post(
        f"/ppid/register/{req.id}/decide",
        data={"decision": "refused", "answer": "Tidak dapat diberikan.", "exception_class": "h"},
    )
    assert no_reason.status_code == 422 and "uji konsekuensi" in no_reason.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PpidRequest, req.id).decision is None

    ok = client.post(
        f"/ppid/register/{req.id}/decide",
        data={
            "decision": "refused",
            "answer": "Informasi memuat data pribadi pegawai.",
            "exception_class": "h",
            "consequence_reason": "Membuka rincian gaji per pegawai mengungkap rahasia pribadi mereka.",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    req = db.session.get(PpidRequest, req.id)
    assert req.decision == "refused" and req.exception_class == "h" and req.status == "answered"
    letter = client.get(f"/ppid/register/{req.id}/letter.pdf")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF-")

    run_jobs()
    answer = smtp.to(FORM["email"])[-1]
    assert answer["Subject"] == f"Permohonan {req.number}: jawaban PPID"
    (pdf,) = [part for part in answer.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF-")
    # the requester sees the answer on the tracking page
    track = client.get(f"/ppid/track/{req.id}/{secret}").get_data(as_text=True)
    assert "Ditolak" in track and "Dijawab" in track


def test_a_granted_answer_sends_the_documents(app, client, login, office, officer, smtp, run_jobs):
    import io

    req, _secret = _create(dt.datetime.now(dt.UTC))
    login(client, officer)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    bad = client.post(
        f"/ppid/register/{req.id}/decide",
        data={"decision": "granted", "answer": "Terlampir.", "documents": (io.BytesIO(b"<html>"), "x.html")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "x.html" in bad.get_data(as_text=True)
    ok = client.post(
        f"/ppid/register/{req.id}/decide",
        data={"decision": "granted", "answer": "Terlampir.", "documents": (io.BytesIO(pdf), "realisasi 2025.pdf")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    run_jobs()
    answer = smtp.to(FORM["email"])[-1]
    names = [part.get_filename() for part in answer.iter_attachments()]
    assert names == [f"jawaban-{req.number}.pdf", "realisasi_2025.pdf"]


def test_personal_data_is_for_ppid_roles_every_view_audited(app, client, login, office, officer, make_user):
    req, _secret = _create(dt.datetime.now(dt.UTC))
    outsider = make_user("kreator", roles=["pembuat_konten"], org=office)
    login(client, outsider)
    assert client.get(f"/ppid/register/{req.id}").status_code == 403
    assert client.get("/ppid/register").status_code == 403
    client.post("/logout")

    login(client, officer)
    page = client.get(f"/ppid/register/{req.id}").get_data(as_text=True)
    assert FORM["nik"] in page and FORM["email"] in page
    client.get(f"/ppid/register/{req.id}")
    views = (
        db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "ppid_request.personal_viewed"))
        .scalars()
        .all()
    )
    assert [(v.actor_name, v.target_id) for v in views] == [("petugas.ppid", str(req.id))] * 2
    # the register itself lists no personal data
    register = client.get("/ppid/register").get_data(as_text=True)
    assert req.number in register and FORM["name"] not in register


def test_overdue_requests_are_on_the_ppid_dashboard(app, client, login, office, officer):
    old, _ = _create(dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    _create(dt.datetime.now(dt.UTC))
    login(client, officer)
    page = client.get("/").get_data(as_text=True)
    assert "1 permohonan informasi terlambat dijawab." in page and old.number in page


def test_an_overdue_request_is_escalated_once_to_the_atasan_ppid(app, office, officer, make_user, run_jobs):
    from hub.models.audit import AuditEntry
    from hub.notify.models import Notification
    from hub.queue import get_queue

    atasan = make_user("atasan", roles=["atasan_ppid"], org=office)
    queue = get_queue()
    scheduled = len(queue.scheduled_job_registry.get_job_ids())
    req, _ = _create(wib(2026, 11, 6, 15, 0))
    # the check is scheduled for just after the due time
    assert len(queue.scheduled_job_registry.get_job_ids()) == scheduled + 1
    due = req.current_due_at
    assert ppid_requests.escalate_overdue(due - dt.timedelta(minutes=1)) == []
    assert [r.id for r in ppid_requests.escalate_overdue(due + dt.timedelta(minutes=1))] == [req.id]
    assert ppid_requests.escalate_overdue(due + dt.timedelta(days=3)) == []  # once
    notes = db.session.scalars(db.select(Notification).where(Notification.kind == "escalated")).all()
    assert [(n.user_id, n.url) for n in notes] == [(atasan.id, f"/ppid/register/{req.id}")]
    assert (
        "Permohonan informasi terlambat" in notes[0].title_id
        and "Jumat, 20 November 2026 pukul 16.30 WIB" in notes[0].body_id
    )
    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action == "ppid_request.escalated"))
    assert list(actions) == ["ppid_request.escalated"]
    # an answered request is never escalated
    answered, _ = _create(wib(2026, 11, 6, 15, 0))
    ppid_requests.decide(answered, officer, decision="granted", answer="Terlampir.", now=wib(2026, 11, 10, 9, 0))
    db.session.commit()
    assert ppid_requests.escalate_overdue(answered.current_due_at + dt.timedelta(days=1)) == []


def test_personal_data_is_erased_after_the_retention_period(app, runner, office, officer):
    req, secret = _create(dt.datetime.now(dt.UTC) - dt.timedelta(days=100))
    fresh, _ = _create(dt.datetime.now(dt.UTC))
    ppid_requests.decide(
        req, officer, decision="granted", answer="Terlampir.", now=req.received_at + dt.timedelta(days=3)
    )
    db.session.commit()
    result = runner.invoke(args=["website", "ppid-erase", "--days", "30"])
    assert result.exit_code == 0 and result.output.startswith("1 ")
    db.session.expire_all()
    req = db.session.get(PpidRequest, req.id)
    assert req.personal is None and req.erased_at is not None and req.decision == "granted"
    assert db.session.get(PpidRequest, fresh.id).personal is not None
    assert ppid_requests.find_by_secret(req.id, secret) is not None  # tracking still works, showing no person


def test_a_refusal_links_the_dips_excluded_information_decision(app, office, officer, tmp_path):
    from tests.website_support import ppid_item

    excluded = ppid_item(officer, tmp_path, info_class="dikecualikan", title="Berkas penyidikan 2025")
    public = ppid_item(officer, tmp_path, info_class="berkala", title="Laporan keuangan 2025")
    db.session.commit()
    assert [i.id for i in ppid_requests.excluded_decisions()] == [excluded.id]
    req, _ = _create(dt.datetime.now(dt.UTC))
    reason = {"exception_class": "a", "consequence_reason": "Membuka berkas menghambat penyidikan yang berjalan."}
    with pytest.raises(ppid_requests.PpidError) as not_excluded:
        ppid_requests.decide(req, officer, decision="refused", answer="Ditolak.", excluded_item_id=public.id, **reason)
    assert not_excluded.value.code == "ppid.excluded_item"
    ppid_requests.decide(req, officer, decision="refused", answer="Ditolak.", excluded_item_id=excluded.id, **reason)
    db.session.commit()
    assert req.excluded_item_id == excluded.id


def test_the_tracking_secret_stays_out_of_the_access_log(app, office):
    from hub.access_log import redact

    req, secret = _create(dt.datetime.now(dt.UTC))
    assert secret not in redact(f"GET /ppid/track/{req.id}/{secret} HTTP/1.1")


def test_the_ppid_registers_a_paper_request_with_its_receipt_time(app, client, login, office, officer, run_jobs):
    login(client, officer)
    assert client.get("/ppid/register/new").status_code == 200
    paper = {**FORM, "email": "", "phone": "", "receive_how": "paper", "deliver_how": "collect"}
    future = client.post("/ppid/register/new", data={**paper, "received_at": "2999-01-01T09:00"})
    assert future.status_code == 422 and "tidak di masa depan" in future.get_data(as_text=True)
    done = client.post("/ppid/register/new", data={**paper, "received_at": "2026-11-06T15:00"})
    assert done.status_code == 200 and "/ppid/track/" in done.get_data(as_text=True)
    req = db.session.execute(db.select(PpidRequest)).scalar_one()
    assert req.received_at == wib(2026, 11, 6, 15, 0) and req.due_at == wib(2026, 11, 20, 16, 30)
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "ppid_request.received")).scalar_one()
    assert entry.actor_name == "petugas.ppid"
    run_jobs()
    (message,) = db.session.execute(db.select(PpidMessage)).scalars()
    assert message.status == "skipped"  # no e-mail address: the number and link are given on paper
