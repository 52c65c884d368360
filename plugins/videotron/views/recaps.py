"""The recap pages: pick a week or a month; the report page, its PDF and the CSV do the rest."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, render_template, request
from hub_videotron.config import office_zone
from hub_videotron.plans import today
from hub_videotron.recap import month_of, recap_csv, week_of
from hub_videotron.views import bp

from hub.sdk import require

REPORT = "videotron_recap"


def _periods() -> tuple[list[tuple[dt.date, dt.date]], list[tuple[dt.date, dt.date]]]:
    day = today()
    weeks = [week_of(day - dt.timedelta(weeks=n)) for n in range(8)]
    months, first = [], day.replace(day=1)
    for _n in range(6):
        months.append(month_of(first))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return weeks, months


@bp.get("/recaps")
@require("report.view")
def recaps():
    weeks, months = _periods()
    return render_template("videotron/recaps.html", weeks=weeks, months=months, report=REPORT)


@bp.get("/recaps.csv")
@require("report.view")
def recaps_csv():
    try:
        start = dt.date.fromisoformat(request.args.get("start", ""))
        end = dt.date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        abort(400, description="Tanggal tidak valid (YYYY-MM-DD) / Invalid date (YYYY-MM-DD)")
    if end < start or (end - start).days > 400:
        abort(400, description="Periode tidak valid / Invalid period")
    zone = office_zone()
    body = recap_csv(
        dt.datetime.combine(start, dt.time(), zone).astimezone(dt.UTC),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC),
    )
    name = f"rekap-videotron_{start.isoformat()}_{end.isoformat()}.csv"
    return Response(
        "\ufeff" + body,  # a BOM so spreadsheet programs read UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
