"""The DIP table as a spreadsheet (XLSX), for the PPID's public-information assessment.

The columns are the elements every Daftar Informasi Publik must have (Perki 1/2010
Pasal 13, kept by Perki 1/2021): number, summary of the information, the official or unit
holding it, who made or issued it, when and where it was made, the form it is available in
and how long it is kept; then the hub's class and the link to the document.
"""

from __future__ import annotations

import io

from flask import current_app
from hub_website import ppid
from hub_website.models import DipEntry

from hub.sdk import append_row, new_workbook

#: (header in Bahasa Indonesia / English, column width)
COLUMNS = [
    ("No.", 6),
    ("Judul Informasi / Information title", 40),
    ("Ringkasan Isi Informasi / Summary", 60),
    ("Pejabat/Unit yang Menguasai Informasi / Unit holding the information", 30),
    ("Penanggung Jawab Pembuatan atau Penerbitan / Made or issued by", 30),
    ("Waktu dan Tempat Pembuatan / Time and place made", 22),
    ("Bentuk Informasi yang Tersedia / Form available", 18),
    ("Jangka Waktu Penyimpanan / Retention", 22),
    ("Klasifikasi / Class", 22),
    ("Tautan / Link", 50),
]


def entry_link(entry: DipEntry) -> str:
    """Where the public finds the document: its PPID site post, else the hub's own download."""
    if entry.site_url:
        return entry.site_url
    return current_app.config["BASE_URL"].rstrip("/") + f"/ppid/dip/{entry.id}/file"


def made(entry: DipEntry) -> str:
    """The year and, when known, the place: "2025, Padang"."""
    return ", ".join(p for p in (str(entry.year or ""), entry.place or "") if p)


def rows(entries: list[DipEntry]) -> list[list]:
    return [
        [
            n,
            e.title,
            e.summary,
            e.unit,
            e.responsible or e.unit,
            made(e),
            f"Softcopy ({e.file_format})",
            e.retention,
            ppid.class_label(e.info_class, "id"),
            entry_link(e),
        ]
        for n, e in enumerate(entries, start=1)
    ]


def workbook_bytes(entries: list[DipEntry], title: str = "Daftar Informasi Publik") -> bytes:
    from openpyxl.styles import Alignment, Font

    wb = new_workbook()
    ws = wb.active
    ws.title = "DIP"
    ws.append([c for c, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
    for row in rows(entries):
        # every text cell typed as text, formula starters quoted (hub.spreadsheets)
        number = append_row(ws, row)
        if str(row[-1]).startswith(("https://", "http://")):
            ws.cell(row=number, column=len(COLUMNS)).hyperlink = row[-1]
        for cell in ws[number]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
