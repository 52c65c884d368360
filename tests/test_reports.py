"""Reports: periods, the built-in reports' figures, plugins' reports and sections, PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from hub import hookimpl
from hub.exceptions import HubError
from hub.reports.base import Chart, Period, Report, ReportResult, Section
from tests.web_support import make_item, make_publication, sign_in_factory


@pytest.fixture
def sign_in(request, app, client):
    return sign_in_factory(request, app, client)


def test_periods_cover_whole_months_quarters_and_halves():
    day = dt.date(2026, 11, 22)
    assert Period.containing(day, "month") == Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert Period.containing(day, "quarter") == Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert Period.containing(day, "half") == Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert Period.containing(dt.date(2026, 2, 28), "quarter").end == dt.date(2026, 3, 31)
    with pytest.raises(HubError):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


def test_period_bounds_follow_the_office_time_zone(app):
    start, end = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)).bounds("Asia/Jakarta")
    assert start == dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)


def test_reports_need_the_report_permission(client, make_user, sign_in):
    sign_in(make_user("citra", roles=["pembuat_konten"]))
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/channel_stats.pdf").status_code == 403
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    html = client.get("/reports").get_data(as_text=True)
    for code in ("sla", "evaluation", "content_plan", "channel_stats"):
        assert f"/reports/{code}" in html
    assert client.get("/reports/nope").status_code == 404


def _stats_fixture(make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    created = dt.datetime(2026, 11, 10, 3, 0, tzinfo=dt.UTC)
    for n in range(3):
        item = make_item(creator, f"Berita {n}", channels=("website", "x"), status="approved")
        make_publication(
            item, "website", "published", created_at=created, published_at=created + dt.timedelta(minutes=10 * (n + 1))
        )
        make_publication(
            item,
            "x",
            "published" if n else "failed",
            created_at=created,
            published_at=created + dt.timedelta(minutes=30) if n else None,
        )
    outside = make_item(creator, "Bulan lalu", channels=("website",), status="approved")
    make_publication(outside, "website", "published", created_at=created - dt.timedelta(days=40))


def test_channel_statistics_count_what_happened_in_the_period(client, make_user, sign_in):
    _stats_fixture(make_user)
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    html = client.get("/reports/channel_stats?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert "<svg" in html and "Publikasi per kanal" in html
    # website: 3 publications, 3 published, 0 failed, mean (10+20+30)/3 = 20 minutes; X: 3, 2, 1, 30
    assert "<td>3</td><td>3</td><td>0</td><td>0</td><td>20,0</td>" in html
    assert "<td>3</td><td>2</td><td>1</td><td>0</td><td>30,0</td>" in html


def test_channel_statistics_export_to_pdf_and_xlsx(client, make_user, sign_in):
    _stats_fixture(make_user)
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    pdf = client.get("/reports/channel_stats.pdf?start=2026-11-01&end=2026-11-30")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Statistik publikasi kanal" in text and "1 Nov 2026" in text and "20,0" in text and "30,0" in text
    xlsx = client.get("/reports/channel_stats.xlsx?start=2026-11-01&end=2026-11-30")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.data))
    sheet = wb[wb.sheetnames[1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_col=6)]
    by_channel = {r[0]: r[1:] for r in rows if r[0]}
    assert sorted(v[:3] for v in by_channel.values()) == [[3, 2, 1], [3, 3, 0]]
    assert sheet._charts, "the sheet carries a native bar chart"


def test_a_bad_period_is_refused_politely(client, make_user, sign_in):
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    assert client.get("/reports/sla?start=2026-13-01&end=2026-11-30").status_code == 400
    assert client.get("/reports/sla?start=2026-11-30&end=2026-11-01").status_code == 400


class ReportPlugin:
    def __init__(self):
        self.calls = []

    def _build(self, period, user):
        self.calls.append(("build", period.start, user.username))
        return ReportResult(
            summary=[("Jam tayang", 42)],
            sections=[
                Section(
                    "Tayangan per layar",
                    ["Layar", "Jam"],
                    [["Padang 1", 30], ["Solok", 12]],
                    chart=Chart(["Padang 1", "Solok"], [("Jam", [30, 12])]),
                )
            ],
        )

    @hookimpl
    def register_reports(self):
        return [Report("screen_hours", "Jam tayang layar", "Screen hours", self._build, period="month")]

    @hookimpl
    def report_sections(self, report, period, user):
        self.calls.append(("sections", report))
        if report != "content_plan":
            return []
        return [Section("Jadwal videotron", ["Layar", "Slot"], [["Padang 1", "08:00-10:00"]])]


def test_plugins_add_reports_and_sections(make_app, make_user, request):
    plugin = ReportPlugin()
    app = make_app(EXTRA_PLUGINS=[plugin])
    client = app.test_client()
    sign_in = sign_in_factory(request, app, client)
    with app.app_context():
        sign_in(make_user("kabid", roles=["kepala_bidang"]))
        assert "/reports/screen_hours" in client.get("/reports").get_data(as_text=True)
        html = client.get("/reports/screen_hours?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
        assert "Tayangan per layar" in html and "Padang 1" in html and "42" in html
        assert ("build", dt.date(2026, 11, 1), "kabid") in plugin.calls
        plan = client.get("/reports/content_plan").get_data(as_text=True)
        assert "Jadwal videotron" in plan and "08:00-10:00" in plan
        xlsx = load_workbook(io.BytesIO(client.get("/reports/content_plan.xlsx").data))
        assert any("Jadwal videotron" in name for name in xlsx.sheetnames)


class Duplicate:
    @hookimpl
    def register_reports(self):
        return [Report("sla", "Lagi", "Again", lambda period, user: ReportResult())]


def test_two_reports_with_one_code_stop_start_up(make_app):
    with pytest.raises(HubError, match="sla"):
        make_app(EXTRA_PLUGINS=[Duplicate()])


def test_content_plan_lists_the_quarters_planned_items(client, make_user, sign_in):
    creator = make_user("citra", roles=["pembuat_konten"])
    make_item(creator, "Pekan Budaya Sumbar", channels=("videotron", "website"), event_date=dt.date(2026, 11, 28))
    make_item(
        creator,
        "Tour de Singkarak",
        channels=("videotron",),
        status="approved",
        window_start=dt.datetime(2026, 12, 20, tzinfo=dt.UTC),
        window_end=dt.datetime(2026, 12, 28, tzinfo=dt.UTC),
    )
    make_item(creator, "Ditolak", event_date=dt.date(2026, 11, 5), status="rejected")
    make_item(creator, "Tahun depan", event_date=dt.date(2027, 2, 1))
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    html = client.get("/reports/content_plan?start=2026-10-01&end=2026-12-31").get_data(as_text=True)
    assert "Pekan Budaya Sumbar" in html and "Tour de Singkarak" in html
    assert "Ditolak" not in html.split("<h2>Rencana konten</h2>")[1] and "Tahun depan" not in html
    assert '<dd data-figure="0">2</dd>' in html


def test_evaluation_report_counts_items_and_problems(client, make_user, sign_in):
    creator = make_user("citra", roles=["pembuat_konten"])
    a = make_item(creator, "A", channels=("website",), status="approved")
    make_publication(a, "website", "failed", last_error="WordPress 500")
    make_item(creator, "B", status="returned")
    make_item(creator, "C", status="draft")
    sign_in(make_user("kadis", roles=["kepala_dinas"]))
    today = dt.date.today()
    html = client.get(f"/reports/evaluation?start={today - dt.timedelta(days=1)}&end={today + dt.timedelta(days=1)}")
    text = html.get_data(as_text=True)
    assert "<td>Konten diterima</td><td>3</td>" in text
    assert "<td>Konten diajukan untuk persetujuan</td><td>2</td>" in text
    assert "<td>Publikasi gagal</td><td>1</td>" in text
    assert "<td>Konten dikembalikan untuk revisi</td><td>1</td>" in text
    assert "WordPress 500" in text
