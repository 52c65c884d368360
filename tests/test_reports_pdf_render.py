"""What a reader of a report PDF sees: the page is rendered to pixels and looked at.

fpdf2 fills table cells with the current fill colour; a chart drawn before a table once
left every cell solid blue or orange. This renders the PDF and checks the pixels behind
the table's text, so a library upgrade cannot bring it back silently.
"""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest

from hub.reports.base import Chart, Period, ReportResult, Section
from hub.reports.export import to_pdf


def _render(data: bytes):
    doc = pdfium.PdfDocument(data)
    page = doc[0]
    scale = 2  # 144 dpi
    image = page.render(scale=scale).to_pil().convert("RGB")
    return doc, page, image, scale


def _background_right_of(page, image, scale, text: str) -> tuple[int, int, int]:
    """The colour just right of ``text`` inside its table cell (pixels, top-left origin)."""
    textpage = page.get_textpage()
    searcher = textpage.search(text)
    found = searcher.get_next()
    assert found, f"{text!r} is not on the page"
    index, count = found
    left, bottom, right, top = textpage.get_charbox(index + count - 1)
    height = page.get_height()
    x = int((right + 3) * scale)
    y = int((height - (top + bottom) / 2) * scale)
    return image.getpixel((x, y))


def _result(with_chart: bool) -> ReportResult:
    chart = Chart(labels=["Kominfo", "Humas"], series=[("Tepat waktu", [12, 7]), ("Terlambat", [3, 9])])
    return ReportResult(
        summary=[("Jumlah", 31)],
        sections=[
            Section(
                title="Ketepatan waktu per bidang",
                columns=["Bidang", "Tepat waktu", "Terlambat"],
                rows=[["Kominfo", 12, 3], ["Humas", 7, 9], ["Sel uji tabel", 1, 2]],
                chart=chart if with_chart else None,
            )
        ],
    )


@pytest.mark.parametrize("with_chart", [True, False], ids=["after-a-chart", "no-chart"])
def test_table_cells_of_a_report_pdf_are_white_behind_their_text(with_chart):
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    data = to_pdf("Laporan SLA", period, _result(with_chart), "dicetak 2026-12-06 10:00")
    doc, page, image, scale = _render(data)
    try:
        r, g, b = _background_right_of(page, image, scale, "Sel uji tabel")
        assert min(r, g, b) >= 235, f"a table cell's background is ({r}, {g}, {b}), not white"
    finally:
        page.close()
        doc.close()


def test_a_summary_line_without_a_value_says_none_instead_of_stopping_short():
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    result = ReportResult(summary=[("Rata-rata waktu tayang", None), ("Jumlah", 0)], sections=[])
    doc = pdfium.PdfDocument(to_pdf("Laporan", period, result, "dicetak 2026-12-06 10:00"))
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    lines = [line.strip() for line in text.splitlines()]
    assert any(line in ("Rata-rata waktu tayang: —", "Rata-rata waktu tayang: -") for line in lines), lines
    assert "Jumlah: 0" in lines  # zero is a value, printed as such
