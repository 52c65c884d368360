"""Nothing approved is lost or published twice: killed workers, restarted Redis, scheduled times.

These run real ``hub worker`` subprocesses (with their maintenance loop) against the
stub channel's service, which lives in the test process and counts what it received.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from hub.dispatch import kick
from hub.dispatch.reconcile import run_pass
from hub.embedded_redis import EmbeddedRedis
from hub.extensions import db
from hub.models import Publication, utcnow
from hub.queue import get_queue, redis_connection
from tests.dispatch_support import FAST, app, approve_item, audit_actions, drive, publications, stub_app, svc
from tests.helpers import hub_env, start_hub, wait_for

__all__ = ["app", "svc"]  # fixtures

ROOT = Path(__file__).resolve().parent.parent


def worker_env(app, svc) -> dict[str, str]:
    return hub_env(
        app,
        HUB_EXTRA_PLUGINS='["tests.stub_channel"]',
        HUB_STUB_CHANNEL_URL=svc.url,
        PYTHONPATH=str(ROOT),
        **{f"HUB_{k}": v for k, v in FAST.items()},
    )


class Worker:
    """A ``hub worker`` subprocess in its own process group (so SIGKILL takes its work-horse too)."""

    def __init__(self, app, svc, name: str, log_dir: Path):
        self.log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = start_hub(
            ["worker", "--name", f"{name}-{os.getpid()}"],
            worker_env(app, svc),
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the worker and every process it started: its scheduler, and a forked work-horse
        (in its own session) when the job runs in one (dispatch jobs run in the worker itself)."""
        family = psutil.Process(self.proc.pid).children(recursive=True)
        os.killpg(self.proc.pid, signal.SIGKILL)
        for child in family:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        psutil.wait_procs(family, timeout=10)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # warm shutdown: RQ finishes the current job
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]


@pytest.fixture
def workers(app, svc, tmp_path):
    started: list[Worker] = []

    def _start(name: str, on_app=None) -> Worker:
        w = Worker(on_app or app, svc, name, tmp_path)
        started.append(w)
        return w

    yield _start
    for w in started:
        w.stop()


def all_published(item_ids: list[int]):
    rows = [p for p in publications() if p.item_id in item_ids]
    return rows if rows and all(p.status == "published" for p in rows) else None


@pytest.mark.slow
@pytest.mark.parametrize("after_create", [True, False], ids=["post-made-answer-lost", "killed-before-post"])
def test_worker_killed_mid_publish_publishes_exactly_once(app, svc, make_user, workers, after_create):
    user = make_user("citra", roles=["pembuat_konten"])
    svc.block_next(after_create=after_create)  # the first POST hangs until released
    item = approve_item(user, ("stub", {"accounts": ["diskominfo", "gubernur"]}))
    first = workers("w1")
    assert kick([item.id]) == 2

    wait_for(svc.blocked.is_set, timeout=60, what="the worker to reach the channel")
    busy = db.session.execute(db.select(Publication).where(Publication.status == "publishing")).scalar_one()
    assert busy.attempts == 1 and busy.lease_until > utcnow()
    first.kill()  # SIGKILL: worker, work-horse and scheduler die mid-request
    svc.release()  # the service finishes what it was doing; nobody hears the answer

    second = workers("w2")
    rows = wait_for(lambda: all_published([item.id]), timeout=60, what="every publication to be published")
    for p in rows:
        assert svc.count(p.idempotency_key) == 1, second.output()
    recovered = next(p for p in rows if p.id == busy.id)
    assert recovered.attempts == 2
    assert "publication.recovered" in audit_actions(recovered.id)
    if after_create:
        assert recovered.state.get("found_earlier") == recovered.remote_id  # found, not posted again
    assert len(svc.posts) == 2


