"""``/healthz``: is the database, Redis and at least one worker there?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from hub.extensions import db
from hub.permissions import public

bp = Blueprint("health", __name__)


def health_report() -> tuple[dict, bool]:
    report: dict = {}
    ok = True
    try:
        db.session.execute(text("SELECT 1"))
        from hub.migrate import is_up_to_date

        report["database"] = {"ok": True, "migrations_current": is_up_to_date(current_app)}
        if not report["database"]["migrations_current"]:
            ok = False
            report["database"]["ok"] = False
            report["database"]["error"] = "database schema is behind; run `hub db upgrade`"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        db.session.rollback()
        report["database"] = {"ok": False, "error": str(getattr(exc, "orig", exc)).splitlines()[0]}
        ok = False
    try:
        from hub.jobs import live_workers
        from hub.queue import get_queue, redis_connection

        conn = redis_connection()
        conn.ping()
        queue = get_queue()
        workers = live_workers()
        report["redis"] = {"ok": True}
        report["workers"] = {"ok": bool(workers), "count": len(workers), "queued_jobs": queue.count}
        if not workers:
            ok = False
    except Exception as exc:  # noqa: BLE001
        report["redis"] = {"ok": False, "error": str(exc)}
        report["workers"] = {"ok": False, "count": 0}
        ok = False
    report["status"] = "ok" if ok else "unhealthy"
    return report, ok


@bp.get("/healthz")
@public
def healthz():
    report, ok = health_report()
    return jsonify(report), 200 if ok else 503
