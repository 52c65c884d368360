"""``/healthz``: is the database, Redis and at least one worker there? And is the media disk
filling up (a warning only)?"""

from __future__ import annotations

import shutil

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
    report["storage"] = storage_report()
    report["status"] = "ok" if ok else "unhealthy"
    return report, ok


def storage_report() -> dict:
    """Free space on the disk of ``MEDIA_DIR``; a ``warning`` (the hub stays healthy) under
    ``MEDIA_MIN_FREE_BYTES``, since uploads then soon answer 507 ``storage_full``."""
    from hub.media.settings import human_size, media_dir, setting

    minimum = int(setting("MEDIA_MIN_FREE_BYTES"))
    try:
        free = shutil.disk_usage(media_dir()).free
    except OSError as exc:
        return {"ok": False, "warning": f"cannot read the free space of the media folder: {exc.strerror or exc}"}
    report = {"ok": free >= minimum, "free_bytes": free, "min_free_bytes": minimum}
    if free < minimum:
        report["warning"] = (
            f"only {human_size(free)} free for media (HUB_MEDIA_MIN_FREE_BYTES is {human_size(minimum)}): "
            "free space or enlarge the disk before uploads are refused"
        )
    return report


@bp.get("/healthz")
@public
def healthz():
    report, ok = health_report()
    return jsonify(report), 200 if ok else 503
