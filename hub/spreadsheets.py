"""One guard for every spreadsheet and CSV the hub writes (formula or "CSV" injection).

A cell whose text starts with ``= + - @``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``=cmd|...``).
Such text is prefixed with a single quote in CSV files; in XLSX files every text cell
is written as a typed string (``data_type="s"``), which a spreadsheet never evaluates,
and carries the same quote so it stays inert when copied into a CSV or re-typed.
Plugins import this module too (docs/plugins.md).

openpyxl is imported only inside the functions that write XLSX.
"""

from __future__ import annotations

import datetime as dt

#: First characters a spreadsheet may take as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """``value`` as text a spreadsheet shows as text: formula starters get a leading quote."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_row(values) -> list:
    """A CSV row with every value neutralised (numbers stay numbers)."""
    return [v if isinstance(v, int | float) and not isinstance(v, bool) else safe_text(v) for v in values]


def set_cell(cell, value):
    """Store ``value`` in an openpyxl cell: numbers and dates typed as such, any text typed as text."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool | int | float):
        cell.value = value
    elif isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
    elif isinstance(value, dt.date):
        cell.value = value
    else:
        cell.value = safe_text(value)
        # openpyxl types a string starting with "=" as a formula; force a plain string
        cell.data_type = "s"
    return cell


def append_row(ws, values) -> int:
    """Append ``values`` to worksheet ``ws`` through :func:`set_cell`; returns the new row number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        set_cell(ws.cell(row=row, column=column), value)
    return row


def new_workbook():
    """An empty openpyxl workbook (the import stays lazy for the callers too)."""
    from openpyxl import Workbook

    return Workbook()
