"""Retention: media files are deleted once nothing needs them any more (the row stays).

An asset's files are deleted when it is older than ``MEDIA_RETENTION_DAYS`` (default 30) and
either no item uses it, or every item using it is over: its display period
(``Item.window_end``) ended more than ``MEDIA_RETENTION_DAYS`` ago, or it was rejected or
withdrawn that long ago. Items without a display period that are still in the workflow or
approved (a website article that stays online) keep their media. Each deletion sets
``status=deleted`` and ``deleted_at``, and writes an audit entry ``media.retention_deleted``.

The same run deletes the bytes of unfinished uploads idle for ``MEDIA_UPLOAD_EXPIRY_HOURS``
and re-queues probes stuck for 15 minutes (a lost job), and removes every file still on disk of
an asset already deleted or rejected. An approved item without ``window_end`` (its publication
never succeeded) is over when the ``display_period_end`` hook's answer (the channel's default
period, e.g. the days around the event a screen channel shows it) ended more than
``MEDIA_RETENTION_DAYS`` ago. :func:`run_retention` is run by
``hub media retention``; the worker's maintenance loop (:mod:`hub.dispatch.maintenance`) calls
:func:`enqueue_if_due` on every pass, which queues :func:`retention_job` once per
``MEDIA_RETENTION_EVERY_HOURS`` across all workers.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from glob import escape as glob_escape

from sqlalchemy import update

from hub.extensions import db
from hub.jobs import enqueue, job
from hub.media.access import items_using
from hub.media.settings import media_dir, setting
from hub.media.storage import INCOMING, remove_files
from hub.models import Asset, AssetStatus, Item
from hub.models.base import utcnow

log = logging.getLogger(__name__)
_ENDED_STATUSES = ("rejected", "withdrawn")
STUCK_PROBE = dt.timedelta(minutes=15)


@dataclass
class RetentionReport:
    deleted: list[tuple[int, str]] = field(default_factory=list)
    freed_bytes: int = 0
    incoming_removed: int = 0
    #: files still on disk of media already deleted or rejected (e.g. a poster finished after the delete)
    leftovers_removed: int = 0
    kept: int = 0
    requeued: int = 0


def _item_over(item: Item, cutoff: dt.datetime) -> bool:
    if item.window_end is not None:
        return item.window_end <= cutoff
    if item.status == "approved":
        # approved, but no period written (its publication never succeeded): the channel's default
        from hub.plugins import plugins

        end = plugins().hook.display_period_end(item=item)
        return end is not None and end <= cutoff
    return item.status in _ENDED_STATUSES and item.updated_at is not None and item.updated_at <= cutoff


def due_reason(asset: Asset, cutoff: dt.datetime) -> str | None:
    """Why ``asset``'s files may go now, or None when something still needs them."""
    if asset.created_at is None or asset.created_at > cutoff:
        return None
    items = items_using(asset)
    if not items:
        return "unused"
    if all(_item_over(item, cutoff) for item in items):
        return "period_ended"
    return None


