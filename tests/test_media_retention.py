"""Retention: files go after the display period plus the retention days; nothing in use is deleted."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from hub.extensions import db
from hub.media.retention import run_retention
from hub.models import Asset, ItemChannel
from hub.models.audit import AuditEntry
from hub.models.base import utcnow
from tests.media_support import attach, make_item

NOW = utcnow()


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


@pytest.fixture
def owner(make_user):
    return make_user("citra", roles=["pembuat_konten"])


@pytest.fixture
def new_asset(app, owner):
    media = Path(app.config["MEDIA_DIR"])
    counter = iter(range(1, 1000))

    def _make(*, created: dt.datetime | None = None, status: str = "ready") -> Asset:
        n = next(counter)
        stored, poster = f"2026/01/file{n}.mp4", f"2026/01/file{n}.poster.jpg"
        for name in (stored, poster):
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(b"x" * 100)
        asset = Asset(
            organisation_id=owner.organisation_id,
            uploaded_by_id=owner.id,
            original_name=f"video-{n}.mp4",
            stored_name=stored,
            kind="video",
            mime="video/mp4",
            size=100,
            status=status,
            created_at=created or days_ago(60),
            derivatives={"poster": {"path": poster, "status": "ready"}},
        )
        db.session.add(asset)
        db.session.commit()
        return asset

    return _make


def files_of(app, asset: Asset) -> list[bool]:
    media = Path(app.config["MEDIA_DIR"])
    return [(media / asset.stored_name).exists(), (media / asset.derivatives["poster"]["path"]).exists()]


def test_files_go_after_the_display_period_and_nothing_in_use_is_deleted(app, owner, new_asset):
    ended_long_ago = new_asset()
    attach(make_item(owner, status="approved", window_end=days_ago(31)), ended_long_ago.id)
    ended_recently = new_asset()
    attach(make_item(owner, status="approved", window_end=days_ago(10)), ended_recently.id)
    shared = new_asset()  # one item is over, the other still shows it
    attach(make_item(owner, status="approved", window_end=days_ago(40)), shared.id)
    attach(make_item(owner, status="approved", window_end=NOW + dt.timedelta(days=3)), shared.id)
    in_review = new_asset()  # not yet published, no display period yet
    attach(make_item(owner, status="in_review"), in_review.id)
    rejected_item = make_item(owner, status="rejected")
    rejected_item.updated_at = days_ago(45)
    db.session.commit()
    of_rejected = new_asset()
    attach(rejected_item, of_rejected.id)
    unused_old, unused_new = new_asset(), new_asset(created=days_ago(2))

    report = run_retention(NOW)

    deleted = {asset_id for asset_id, _reason in report.deleted}
    assert deleted == {ended_long_ago.id, of_rejected.id, unused_old.id}
    assert dict(report.deleted)[ended_long_ago.id] == "period_ended"
    assert dict(report.deleted)[unused_old.id] == "unused"
    assert report.freed_bytes == 3 * 200
    db.session.expire_all()
    for asset in (ended_long_ago, of_rejected, unused_old):
        assert asset.status == "deleted" and asset.deleted_at is not None  # the row stays
        assert files_of(app, asset) == [False, False]
    for asset in (ended_recently, shared, in_review, unused_new):
        assert asset.status == "ready" and files_of(app, asset) == [True, True]
    entries = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "media.retention_deleted")).scalars()
    by_target = {e.target_id: e for e in entries}
    assert set(by_target) == {str(a.id) for a in (ended_long_ago, of_rejected, unused_old)}
    assert by_target[str(ended_long_ago.id)].actor_name == "system"
    assert by_target[str(ended_long_ago.id)].details["reason"] == "period_ended"
    # a second run finds nothing more to do
    assert run_retention(NOW).deleted == []


def test_the_retention_period_is_configurable(make_app, make_user, tmp_path):
    app = make_app(MEDIA_RETENTION_DAYS=5)
    with app.app_context():
        owner = make_user("citra", roles=["pembuat_konten"])
        media = Path(app.config["MEDIA_DIR"])
        (media / "a.mp4").write_bytes(b"x")
        asset = Asset(
            uploaded_by_id=owner.id,
            stored_name="a.mp4",
            kind="video",
            mime="video/mp4",
            status="ready",
            created_at=days_ago(20),
            derivatives={},
        )
        db.session.add(asset)
        db.session.commit()
        attach(make_item(owner, status="approved", window_end=days_ago(10)), asset.id)
        assert [a for a, _ in run_retention(NOW).deleted] == [asset.id]
        assert not (media / "a.mp4").exists()


def test_the_command_and_unfinished_uploads(app, runner, owner, new_asset):
    asset = new_asset()
    attach(make_item(owner, status="approved", window_end=days_ago(100)), asset.id)
    incoming = Path(app.config["MEDIA_DIR"]) / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    stale, fresh = incoming / "old.part", incoming / "new.part"
    stale.write_bytes(b"half a video")
    fresh.write_bytes(b"still arriving")
    two_days = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days, two_days))

    result = runner.invoke(args=["media", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"media #{asset.id}" in result.output and "would be deleted" in result.output
    db.session.expire_all()
    assert asset.status == "ready" and files_of(app, asset) == [True, True] and stale.exists()

    result = runner.invoke(args=["media", "retention"])
    assert result.exit_code == 0, result.output
    assert "1 media dihapus / deleted" in result.output and "1 unfinished uploads removed" in result.output
    db.session.expire_all()
    assert asset.status == "deleted" and not stale.exists() and fresh.exists()


def test_run_if_due_runs_once_per_period_across_workers(app, owner, new_asset):
    from hub.media.retention import run_if_due

    asset = new_asset()
    first = run_if_due(every_hours=6)
    assert first is not None and [a for a, _ in first.deleted] == [asset.id]
    assert run_if_due(every_hours=6) is None  # another pass (any worker) within the period does nothing


def test_the_worker_maintenance_pass_queues_retention_once_and_a_worker_runs_it(app, owner, new_asset, run_jobs):
    from hub.dispatch.maintenance import MaintenanceLoop
    from hub.queue import get_queue, redis_connection

    redis_connection().delete(f"hub:{app.config['QUEUE_NAME']}:media:retention-due")
    asset = new_asset()
    loop = MaintenanceLoop(app, name="a", interval=0.2)
    assert loop.run_once() is not None
    assert [j.func_name for j in get_queue().jobs] == ["hub.media.retention.retention_job"]
    time.sleep(0.3)  # the pass lock expired; the retention period has not
    assert loop.run_once() is not None
    assert len(get_queue().jobs) == 1
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).status == "deleted"
    assert files_of(app, asset) == [False, False]


def test_files_left_behind_by_deleted_or_rejected_media_are_removed(app, new_asset):
    """A poster written after its video was deleted (the row says deleted, the file is there)."""
    media = Path(app.config["MEDIA_DIR"])
    deleted = new_asset(status="deleted", created=days_ago(1))
    rejected = new_asset(status="rejected", created=days_ago(1))
    stray = media / "2026/01/file1.thumb.jpg"  # not recorded on the row: made by a job that lost the race
    stray.write_bytes(b"x")
    report = run_retention()
    for asset in (deleted, rejected):
        assert not (media / asset.stored_name).exists()
        assert not (media / asset.derivatives["poster"]["path"]).exists()
    assert not stray.exists()
    assert report.leftovers_removed == 5


def test_an_approved_videotron_item_never_published_goes_by_the_default_window(app, owner, new_asset):
    """window_end NULL (the publication never succeeded): the H-7..H+1 window of its event date."""
    media = Path(app.config["MEDIA_DIR"])
    old_event = new_asset()
    item = make_item(owner, status="approved", event_date=(NOW - dt.timedelta(days=60)).date())
    attach(item, old_event.id)
    recent = new_asset()
    soon = make_item(owner, status="approved", event_date=(NOW - dt.timedelta(days=5)).date())
    attach(soon, recent.id)
    for it in (item, soon):
        db.session.add(ItemChannel(item_id=it.id, channel="videotron", options={}))
    db.session.commit()
    assert item.window_end is None
    report = run_retention()
    assert (old_event.id, "period_ended") in report.deleted
    assert not (media / old_event.stored_name).exists()
    assert (media / recent.stored_name).exists()  # its period ended 4 days ago: kept 30 days more
