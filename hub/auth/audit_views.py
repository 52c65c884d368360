"""The audit trail page (``audit.view``): filter by action, person, target and date; CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request

from hub.extensions import db
from hub.inputs import int_arg
from hub.models import AuditEntry
from hub.permissions import require
from hub.spreadsheets import safe_text

bp = Blueprint("audit", __name__, url_prefix="/admin")
PAGE = 100
CSV_COLUMNS = ("id", "created_at", "actor_id", "actor_name", "action", "target_type", "target_id", "details", "ip",
               "user_agent", "hash")  # fmt: skip


def _day(value: str, *, end: bool = False) -> dt.datetime | None:
    """A date typed in the office's time zone, as the UTC start (or end) of that day."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    local = dt.datetime.combine(
        day + dt.timedelta(days=1 if end else 0), dt.time(), ZoneInfo(current_app.config["TIMEZONE"])
    )
    return local.astimezone(dt.UTC)


def _filters() -> tuple[dict, list]:
    args = {
        k: request.args.get(k, "").strip()
        for k in ("action", "actor", "target_type", "target_id", "date_from", "date_to")
    }
    conditions = []
    if args["action"]:
        conditions.append(AuditEntry.action.startswith(args["action"], autoescape=True))
    if args["actor"]:
        conditions.append(db.func.lower(AuditEntry.actor_name) == args["actor"].lower())
    if args["target_type"]:
        conditions.append(AuditEntry.target_type == args["target_type"])
    if args["target_id"]:
        conditions.append(AuditEntry.target_id == args["target_id"])
    if args["date_from"] and (start := _day(args["date_from"])):
        conditions.append(AuditEntry.created_at >= start)
    if args["date_to"] and (end := _day(args["date_to"], end=True)):
        conditions.append(AuditEntry.created_at < end)
    return args, conditions


@bp.get("/audit")
@require("audit.view")
def index():
    args, conditions = _filters()
    before = int_arg("before")
    query = db.select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()).limit(PAGE + 1)
    if before:
        query = query.where(AuditEntry.id < before)
    rows = db.session.scalars(query).all()
    actions = recorded_actions()
    return render_template("auth/audit.html", entries=rows[:PAGE], more=len(rows) > PAGE, args=args, actions=actions)


#: PostgreSQL: the distinct actions by skipping along ``ix_audit_entry_action``, one index probe per
#: action, instead of a DISTINCT over every entry (1M entries: 75–111 ms -> about 1 ms)
SKIP_SCAN_ACTIONS = """
WITH RECURSIVE found(action) AS (
    (SELECT action FROM audit_entry ORDER BY action LIMIT 1)
    UNION ALL
    SELECT (SELECT a.action FROM audit_entry a WHERE a.action > found.action ORDER BY a.action LIMIT 1)
    FROM found WHERE found.action IS NOT NULL
)
SELECT action FROM found WHERE action IS NOT NULL
"""


def recorded_actions() -> list[str]:
    """Every action recorded in the trail, sorted (the audit page's filter list)."""
    if db.engine.dialect.name == "postgresql":
        return list(db.session.scalars(db.text(SKIP_SCAN_ACTIONS)))
    # SQLite walks the action index for a DISTINCT already
    return list(db.session.scalars(db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


@bp.get("/audit.csv")
@require("audit.view")
def export_csv():
    """All matching entries, oldest first, streamed (its own connection: no request context needed)."""
    _args, conditions = _filters()
    table = AuditEntry.__table__
    query = db.select(table).where(*conditions).order_by(table.c.id)
    engine = db.engine

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        with engine.connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query).mappings():
                values = dict(row)
                values["created_at"] = row["created_at"].isoformat()
                values["details"] = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
                writer.writerow([safe_text(values[c]) for c in CSV_COLUMNS])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    return Response(
        generate(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
