"""The dispatch jobs run in the worker's own process (no fork per job): where they run, the
heartbeats a running job keeps sending, the hard time limit, and a "stop job" with no horse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from hub import jobs as hub_jobs
from hub.dispatch import jobs as dispatch_jobs
from hub.dispatch import kick
from hub.extensions import db
from tests.dispatch_support import app, approve_item, publications, svc
from tests.helpers import hub_env, start_hub, wait_for

__all__ = ["app", "svc"]  # fixtures

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("fork_every_job", [False, True], ids=["in-process", "fork-every-job"])
def test_publish_jobs_run_in_the_workers_own_process(app, svc, make_user, monkeypatch, fork_every_job):
    user = make_user("citra", roles=["pembuat_konten"])
    item = approve_item(user, "stub")
    seen_in: list[int] = []
    record = dispatch_jobs._record

    def recording(*args, **kwargs):
        seen_in.append(os.getpid())  # lost with a forked work-horse
        return record(*args, **kwargs)

    monkeypatch.setattr(dispatch_jobs, "_record", recording)
    assert kick([item.id]) == 1
    hub_jobs.run_worker(app, burst=True, with_scheduler=False, maintenance=False, fork_every_job=fork_every_job)
    [pub] = publications(item.id)
    assert pub.status == "published" and svc.count(pub.idempotency_key) == 1
    assert seen_in == ([] if fork_every_job else [os.getpid()])


def test_a_worker_sends_heartbeats_while_a_publish_job_runs_in_it(app, svc, make_user, tmp_path):
    """A worker running a long publish job (here: a channel that does not answer) keeps beating,
    so /healthz and the reconciler do not take it for dead; the channel call is its own."""
    from hub.dispatch.policy import setting

    user = make_user("citra", roles=["pembuat_konten"])
    svc.block_next(after_create=True)
    item = approve_item(user, "stub")
    env = hub_env(
        app,
        HUB_EXTRA_PLUGINS='["tests.stub_channel"]',
        HUB_STUB_CHANNEL_URL=svc.url,
        PYTHONPATH=str(ROOT),
        HUB_WORKER_HEARTBEAT="1",
        HUB_DISPATCH_LEASE_SECONDS=str(setting("DISPATCH_LEASE_SECONDS")),
    )
    name = f"beating-{os.getpid()}"
    with open(tmp_path / "worker.log", "wb") as log:
        proc = start_hub(["worker", "--name", name], env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            assert kick([item.id]) == 1
            wait_for(svc.blocked.is_set, timeout=60, what="the worker to reach the channel")
            port = int(svc.url.rsplit(":", 1)[1].strip("/"))
            worker = psutil.Process(proc.pid)
            assert any(c.raddr and c.raddr.port == port for c in worker.net_connections("tcp"))  # not a horse's
            from hub.queue import redis_connection

            conn = redis_connection(app)
            first = conn.hget(f"rq:worker:{name}", "last_heartbeat")
            wait_for(
                lambda: conn.hget(f"rq:worker:{name}", "last_heartbeat") not in (None, first),
                timeout=30,
                what="a heartbeat while the job runs",
            )
            from hub.dispatch.relay import worker_is_alive

            assert worker_is_alive(name)
            svc.release()
            [pub] = wait_for(
                lambda: [p for p in publications(item.id) if p.status == "published"], timeout=60, what="published"
            )
            assert svc.count(pub.idempotency_key) == 1
        finally:
            svc.release()
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


class _Worker(SimpleNamespace):
    def maintain_heartbeats(self, job, execution):
        self.beats.append(job.id)
        if len(self.beats) >= 2:
            self.beaten.set()


def test_the_job_watch_beats_and_ends_the_worker_past_the_hard_limit(monkeypatch):
    killed = threading.Event()
    kills: list[tuple[int, int]] = []

    def fake_kill(pid, sig):
        kills.append((pid, sig))
        killed.set()

    monkeypatch.setattr(hub_jobs.os, "kill", fake_kill)
    worker = _Worker(name="w", job_monitoring_interval=0.01, hard_limit_grace=3600, beats=[], beaten=threading.Event())
    watch = hub_jobs._JobWatch(worker, SimpleNamespace(id="j1", timeout=60), execution=None)
    watch.start()
    assert worker.beaten.wait(30), "no heartbeat while the job runs"
    watch.stop()
    assert kills == []  # within its limit

    worker.hard_limit_grace = 0  # a job that ignored its timeout: past timeout + grace
    watch = hub_jobs._JobWatch(worker, SimpleNamespace(id="j2", timeout=0), execution=None)
    watch.start()
    assert killed.wait(30), "the worker was not ended"
    watch.stop()
    assert kills[0] == (os.getpid(), signal.SIGKILL)


def test_a_stop_job_command_without_a_horse_leaves_the_worker_alive(app):
    """RQ's kill_horse with no horse (the job runs in the worker) signalled the worker's own
    process group; now it does nothing."""
    code = (
        "from hub.app import create_app\n"
        "from hub.jobs import make_worker\n"
        "app = create_app()\n"
        "w = make_worker(app, name='no-horse-%d' % __import__('os').getpid())\n"
        "assert w.horse_pid == 0\n"
        "w.kill_horse()\n"
        "print('alive')\n"
    )
    env = hub_env(app, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, timeout=120, start_new_session=True
    )
    assert done.returncode == 0 and b"alive" in done.stdout, done.stderr.decode()[-2000:]


def test_only_declared_jobs_run_in_process(app):
    worker = hub_jobs.make_worker(app, name=f"which-{os.getpid()}")
    job = SimpleNamespace(func_name="hub.dispatch.jobs.publish_publication")
    assert worker.runs_in_process(job)
    assert not worker.runs_in_process(SimpleNamespace(func_name="hub.media.jobs.process_upload"))
    app.config["WORKER_FORK_EVERY_JOB"] = "true"
    assert not hub_jobs.make_worker(app, name=f"forking-{os.getpid()}").runs_in_process(job)
    db.session.remove()