@pytest.mark.slow
def test_redis_restarted_between_approval_and_enqueue(make_app, svc, make_user, workers, tmp_path):
    """Simulated on a private embedded Redis: stopped during one approval (the relay cannot
    reach it), then stopped, started and emptied after another approval's jobs were enqueued
    (a restart without persistence loses the queue). The database still has every row."""
    server = EmbeddedRedis(tmp_path / "redis").start()
    try:
        rapp = stub_app(make_app, svc, REDIS_URL=server.url)
        with rapp.app_context():
            user = make_user("citra", roles=["pembuat_konten"])
            down = approve_item(user, "stub", title="Saat Redis mati")
            server.stop()
            assert kick([down.id]) == 0  # no exception: the approval is committed, the rows wait

            server.start()
            lost = approve_item(user, ("stub", {"accounts": ["a", "b"]}), title="Antrean hilang")
            assert kick([lost.id]) == 2
            server.stop()
            server.start()
            server.client().flushall()  # whatever the restart kept, assume the worst
            assert get_queue(rapp).count == 0

            workers("w1-redis", rapp)  # a worker against the restarted server
            rows = wait_for(lambda: all_published([down.id, lost.id]), timeout=60, what="recovery after Redis")
            assert len(rows) == 3
            for p in rows:
                assert svc.count(p.idempotency_key) == 1
                assert p.attempts == 1
            assert len(svc.post_attempts()) == 3
    finally:
        server.stop()


def test_scheduled_publication_goes_out_at_its_time_not_before(app, svc, make_user):
    user = make_user("citra", roles=["pembuat_konten"])
    at = utcnow() + dt.timedelta(seconds=3)
    item = approve_item(user, "stub", publish_at=at)
    assert kick([item.id]) == 1
    assert get_queue().scheduled_job_registry.count == 1
    drive(app, lambda: publications(item.id)[0].status == "published", timeout=30)
    post = next(iter(svc.posts.values()))
    assert post["at"] >= at.timestamp()  # not before its time
    assert post["at"] - at.timestamp() < 15  # and soon after it (generous: CI machines are busy)


def test_reconciler_re_enqueues_lost_jobs_and_keeps_schedules(app, svc, make_user):
    user = make_user("citra", roles=["pembuat_konten"])
    now_item = approve_item(user, "stub", title="Sekarang")
    later = utcnow() + dt.timedelta(seconds=3)
    later_item = approve_item(user, "stub", title="Nanti", publish_at=later)
    assert kick() == 2
    redis_connection().flushdb()  # Redis lost both jobs

    report = run_pass()
    assert sorted(report.requeued) == sorted(p.id for p in publications())
    assert run_pass().requeued == []  # the jobs are there now: nothing is enqueued twice
    assert get_queue().count == 1 and get_queue().scheduled_job_registry.count == 1

    drive(app, lambda: all_published([now_item.id, later_item.id]), timeout=30)
    assert len(svc.posts) == 2
    late = publications(later_item.id)[0]
    assert svc.posts[late.remote_id]["at"] >= later.timestamp()  # still not before its time


def test_lease_expiry_requeues_and_exhausted_attempts_need_a_person(make_app, svc, make_user):
    app = stub_app(make_app, svc, DISPATCH_MAX_ATTEMPTS=2)
    with app.app_context():
        user = make_user("citra", roles=["pembuat_konten"])
        item = approve_item(user, "stub")
        pub = publications(item.id)[0]
        gone = utcnow() - dt.timedelta(seconds=1)
        # a worker claimed attempt 1 and died; the lease ran out
        db.session.execute(
            db.update(Publication).values(status="publishing", attempts=1, lease_until=gone, retry_base=0)
        )
        db.session.commit()
        report = run_pass()
        assert report.recovered == [pub.id] and publications()[0].status == "queued"
        # the same again on the last attempt: the outcome is unknown, a person decides
        db.session.execute(db.update(Publication).values(status="publishing", attempts=2, lease_until=gone))
        db.session.commit()
        report = run_pass()
        assert report.needs_attention == [pub.id]
        row = publications()[0]
        assert row.status == "needs_attention" and "hasilnya belum diketahui" in row.last_error
        assert "the outcome is not known" in row.error_in("en")
        assert svc.posts == {}


def test_maintenance_lock_lets_one_worker_pass_at_a_time(app):
    from hub.dispatch.maintenance import MaintenanceLoop

    a = MaintenanceLoop(app, name="a", interval=5)
    b = MaintenanceLoop(app, name="b", interval=5)
    assert a.run_once() is not None
    assert b.run_once() is None
    time.sleep(0.1)
    assert b.run_once() is None


def test_overdue_scheduled_job_is_queued_when_no_scheduler_runs(make_app, svc, make_user):
    app = stub_app(make_app, svc, DISPATCH_SCHEDULER_GRACE=0.5)
    with app.app_context():
        user = make_user("citra", roles=["pembuat_konten"])
        item = approve_item(user, "stub", publish_at=utcnow() + dt.timedelta(seconds=1))
        kick([item.id])
        time.sleep(2.7)  # due + grace passed; no worker with a scheduler ran meanwhile
        pub = publications(item.id)[0]
        assert run_pass().requeued == [pub.id]
        queue = get_queue()
        assert queue.count == 1 and queue.scheduled_job_registry.count == 0
        drive(app, lambda: publications(item.id)[0].status == "published")
        assert svc.count(pub.idempotency_key) == 1


