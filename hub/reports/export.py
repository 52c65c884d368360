"""Export a report to PDF (fpdf2) and XLSX (openpyxl), from the same result the page shows."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode

from hub.reports.base import Period, ReportResult
from hub.reports.charts import COLOURS
from hub.reports.letterhead import OfficeDocument
from hub.spreadsheets import append_row, new_workbook, set_cell

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
#: the logo's height on the letterhead, and the height the signature blocks need (mm)
LOGO_MM = 16
SIGNATURE_MM = 45


def _cell(value) -> str:
    """A figure as the reader writes it (hub.dates): ``12,5``, ``7 Des 2026 08.30 WIB``; "" for None."""
    from hub.dates import format_value

    return "" if value is None else format_value(value)


class DocumentPDF(FPDF):
    """An A4 page in the hub's font: DejaVu Sans when installed (Indonesian and symbols print), else
    Helvetica with :meth:`text_safe` bringing the text to Latin-1. Reports and plugins' letters use it."""

    def __init__(self):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.family = "helvetica"
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                self.add_font("dejavu", "", str(regular))
                self.add_font("dejavu", "B", str(bold))
                self.family = "dejavu"
                break

    def text_safe(self, text: str) -> str:
        if self.family == "dejavu":
            return text
        return (
            text.replace("–", "-").replace("—", "-").replace("…", "...").encode("latin-1", "replace").decode("latin-1")
        )


class _PDF(DocumentPDF):
    def __init__(self, footer_text: str, office: OfficeDocument | None = None):
        super().__init__()
        self.footer_text = footer_text
        self.office = office

    def header(self):
        office = self.office
        if office is None or not (office.office_name or office.logo):
            return
        top, x = 8, self.l_margin
        if office.logo:
            self.image(io.BytesIO(office.logo), x=x, y=top, h=LOGO_MM)
            x += LOGO_MM + 4
        self.set_xy(x, top + 1)
        self.set_font(self.family, "B", 12)
        self.multi_cell(self.w - self.r_margin - x, 6, self.text_safe(office.office_name), new_x="LEFT", new_y="NEXT")
        if office.address:
            self.set_font(self.family, "", 8)
            self.multi_cell(self.w - self.r_margin - x, 4, self.text_safe(office.address), new_x="LEFT", new_y="NEXT")
        rule = max(self.get_y(), top + LOGO_MM) + 2
        self.set_line_width(0.6)
        self.line(self.l_margin, rule, self.w - self.r_margin, rule)
        self.set_line_width(0.2)
        self.line(self.l_margin, rule + 1, self.w - self.r_margin, rule + 1)
        self.set_xy(self.l_margin, rule + 5)

    def footer(self):
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        office = self.office
        if office is None:
            self.cell(0, 8, self.text_safe(f"{self.footer_text} · {self.page_no()}"), align="R")
            return
        page = office.page_label.format(page=self.page_no(), pages="{nb}")
        self.set_y(-15)
        self.cell(0, 4, self.text_safe(f"{self.footer_text} · {page}"), align="R", new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 4, self.text_safe(office.printed), align="R")

    def signatures(self, office: OfficeDocument) -> None:
        """The signature blocks side by side at the end: "Disusun oleh" left, "Mengetahui" right."""
        if not office.signers:
            return
        if self.get_y() > self.h - 15 - SIGNATURE_MM:
            self.add_page()
        self.ln(8)
        width = (self.w - self.l_margin - self.r_margin) / 2
        top = self.get_y()
        blocks = list(office.signers)
        columns = [0, 1] if len(blocks) == 2 else [1]
        dots = "." * 40  # a name or NIP not on record: a line to fill in by hand
        for col, signer in zip(columns, blocks, strict=False):
            x = self.l_margin + col * width
            self.set_xy(x, top)
            self.set_font(self.family, "", 10)
            # the place and date sit above the right-hand block, as on a letter
            self.cell(width, 5, self.text_safe(office.place_date if col == 1 else ""), new_x="LEFT", new_y="NEXT")
            self.cell(width, 5, self.text_safe(f"{signer.caption},"), new_x="LEFT", new_y="NEXT")
            self.multi_cell(width - 4, 5, self.text_safe(signer.position), new_x="LEFT", new_y="NEXT")
            self.set_xy(x, top + SIGNATURE_MM - 10)
            self.set_font(self.family, "B", 10)
            self.cell(width, 5, self.text_safe(signer.name or dots), new_x="LEFT", new_y="NEXT")
            self.set_font(self.family, "", 10)
            self.cell(width, 5, self.text_safe(f"NIP. {signer.nip or dots}"), new_x="LEFT", new_y="NEXT")
        self.set_xy(self.l_margin, top + SIGNATURE_MM)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _pdf_chart(pdf: _PDF, chart) -> None:
    top = max((v for _n, values in chart.series for v in values), default=0) or 1
    label_w, bar_w, row = 55, 105, 4.5
    pdf.set_font(pdf.family, "", 7)
    for r, label in enumerate(chart.labels):
        if pdf.get_y() > 270:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w - 2, row * len(chart.series), pdf.text_safe(label[:40]), align="R")
        for i, (_name, values) in enumerate(chart.series):
            value = values[r] if r < len(values) else 0
            colour = COLOURS[i % len(COLOURS)]
            width = bar_w * value / top
            if width > 0:
                # the bar's colour stays inside this context: fpdf2 fills table cells with the
                # current fill colour, and a leaked bar colour once painted every table cell
                with pdf.local_context(fill_color=_rgb(colour)):
                    pdf.rect(pdf.l_margin + label_w, y + i * row + 0.5, width, row - 1, style="F")
            pdf.set_xy(pdf.l_margin + label_w + width + 1, y + i * row)
            pdf.cell(15, row, _cell(value))
        pdf.set_xy(pdf.l_margin, y + row * len(chart.series) + 1.5)
    if len(chart.series) > 1:
        pdf.cell(0, 5, pdf.text_safe(" / ".join(name for name, _v in chart.series)))
        pdf.ln(5)
    pdf.ln(2)


