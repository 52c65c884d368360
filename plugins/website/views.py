"""The public DIP pages (no login): the list, each document's PDF, the spreadsheet export."""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, request, send_file
from hub_website import dip, ppid
from hub_website.assets import FILE_ERRORS, asset_path, safe_download_name

from hub.sdk import int_arg, public

bp = Blueprint("ppid", __name__, template_folder="templates", url_prefix="/ppid")


def _filters() -> dip.Filters:
    return dip.Filters(
        q=request.args.get("q", "").strip()[:200],
        info_class=request.args.get("class", "").strip(),
        unit=request.args.get("unit", "").strip()[:200],
        year=int_arg("year", lo=1, hi=9999),
    )


@bp.get("/dip")
@public
def dip_page():
    """Daftar Informasi Publik: published documents grouped by class and unit, searchable."""
    filters = _filters()
    entries = dip.search(filters)
    units, years = dip.facets()
    return render_template(
        "website/dip.html",
        groups=dip.grouped(entries),
        count=len(entries),
        filters=filters,
        units=units,
        years=years,
        classes=[(code, ppid.CLASSES[code]) for code in ppid.PUBLIC_CLASSES],
    )


@bp.get("/dip/<int:entry_id>/file")
@public
def dip_file(entry_id: int):
    """The document's PDF, as a download (never rendered by the browser as anything else)."""
    entry = dip.public_entry(entry_id)
    if entry is None or entry.asset is None:
        abort(404)
    try:
        path = asset_path(entry.asset)
    except FILE_ERRORS:
        abort(404)
    if not path.is_file():
        abort(404)
    resp = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=safe_download_name(entry.title),
        max_age=300,
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


@bp.get("/dip.xlsx")
@public
def dip_export():
    """The DIP table (what the public page lists) as XLSX, for the public-information assessment."""
    from hub_website import export  # openpyxl: imported by the export only

    data = export.workbook_bytes(dip.search(_filters()))
    resp = send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="daftar-informasi-publik.xlsx",
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