def _start_job_on(worker, job_id: str):
    """What a worker does between dequeue and claim: the job is "started" by ``worker``."""
    from rq.job import Job

    queue = get_queue()
    worker.register_birth()
    job = Job.fetch(job_id, connection=redis_connection())
    queue.remove(job)
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)
    return job


@pytest.mark.parametrize("alive", [True, False], ids=["worker-alive", "worker-dead"])
def test_a_started_job_counts_as_live_only_while_its_worker_beats(app, svc, make_user, alive):
    """A worker killed between dequeue and claim leaves its job "started" for minutes (its Redis
    key outlives it); the reconciler re-enqueues it once the worker's heartbeat is older than the lease."""
    from rq.job import JobStatus

    from hub.jobs import make_worker

    user = make_user("citra", roles=["pembuat_konten"])
    item = approve_item(user, "stub")
    assert kick([item.id]) == 1
    [pub] = publications(item.id)
    worker = make_worker(app, name=f"doomed-{os.getpid()}")
    job = _start_job_on(worker, f"hub-pub-{pub.id}-1")
    assert job.get_status() == JobStatus.STARTED and publications(item.id)[0].status == "queued"
    if not alive:  # SIGKILLed: no heartbeat since, for longer than the lease (3 s here)
        stale = (utcnow() - dt.timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        redis_connection().hset(worker.key, "last_heartbeat", stale)

    report = run_pass()
    if alive:
        assert report.requeued == [] and get_queue().count == 0
        return
    assert report.requeued == [pub.id]
    assert get_queue().job_ids == [f"hub-pub-{pub.id}-1"]
    drive(app, lambda: publications(item.id)[0].status == "published")
    assert svc.count(pub.idempotency_key) == 1 and publications(item.id)[0].attempts == 1


@pytest.mark.parametrize("holder", ["stopped-beating", "process-gone", "alive", "none"])
def test_a_dead_schedulers_due_jobs_are_queued_by_the_next_maintenance_pass(app, holder):
    """The process holding RQ's scheduler lock was killed: its lock outlives it by a minute and
    the other workers would start a scheduler only at RQ's 10-minute maintenance. The next
    maintenance pass queues every due job instead (and leaves a live scheduler alone)."""
    from rq.scheduler import RQScheduler

    from hub.dispatch.jobs import publish_publication
    from hub.dispatch.maintenance import MaintenanceLoop

    queue, conn = get_queue(), redis_connection()
    due = queue.enqueue_at(utcnow() - dt.timedelta(seconds=1), publish_publication, 999_999, job_id="overdue")
    later = queue.enqueue_at(utcnow() + dt.timedelta(hours=1), publish_publication, 999_998, job_id="later")
    if holder != "none":
        scheduler = RQScheduler([queue], connection=conn, name=f"sched-{holder}")
        assert scheduler.acquire_locks() == {queue.name}
        scheduler.register_birth()
        if holder == "stopped-beating":  # on another machine, say: only its heartbeat tells
            conn.hset(scheduler.key, "last_heartbeat", "2000-01-01T00:00:00.000000Z")
        elif holder == "process-gone":  # on this machine, SIGKILLed a moment ago: its heartbeat is fresh
            gone = subprocess.Popen(["true"])
            gone.wait()
            conn.hset(scheduler.key, "pid", str(gone.pid))

    MaintenanceLoop(app, name="survivor", interval=5).run_once()
    ours = ("overdue", "later")  # (a pass also queues retention and schedules the overdue sweep)
    queued = [j for j in queue.job_ids if j in ours]
    scheduled = [j for j in queue.scheduled_job_registry.get_job_ids() if j in ours]
    if holder == "alive":  # RQ's own scheduler is in charge: nothing stolen, nothing moved
        assert queued == [] and scheduled == ["overdue", "later"]
        assert conn.get(RQScheduler.get_locking_key(queue.name)) == b"sched-alive"
        return
    assert queued == [due.id] and scheduled == [later.id]
    assert conn.get(RQScheduler.get_locking_key(queue.name)) is None  # free for a real scheduler again