def to_pdf(
    title: str, period: Period, result: ReportResult, generated: str, *, office: OfficeDocument | None = None
) -> bytes:
    """The report as a PDF; with ``office`` (:func:`hub.reports.letterhead.office_document`) an office
    document: the letterhead on every page, "page n of m", who printed it, and the signature blocks."""
    pdf = _PDF(f"{title} · {period.label}", office)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 15)
    pdf.multi_cell(0, 8, pdf.text_safe(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    # an office document says who printed it in every page's footer instead
    heading = period.label if office is not None else f"{period.label} · {generated}"
    pdf.multi_cell(0, 6, pdf.text_safe(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value in result.summary:
        shown = _cell(value) or ("—" if pdf.family == "dejavu" else "-")  # no value reads as none, not as a gap
        pdf.multi_cell(0, 6, pdf.text_safe(f"{label}: {shown}"), new_x="LMARGIN", new_y="NEXT")
    for section in result.sections:
        pdf.ln(3)
        pdf.set_font(pdf.family, "B", 12)
        pdf.multi_cell(0, 7, pdf.text_safe(section.title), new_x="LMARGIN", new_y="NEXT")
        if section.note:
            pdf.set_font(pdf.family, "", 9)
            pdf.multi_cell(0, 5, pdf.text_safe(section.note), new_x="LMARGIN", new_y="NEXT")
        if section.chart and section.chart.labels:
            _pdf_chart(pdf, section.chart)
        pdf.set_font(pdf.family, "", 8)
        if not section.rows:
            pdf.multi_cell(0, 5, "—" if pdf.family == "dejavu" else "-", new_x="LMARGIN", new_y="NEXT")
            continue
        # white cells and a light grey heading, whatever colour was last used on the page
        pdf.set_fill_color(255, 255, 255)
        heading = FontFace(emphasis="BOLD", fill_color=(235, 238, 242))
        with pdf.table(
            text_align="LEFT", line_height=4.5, headings_style=heading, cell_fill_mode=TableCellFillMode.NONE
        ) as table:
            header = table.row()
            for col in section.columns:
                header.cell(pdf.text_safe(str(col)))
            for values in section.rows:
                row = table.row()
                for value in values:
                    row.cell(pdf.text_safe(_cell(value)))
    if office is not None:
        pdf.signatures(office)
    return bytes(pdf.output())


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name


def to_xlsx(title: str, period: Period, result: ReportResult, generated: str) -> bytes:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    # every cell goes through hub.spreadsheets: text typed as text, formula starters quoted
    wb = new_workbook()
    summary = wb.active
    summary.title = _sheet_title(title, used := set())
    append_row(summary, [title])
    summary["A1"].font = Font(bold=True, size=14)
    append_row(summary, [period.label, generated])
    for label, value in result.summary:
        append_row(summary, [label, value])
    for section in result.sections:
        ws = wb.create_sheet(_sheet_title(section.title, used))
        append_row(ws, list(section.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for values in section.rows:
            append_row(ws, values)
        for i, col in enumerate(section.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, min(50, len(str(col)) + 4))
        chart = section.chart
        if chart and chart.labels and section.rows:
            # the chart's data goes beside the table so the native chart can refer to it
            col0 = len(section.columns) + 2
            set_cell(ws.cell(1, col0), section.title)
            for j, (name, _values) in enumerate(chart.series, start=1):
                set_cell(ws.cell(1, col0 + j), name)
            for r, label in enumerate(chart.labels, start=2):
                set_cell(ws.cell(r, col0), label)
                for j, (_name, values) in enumerate(chart.series, start=1):
                    set_cell(ws.cell(r, col0 + j), values[r - 2] if r - 2 < len(values) else 0)
            bar = BarChart()
            bar.type = "bar"
            bar.title = section.title
            bar.add_data(
                Reference(
                    ws, min_col=col0 + 1, max_col=col0 + len(chart.series), min_row=1, max_row=len(chart.labels) + 1
                ),
                titles_from_data=True,
            )
            bar.set_categories(Reference(ws, min_col=col0, min_row=2, max_row=len(chart.labels) + 1))
            ws.add_chart(bar, ws.cell(len(section.rows) + 3, 1).coordinate)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