def run_retention(now: dt.datetime | None = None, *, dry_run: bool = False) -> RetentionReport:
    """Delete what retention allows (see the module docstring); returns what was done."""
    from hub import audit

    now = now or utcnow()
    cutoff = now - dt.timedelta(days=float(setting("MEDIA_RETENTION_DAYS")))
    report = RetentionReport()
    candidates = db.session.execute(
        db.select(Asset).where(Asset.status == AssetStatus.READY.value, Asset.created_at <= cutoff).order_by(Asset.id)
    ).scalars()
    for asset in list(candidates):
        reason = due_reason(asset, cutoff)
        if reason is None:
            report.kept += 1
            continue
        if dry_run:
            report.deleted.append((asset.id, reason))
            continue
        claimed = db.session.execute(
            update(Asset)
            .where(Asset.id == asset.id, Asset.status == AssetStatus.READY.value)
            .values(status=AssetStatus.DELETED.value, deleted_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:  # another run got there first
            db.session.rollback()
            continue
        freed = remove_files(asset)
        audit.record(
            "media.retention_deleted",
            actor=None,
            target_type="asset",
            target_id=asset.id,
            details={
                "reason": reason,
                "name": asset.original_name,
                "size": asset.size,
                "sha256": asset.sha256,
                "items": [i.id for i in items_using(asset)],
                "retention_days": float(setting("MEDIA_RETENTION_DAYS")),
            },
        )
        db.session.commit()
        db.session.refresh(asset)
        report.deleted.append((asset.id, reason))
        report.freed_bytes += freed
        log.info("retention: deleted the files of media #%s (%s, %s bytes)", asset.id, reason, freed)
    if not dry_run:
        report.leftovers_removed = _remove_leftovers()
        report.incoming_removed = _remove_stale_incoming()
        report.requeued = _requeue_stuck_probes(now)
    return report


def _claim_period(every_hours: float) -> bool:
    """True for the first caller (any worker, any machine) in each ``every_hours`` period
    (a Redis key ``SET NX EX``)."""
    from flask import current_app

    from hub.queue import redis_connection

    key = f"hub:{current_app.config['QUEUE_NAME']}:media:retention-due"
    return bool(redis_connection().set(key, "1", nx=True, ex=max(1, int(every_hours * 3600))))


def run_if_due(every_hours: float = 6) -> RetentionReport | None:
    """Run retention here at most once per ``every_hours`` across all workers; None when not due."""
    return run_retention() if _claim_period(every_hours) else None


@job
def retention_job() -> dict:
    """Background job: one retention run; returns a summary for the job's result."""
    report = run_retention()
    return {
        "deleted": len(report.deleted),
        "freed_bytes": report.freed_bytes,
        "incoming_removed": report.incoming_removed,
        "requeued": report.requeued,
    }


def enqueue_if_due(every_hours: float | None = None) -> bool:
    """For the worker's maintenance loop (every few seconds): queue :func:`retention_job` at most
    once per ``MEDIA_RETENTION_EVERY_HOURS`` (default 6) across all workers. The run itself happens in
    a work-horse, so a long run never holds up the loop."""
    hours = float(every_hours if every_hours is not None else setting("MEDIA_RETENTION_EVERY_HOURS"))
    if not _claim_period(hours):
        return False
    enqueue(retention_job)
    return True


def _remove_leftovers() -> int:
    """Delete every file still on disk of a deleted or rejected asset: the recorded ones and any
    ``<stem>.*`` derivative next to its original (a job that lost a race with the deletion)."""
    root = media_dir()
    removed = 0
    gone = db.session.execute(
        db.select(Asset).where(Asset.status.in_((AssetStatus.DELETED.value, AssetStatus.REJECTED.value)))
    ).scalars()
    for asset in gone:
        names = {asset.stored_name} if asset.stored_name else set()
        for key, entry in (asset.derivatives or {}).items():
            entries = entry.values() if key == "renditions" else [entry]
            names |= {e["path"] for e in entries if isinstance(e, dict) and e.get("path")}
        paths = set()
        for name in names:
            path = (root / name).resolve()
            if path.is_relative_to(root.resolve()):
                paths.add(path)
        if asset.stored_name:
            stem = (root / asset.stored_name).resolve()
            if stem.is_relative_to(root.resolve()) and stem.parent.is_dir():
                paths |= set(stem.parent.glob(glob_escape(stem.name.rsplit(".", 1)[0]) + ".*"))
        for path in paths:
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError:
                log.warning("retention: cannot remove %s of deleted media #%s", path, asset.id)
                continue
            removed += 1
            log.info("retention: removed %s left behind by deleted media #%s", path.name, asset.id)
    return removed


def _remove_stale_incoming() -> int:
    folder = media_dir() / INCOMING
    if not folder.is_dir():
        return 0
    horizon = time.time() - float(setting("MEDIA_UPLOAD_EXPIRY_HOURS")) * 3600
    removed = 0
    for path in folder.glob("*.part"):
        try:
            if path.stat().st_mtime < horizon:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def _requeue_stuck_probes(now: dt.datetime) -> int:
    from hub.media.ingest import queue_probe

    stuck = db.session.execute(
        db.select(Asset.id).where(Asset.status == AssetStatus.PROBING.value, Asset.created_at <= now - STUCK_PROBE)
    ).scalars()
    count = 0
    for asset_id in stuck:
        queue_probe(asset_id)
        count += 1
    return count
