"""The reports page: each report with its charts, and its PDF and XLSX exports."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, abort, current_app, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from hub.permissions import has_permission, require
from hub.reports.base import Period, Report, ReportError, init_registry, reports, run

bp = Blueprint("reports", __name__)


def init_app(app: Flask) -> None:
    init_registry(app)


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def period_from_request(report: Report) -> Period:
    """``?start=YYYY-MM-DD&end=YYYY-MM-DD``, or the report's usual period containing today."""
    start, end = request.args.get("start"), request.args.get("end")
    if start and end:
        try:
            return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        except ValueError:
            abort(400, description="Tanggal tidak valid (YYYY-MM-DD) / Invalid date (YYYY-MM-DD)")
    return Period.containing(_today(), report.period)


def _report_or_404(code: str) -> Report:
    report = reports().get(code)
    if report is None:
        abort(404)
    if not has_permission(g.user, report.permission):
        abort(403)
    return report


def _lang() -> str:
    return str(get_locale() or "id")


@bp.get("/reports")
@require("report.view")
def index():
    shown = [r for r in reports().values() if has_permission(g.user, r.permission)]
    return render_template("reports/index.html", reports=shown, lang=_lang())


@bp.get("/reports/<code>")
@require("report.view")
def show(code: str):
    from hub.reports.charts import bar_chart_svg

    report = _report_or_404(code)
    try:
        period = period_from_request(report)
    except ReportError as exc:
        abort(400, description=str(exc))
    result = run(report, period, g.user)
    previous = Period.containing(period.start - dt.timedelta(days=1), report.period)
    return render_template(
        "reports/show.html",
        report=report,
        period=period,
        previous=previous,
        result=result,
        lang=_lang(),
        chart_svg=bar_chart_svg,
    )


def _export(code: str, fmt: str) -> Response:
    from hub.reports.export import to_pdf, to_xlsx

    report = _report_or_404(code)
    try:
        period = period_from_request(report)
    except ReportError as exc:
        abort(400, description=str(exc))
    result = run(report, period, g.user)
    title = report.title(_lang())
    from hub.dates import format_moment

    generated = _(
        "Printed by %(name)s on %(when)s",
        name=g.user.display_name,
        when=format_moment(dt.datetime.now(dt.UTC), form="long"),
    )
    name = f"{code}_{period.start.isoformat()}_{period.end.isoformat()}"
    if fmt == "pdf":
        from hub.reports.letterhead import office_document

        office = office_document(g.user)
        body, mime = to_pdf(title, period, result, generated, office=office), "application/pdf"
    else:
        body = to_xlsx(title, period, result, generated)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.get("/reports/<code>.pdf")
@require("report.view")
def export_pdf(code: str):
    return _export(code, "pdf")


@bp.get("/reports/<code>.xlsx")
@require("report.view")
def export_xlsx(code: str):
    return _export(code, "xlsx")
