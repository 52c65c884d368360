"""Recaps built from proof of play (weekly and monthly: page, CSV, PDF) and the quarterly content plan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest

from hub.extensions import db
from tests.videotron_support import UTC, WIB, make_screen, video_asset, videotron_item

# the week of Monday 8 to Sunday 14 March 2027, in WIB
MONDAY = dt.datetime(2027, 3, 8, tzinfo=WIB)


def add_plays(screen, item, count: int, *, start: dt.datetime, seconds: float = 60.0, completed: bool = True):
    from hub_videotron.records import PlayRecord

    for n in range(count):
        started = start + dt.timedelta(minutes=2 * n)
        db.session.add(
            PlayRecord(
                screen_id=screen.id,
                item_id=item.id,
                item_title=item.title,
                play_uuid=str(uuid.uuid4()),
                started_at=started,
                ended_at=started + dt.timedelta(seconds=seconds),
                duration=seconds,
                completed=completed,
            )
        )
    db.session.commit()


@pytest.fixture
def recorded(app, make_user):
    """Plays of two items on three screens, inside and just outside the week."""
    creator = make_user("citra", roles=["pembuat_konten"])
    padang = make_screen("padang-bappeda", "Kantor Bappeda Sumbar")
    solok = make_screen("solok-pandan", "Perempatan Pandan", city="Kota Solok")
    make_screen("pasaman-lubuk-sikaping", "Dinas PU Lubuk Sikaping", city="Kabupaten Pasaman")  # played nothing
    budaya = videotron_item(creator, video_asset(), title="Pekan Budaya", screens=[padang.code])
    imunisasi = videotron_item(creator, video_asset(), title="Pekan Imunisasi", screens=[padang.code])
    add_plays(padang, budaya, 5, start=MONDAY)  # Monday 00:00 WIB: the first minute of the week
    add_plays(padang, budaya, 2, start=MONDAY + dt.timedelta(days=3), seconds=20, completed=False)
    add_plays(padang, imunisasi, 3, start=MONDAY + dt.timedelta(days=6, hours=23, minutes=50))  # Sunday night
    add_plays(solok, budaya, 4, start=MONDAY + dt.timedelta(days=2))
    add_plays(solok, imunisasi, 1, start=MONDAY - dt.timedelta(minutes=1))  # Sunday before: not this week
    add_plays(solok, imunisasi, 1, start=MONDAY + dt.timedelta(days=7))  # next Monday 00:00: not this week
    return padang, solok, budaya, imunisasi


def test_weekly_recap_counts_plays_per_screen_and_item(app, recorded):
    from hub_videotron.recap import build_recap, per_item, per_screen, recap_rows, week_of

    from hub.reports.base import Period

    padang, solok, budaya, imunisasi = recorded
    first, last = week_of(dt.date(2027, 3, 10))
    assert (first, last) == (dt.date(2027, 3, 8), dt.date(2027, 3, 14))
    start, end = Period(first, last).bounds("Asia/Jakarta")
    rows = recap_rows(start, end)
    assert [(r.screen_code, r.item, r.plays, r.interrupted, r.minutes) for r in rows] == [
        ("padang-bappeda", "Pekan Budaya", 5, 2, round((5 * 60 + 2 * 20) / 60, 1)),
        ("padang-bappeda", "Pekan Imunisasi", 3, 0, 3.0),
        ("solok-pandan", "Pekan Budaya", 4, 0, 4.0),
    ]
    assert [(s.screen, s.plays, s.minutes) for s in per_screen(rows)] == [
        ("Kantor Bappeda Sumbar", 8, 8.7),
        ("Perempatan Pandan", 4, 4.0),
    ]
    assert [(t.item, t.plays, screens) for t, screens in per_item(rows)] == [
        ("Pekan Budaya", 9, 2),
        ("Pekan Imunisasi", 3, 1),
    ]
    with app.test_request_context():
        report = build_recap(Period(first, last), None)
    assert [value for _label, value in report.summary] == [12, 2, round((12 * 60 + 2 * 20) / 60, 1), 2, 2]
    assert [len(section.rows) for section in report.sections] == [2, 2, 3]


def test_recap_page_csv_and_pdf(recorded, client, login, make_user):
    from pypdf import PdfReader

    login(client, make_user("adminvt", roles=["admin_videotron"]))
    week = {"start": "2027-03-08", "end": "2027-03-14"}
    page = client.get("/reports/videotron_recap", query_string=week)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kantor Bappeda Sumbar" in html and "Pekan Imunisasi" in html

    answer = client.get("/videotron/recaps.csv", query_string=week)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["screen_code"], r["item"], r["plays"], r["interrupted"]) for r in rows] == [
        ("padang-bappeda", "Pekan Budaya", "5", "2"),
        ("padang-bappeda", "Pekan Imunisasi", "3", "0"),
        ("solok-pandan", "Pekan Budaya", "4", "0"),
    ]
    assert client.get("/videotron/recaps.csv", query_string={"start": "x", "end": "y"}).status_code == 400

    pdf = client.get("/reports/videotron_recap.pdf", query_string=week)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Perempatan Pandan" in text and "Pekan Imunisasi" in text

    listing = client.get("/videotron/recaps").get_data(as_text=True)
    assert "/reports/videotron_recap?" in listing and "/videotron/recaps.csv?" in listing


def test_monthly_recap_and_csv_formula_safety(app, make_user):
    from hub_videotron.recap import month_of, recap_csv

    creator = make_user("citra", roles=["pembuat_konten"])
    screen = make_screen("padang-bappeda")
    sneaky = videotron_item(creator, video_asset(), title='=HYPERLINK("http://x")', screens=[screen.code])
    add_plays(screen, sneaky, 2, start=dt.datetime(2027, 2, 28, 20, tzinfo=UTC))  # 1 March 03:00 WIB
    first, last = month_of(dt.date(2027, 3, 17))
    assert (first, last) == (dt.date(2027, 3, 1), dt.date(2027, 3, 31))
    body = recap_csv(dt.datetime(2027, 3, 1, tzinfo=WIB), dt.datetime(2027, 4, 1, tzinfo=WIB))
    assert "'=HYPERLINK" in body and ",2,0," in body


# --- the quarterly content plan ------------------------------------------------------------------


@pytest.fixture
def planners(make_user):
    return (
        make_user("sube", roles=["sub_koordinator"], full_name="Sube Koordinator"),
        make_user("kabid", roles=["kepala_bidang"], full_name="Kabid Aplikasi"),
    )


def test_content_plan_prepared_signed_by_the_head_of_division_and_printed(app, client, login, planners):
    from hub_videotron.records import ContentPlan
    from pypdf import PdfReader

    sub, kabid = planners
    login(client, sub)
    assert client.post("/videotron/plans", data={"year": "2027", "quarter": "2"}).status_code == 302
    plan = db.session.scalar(db.select(ContentPlan))
    rows = [
        {"planned_date": "2027-04-21", "title": "Hari Kartini", "content_type": "video", "difficulty": "medium"},
        {"planned_date": "2027-05-20", "title": "Harkitnas", "content_type": "design", "difficulty": "simple"},
        {"planned_date": "2027-07-01", "title": "Di luar triwulan", "content_type": "video", "difficulty": "hard"},
    ]
    for row in rows:
        client.post(f"/videotron/plans/{plan.id}/entries", data={**row, "producer": "Tim Konten", "screens": "semua"})
    db.session.refresh(plan)
    assert [(e.title, e.production_days, e.start_by) for e in plan.entries] == [
        ("Hari Kartini", 7, dt.date(2027, 4, 14)),  # a medium video takes 7 days (SOP 000 flow B)
        ("Harkitnas", 2, dt.date(2027, 5, 18)),
    ]  # the July row is outside Q2 and was refused
    assert client.post(f"/videotron/plans/{plan.id}/sign").status_code == 403  # the preparer may not sign
    client.post("/logout")

    login(client, kabid)
    client.post(f"/videotron/plans/{plan.id}/sign")
    db.session.refresh(plan)
    assert plan.signed_by_id == kabid.id and plan.signed_at is not None
    client.post(f"/videotron/plans/{plan.id}/entries", data=rows[0])  # locked once signed
    db.session.refresh(plan)
    assert len(plan.entries) == 2

    pdf = client.get(f"/videotron/plans/{plan.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Hari Kartini" in text and "Kabid Aplikasi" in text and "14 Apr 2027" in text

    # the hub's quarterly content-plan report carries the signed plan
    report = client.get("/reports/content_plan", query_string={"start": "2027-04-01", "end": "2027-06-30"})
    assert "Hari Kartini" in report.get_data(as_text=True)


def test_the_preparer_cannot_sign_their_own_plan(app, planners, make_user):
    from hub_videotron import plans

    sub, kabid = planners
    plan = plans.create_plan(2027, 2, kabid)
    plans.add_entry(plan, {"planned_date": "2027-04-21", "title": "Hari Kartini"})
    with pytest.raises(plans.PlanError, match="cannot sign"):
        plans.sign(plan, kabid)
    with pytest.raises(plans.PlanError, match="exists already"):
        plans.create_plan(2027, 2, sub)
    empty = plans.create_plan(2027, 3, sub)
    with pytest.raises(plans.PlanError, match="no rows"):
        plans.sign(empty, kabid)


def test_an_unsigned_quarter_shows_on_the_dashboard_health(app, planners, make_user):
    from hub.plugins import plugins

    sub, _kabid = planners
    notes = [n for result in plugins().hook.channel_health(user=sub) for n in result or []]
    assert any("Rencana konten videotron" in n.message_id and n.url == "/videotron/plans" for n in notes)
