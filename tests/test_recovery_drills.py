"""Recovery drills: a worker SIGKILLed at each point of a publication, Redis killed and restarted empty.

Real ``hub worker`` subprocesses, the stub channel (its service counts every post), fast
dispatch timings (lease 3 s, a maintenance pass every 0.5 s; production: 90 s and 15 s).
A worker stops at a pause point the stub plugin honours (``HUB_STUB_PAUSE_AT``) and is
killed there. Each drill prints how long recovery took; the targets (with production
timings) are 2 minutes after a killed worker and 1 minute after Redis comes back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import time

import psutil
import pytest

from hub.dispatch import kick
from hub.extensions import db
from hub.models import Publication, utcnow
from tests.dispatch_support import app, approve_item, publications, stub_app, svc
from tests.helpers import free_port, start_hub, wait_for
from tests.test_dispatch_recovery import ROOT, Worker, worker_env

__all__ = ["app", "svc"]  # fixtures


class PausingWorker(Worker):
    """A ``hub worker`` that stops at ``pause_at`` (or nowhere)."""

    def __init__(self, app, svc, name, log_dir, pause_at: str | None = None):
        self.log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        env = worker_env(app, svc)
        if pause_at:
            env["HUB_STUB_PAUSE_AT"] = pause_at
        self.proc = start_hub(
            ["worker", "--name", f"{name}-{time.monotonic_ns()}"],
            env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.fixture
def workers(svc, tmp_path):
    started: list[Worker] = []

    def _start(app, name: str, pause_at: str | None = None) -> Worker:
        w = PausingWorker(app, svc, name, tmp_path, pause_at)
        started.append(w)
        return w

    yield _start
    for w in started:  # the drill is over: no need for a warm shutdown
        if w.proc.poll() is None:
            family = psutil.Process(w.proc.pid).children(recursive=True)
            os.killpg(w.proc.pid, signal.SIGKILL)
            for child in family:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
        w.stop()


def _published(item_id: int):
    rows = publications(item_id)
    return rows if rows and all(p.status == "published" for p in rows) else None


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-claim", "during-call", "after-answer"])
def test_worker_killed_at_any_point_publishes_exactly_once(app, svc, make_user, workers, point):
    user = make_user("citra", roles=["pembuat_konten"])
    if point == "during-call":
        svc.block_next(after_create=True)  # the post is made; the worker dies before hearing so
        reached = svc.blocked
    else:
        reached = svc.pause_event(point)
    item = approve_item(user, "stub")
    # queued before the worker starts: a starting worker's reconciler pass would otherwise race the kick
    assert kick([item.id]) == 1
    first = workers(app, "doomed", pause_at=None if point == "during-call" else point)
    wait_for(reached.is_set, timeout=60, what=f"the worker to reach {point}")
    first.kill()
    killed_at = time.monotonic()
    svc.release()
    second = workers(app, "survivor")

    [pub] = wait_for(lambda: _published(item.id), timeout=100, what="the publication to be published")
    took = time.monotonic() - killed_at
    print(f"\ndrill: worker SIGKILLed {point}: published {took:.1f} s after the kill (lease 3 s)")
    assert svc.count(pub.idempotency_key) == 1, second.output()
    assert len(svc.posts) == 1
    assert took < 120


@pytest.mark.slow
def test_redis_killed_and_restarted_empty_publishes_everything_once(make_app, svc, make_user, workers, tmp_path):
    port = free_port()

    def redis_server():
        return subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            cwd=tmp_path,
        )

    server = redis_server()
    try:
        rapp = stub_app(make_app, svc, REDIS_URL=f"redis://127.0.0.1:{port}/0")
        with rapp.app_context():
            wait_for(lambda: _ping(rapp), timeout=20, what="redis-server to start")
            user = make_user("citra", roles=["pembuat_konten"])
            workers(rapp, "through-the-outage")
            # scheduled a little ahead: their jobs are only in Redis when it dies
            later = approve_item(
                user, ("stub", {"accounts": ["a", "b"]}), publish_at=utcnow() + dt.timedelta(seconds=3)
            )
            assert kick([later.id]) == 2
            server.kill()
            server.wait(10)
            assert {p.status for p in publications(later.id)} == {"queued"}  # not out yet: only Redis had them
            during = approve_item(user, "stub", title="Disetujui saat Redis mati")
            assert kick([during.id]) == 0  # the rows wait in the database
            server = redis_server()  # back, empty
            wait_for(lambda: _ping(rapp), timeout=20, what="redis-server to restart")
            back_at = time.monotonic()

            ids = [later.id, during.id]
            rows = wait_for(lambda: all(_published(i) for i in ids) and _all(ids), timeout=100, what="recovery")
            took = time.monotonic() - back_at
            print(f"\ndrill: Redis killed and restarted empty: all published {took:.1f} s after it came back")
            assert len(rows) == 3
            for p in rows:
                assert svc.count(p.idempotency_key) == 1
            assert len(svc.posts) == 3
            assert took < 60
    finally:
        server.kill()
        server.wait(10)


def _ping(app) -> bool:
    from hub.queue import redis_connection

    try:
        return bool(redis_connection(app).ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


def _all(item_ids):
    db.session.expire_all()
    return list(
        db.session.execute(db.select(Publication).where(Publication.item_id.in_(item_ids)).order_by(Publication.id))
        .scalars()
        .all()
    )
