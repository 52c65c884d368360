"""Objections (keberatan) to the atasan PPID (UU 14/2008 Pasal 35-36): within 30 working days of
the reason, refused after with the rule named; registered in the atasan PPID's notifications and
dashboard; answered by letter; the yearly report's figures from a seeded year."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hub_website import ppid_clock, ppid_objections, ppid_reports, ppid_requests
from hub_website.ppid_models import PpidObjection, PpidRequest
from openpyxl import load_workbook

from hub.extensions import db
from hub.notify.models import Notification
from hub.reports.base import Period
from tests.ppid_support import FORM, ppid_app, smtp_server, wib  # noqa: F401 - fixtures
from tests.query_counter import count_statements


@pytest.fixture
def office(make_org):
    return make_org("Diskominfotik Sumbar", kind="operator")


@pytest.fixture
def officer(make_user, office):
    return make_user("petugas.ppid", roles=["ppid"], org=office)


@pytest.fixture
def atasan(make_user, office):
    return make_user("atasan.ppid", roles=["atasan_ppid"], org=office)


def _answered(officer, received, decided, decision="granted", **fields) -> tuple[PpidRequest, str]:
    req, secret = ppid_requests.create(dict(FORM), now=received)
    ppid_requests.decide(req, officer, decision=decision, answer="Jawaban PPID.", now=decided, **fields)
    db.session.commit()
    return req, secret


def test_an_objection_on_day_31_is_refused_with_the_rule(app, office, officer, atasan):
    # answered Monday 16 November 2026; day 30 after it is Monday 28 December
    req, _ = _answered(
        officer,
        wib(2026, 11, 10, 9, 0),
        wib(2026, 11, 16, 10, 0),
        "refused",
        exception_class="h",
        consequence_reason="Membuka data ini mengungkap rahasia pribadi.",
    )
    assert ppid_objections.deadline(req) == wib(2026, 12, 28, 16, 0)
    with pytest.raises(ppid_requests.PpidError) as late:
        ppid_objections.file(req, grounds=["a"], reason="Saya keberatan.", now=wib(2026, 12, 29, 9, 0))
    assert late.value.code == "ppid.objection_late"
    assert "Pasal 36 ayat (1)" in late.value.message and "2026-12-28" in late.value.message
    assert db.session.execute(db.select(PpidObjection)).scalars().all() == []
    # on day 30 it is in time
    objection = ppid_objections.file(req, grounds=["a"], reason="Saya keberatan.", now=wib(2026, 12, 28, 10, 0))
    db.session.commit()
    assert objection.number == "KEB-2026-0001" and objection.status == "registered"
    # the superior answers within 30 working days (the holidays of the calendar aside)
    assert objection.due_at == ppid_clock.due_after(wib(2026, 12, 28, 10, 0), 30)


def test_an_objection_in_time_reaches_the_atasan_ppid_and_is_answered_by_letter(
    app, client, login, office, officer, atasan, smtp, run_jobs
):
    now = dt.datetime.now(dt.UTC)
    req, secret = _answered(
        officer,
        now - dt.timedelta(days=3),
        now - dt.timedelta(days=1),
        "refused",
        exception_class="a",
        consequence_reason="Membuka berkas penyidikan menghambat penegakan hukum.",
    )
    track = client.get(f"/ppid/track/{req.id}/{secret}").get_data(as_text=True)
    assert "Ajukan keberatan" in track and "Permohonan tidak ditanggapi" in track
    no_ground = client.post(f"/ppid/track/{req.id}/{secret}/objection", data={"reason": "Tanpa alasan"})
    assert no_ground.status_code == 422 and "Pasal 35 ayat (1)" in no_ground.get_data(as_text=True)
    filed = client.post(
        f"/ppid/track/{req.id}/{secret}/objection",
        data={"grounds": ["a", "e"], "reason": "Informasi ini bukan berkas penyidikan."},
    )
    assert filed.status_code == 302
    objection = db.session.execute(db.select(PpidObjection)).scalar_one()
    assert objection.grounds == ["a", "e"]
    # in the atasan PPID's notifications (and e-mail), and on the dashboard
    (note,) = db.session.execute(db.select(Notification).where(Notification.user_id == atasan.id)).scalars()
    assert note.kind == "ppid_objection" and note.url == f"/ppid/register/objections/{objection.id}"
    objection_notes = db.select(Notification).where(Notification.kind == "ppid_objection")
    assert [n.user_id for n in db.session.execute(objection_notes).scalars()] == [atasan.id]

    login(client, officer)
    assert client.get(f"/ppid/register/objections/{objection.id}").status_code == 403
    client.post("/logout")
    login(client, atasan)
    dashboard = client.get("/").get_data(as_text=True)
    assert "1 keberatan menunggu tanggapan." in dashboard and objection.number in dashboard
    assert objection.number in client.get("/notifications").get_data(as_text=True)
    page = client.get(f"/ppid/register/objections/{objection.id}").get_data(as_text=True)
    assert "Informasi ini bukan berkas penyidikan." in page
    answered = client.post(
        f"/ppid/register/objections/{objection.id}/decide",
        data={"outcome": "upheld", "answer": "PPID diperintahkan memberikan informasi dalam 7 hari kerja."},
    )
    assert answered.status_code == 302
    assert client.get(f"/ppid/register/objections/{objection.id}/letter.pdf").data.startswith(b"%PDF-")

    run_jobs()
    subjects = [m["Subject"] for m in smtp.to(FORM["email"])]
    assert f"Keberatan {objection.number} tercatat" in subjects
    last = smtp.to(FORM["email"])[-1]
    assert last["Subject"] == f"Keberatan {objection.number}: tanggapan"
    assert [p.get_filename() for p in last.iter_attachments()] == [f"jawaban-{objection.number}.pdf"]
    to_staff = {m["To"]: m["Subject"] for m in smtp.messages if m["To"] != FORM["email"]}
    assert to_staff["atasan.ppid@example.go.id"] == f"Keberatan {objection.number} atas permohonan {req.number}"
    track = client.get(f"/ppid/track/{req.id}/{secret}").get_data(as_text=True)
    assert "Keberatan diterima" in track


def test_the_tracking_page_refuses_a_late_objection_naming_the_rule(app, client, office, officer):
    now = dt.datetime.now(dt.UTC)
    req, secret = _answered(officer, now - dt.timedelta(days=90), now - dt.timedelta(days=80))
    resp = client.post(f"/ppid/track/{req.id}/{secret}/objection", data={"grounds": ["d"], "reason": "Kurang lengkap."})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Keberatan terlambat" in page and "Pasal 36 ayat (1)" in page and "Kurang lengkap." in page
    assert "ppid.objection_late" not in page  # rule codes stay out of what people read
    assert db.session.execute(db.select(PpidObjection)).scalars().all() == []


def _seed_year(officer) -> dict[str, PpidRequest]:
    """2025: six answered requests (one late), one still open; one request in 2024 and one in 2026."""
    cal = ppid_clock.calendar()

    def received(month, day):
        return wib(2025, month, day, 9, 0)

    def after(moment, days):
        return ppid_clock.end_of(
            cal, ppid_clock.working_day_after(cal, ppid_clock.day_of(cal, moment), days)
        ) - dt.timedelta(hours=1)

    reasons = {"consequence_reason": "Membuka informasi ini menimbulkan kerugian yang nyata."}
    seeded = {}
    for key, month, day, days, decision, extra in [
        ("granted", 1, 6, 3, "granted", {}),
        ("partly", 2, 3, 5, "partly", {"exception_class": "h", **reasons}),
        ("late", 3, 3, 12, "refused", {"exception_class": "a", **reasons}),
        ("refused", 4, 7, 10, "refused", {"exception_class": "h", **reasons}),
        ("not_held", 5, 5, 2, "not_held", {}),
        ("forwarded", 6, 2, 1, "forwarded", {"forwarded_to": "Dinas Pendidikan Provinsi"}),
    ]:
        req, _ = ppid_requests.create(dict(FORM), now=received(month, day))
        ppid_requests.decide(
            req, officer, decision=decision, answer="Jawaban.", now=after(req.received_at, days), **extra
        )
        seeded[key] = req
    seeded["open"], _ = ppid_requests.create(dict(FORM), now=received(12, 1))
    ppid_requests.create(dict(FORM), now=wib(2024, 12, 31, 9, 0))
    ppid_requests.create(dict(FORM), now=wib(2026, 1, 2, 9, 0))
    db.session.flush()
    for key, outcome in (("forwarded", "upheld"), ("late", "rejected")):
        req = seeded[key]
        objection = ppid_objections.file(req, grounds=["e"], reason="", now=req.decided_at + dt.timedelta(days=2))
        ppid_objections.decide(
            objection, officer, outcome=outcome, answer="Tanggapan.", now=objection.filed_at + dt.timedelta(days=5)
        )
    db.session.commit()
    return seeded


def test_the_yearly_report_matches_a_seeded_year(app, client, login, office, officer, atasan):
    seeded = _seed_year(officer)
    figures = ppid_reports.figures(ppid_reports.requests_in(Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))))
    assert figures["received"] == 7 and figures["answered"] == 6 and figures["pending"] == 1
    assert figures["decisions"] == {"granted": 1, "partly": 1, "refused": 2, "not_held": 1, "forwarded": 1}
    assert dict(figures["refusal_reasons"]) == {"h": 2, "a": 1}
    assert figures["average_days"] == 5.5  # (3 + 5 + 12 + 10 + 2 + 1) / 6 working days
    assert figures["late"] == 2  # answered on day 12, and the one still open past its due day
    assert figures["objections"] == 2 and dict(figures["objection_outcomes"]) == {"upheld": 1, "rejected": 1}

    login(client, atasan)
    page = client.get("/reports/ppid_service_yearly?start=2025-01-01&end=2025-12-31")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Pasal 17 huruf h: mengungkap rahasia pribadi" in text and "Keberatan diterima" in text
    assert FORM["name"] not in text and FORM["nik"] not in text
    pdf = client.get("/reports/ppid_service_yearly.pdf?start=2025-01-01&end=2025-12-31")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    # the monthly recap flags the decision after the due date as late
    xlsx = client.get("/reports/ppid_requests_recap.xlsx?start=2025-03-01&end=2025-03-31")
    assert xlsx.status_code == 200
    rows = [[c.value for c in row] for ws in load_workbook(io.BytesIO(xlsx.data)).worksheets for row in ws.iter_rows()]
    (late_row,) = [r for r in rows if seeded["late"].number in r]
    assert late_row[-1] == "Ya" and late_row[-2] == 12
    assert not [r for r in rows if seeded["granted"].number in r]
    # the yearly report's default period is the year
    assert client.get("/reports/ppid_service_yearly").status_code == 200


def test_the_register_page_statements_do_not_grow_with_requests(app, client, login, office, officer):
    def fill(n):
        for _ in range(n):
            req, _ = ppid_requests.create(dict(FORM), now=dt.datetime.now(dt.UTC) - dt.timedelta(days=30))
            ppid_objections.file(req, grounds=["c"], reason="", now=dt.datetime.now(dt.UTC))
        db.session.commit()

    login(client, officer)
    fill(2)
    with count_statements() as few:
        assert client.get("/ppid/register").status_code == 200
        assert client.get("/").status_code == 200
    fill(6)
    with count_statements() as many:
        assert client.get("/ppid/register").status_code == 200
        assert client.get("/").status_code == 200
    assert len(many) == len(few)


def _pdf_text(data: bytes, tmp_path) -> str:
    import subprocess

    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_letters_and_e_mails_speak_the_language_the_request_was_filed_in(
    app, client, office, officer, smtp, run_jobs, tmp_path
):
    from hub_website.ppid_letters import answer_letter

    refused = {
        "exception_class": "h",
        "consequence_reason": "Membuka rincian gaji per pegawai mengungkap rahasia pribadi mereka.",
    }
    now = dt.datetime.now(dt.UTC)
    english, _ = ppid_requests.create({**FORM, "email": "en@example.com"}, lang="en", now=now)
    ppid_requests.decide(english, officer, decision="partly", answer="Part of it is attached.", now=now, **refused)
    indonesian, _ = ppid_requests.create(dict(FORM), now=now)
    ppid_requests.decide(indonesian, officer, decision="refused", answer="Tidak dapat diberikan.", now=now, **refused)
    db.session.commit()

    text = _pdf_text(answer_letter(english), tmp_path)
    assert "Decision: Partly granted." in text and "Art. 17(h): would reveal personal secrets" in text
    assert "Rahmat Hidayat" in text and "Jl. Sudirman" in text  # addressed to the requester
    text = _pdf_text(answer_letter(indonesian), tmp_path)
    assert "Keputusan: Ditolak." in text and "Pasal 17 huruf h: mengungkap rahasia pribadi" in text
    assert "Uji konsekuensi: Membuka rincian gaji" in text

    run_jobs()
    assert [m["Subject"] for m in smtp.to("en@example.com")] == [
        f"Request for public information {english.number} received",
        f"Request {english.number}: the PPID's answer",
    ]
    assert smtp.to(FORM["email"])[-1]["Subject"] == f"Permohonan {indonesian.number}: jawaban PPID"
