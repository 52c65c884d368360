"""Background jobs on RQ.

Jobs are module-level functions that take ids, never live objects, and are
decorated with :func:`job` so they run inside an application context. The
worker (``hub worker``) builds the app once and runs jobs in forked
work-horses; each horse drops the database connections it inherited.

Jobs declared ``@job(in_process=True)`` (the dispatch jobs) run in the worker's own
process instead, with no fork: they keep the worker's database connections, compiled
statements and caches from one job to the next (see :meth:`HubWorker.execute_job` for
their heartbeats and time limits). ``hub worker --fork-every-job`` (or
``HUB_WORKER_FORK_EVERY_JOB=true``) forks for every job again.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import signal
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import redis
from flask import Flask, current_app, has_app_context
from rq import Worker, worker_registration
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.worker import WorkerStatus

from hub.queue import get_queue, redis_connection

log = logging.getLogger(__name__)

_job_app: Flask | None = None


def _app_for_jobs() -> Flask:
    global _job_app
    if _job_app is None:
        from hub.app import create_app

        _job_app = create_app()
    return _job_app


#: import paths (``module.name``, RQ's ``job.func_name``) of the jobs declared ``in_process``
IN_PROCESS_JOBS: set[str] = set()


def job(func=None, *, in_process: bool = False):
    """Run ``func`` inside an application context (the worker's app, or one built on demand).

    ``@job(in_process=True)``: the worker runs it in its own process rather than a forked
    work-horse. Only for short, bounded jobs that cannot take the process down (no native
    media code, no unbounded memory): a job that never returns is ended by the worker's
    watchdog, which takes the whole worker with it (:meth:`HubWorker.execute_job`).
    """
    if func is None:
        return functools.partial(job, in_process=in_process)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        with _app_for_jobs().app_context():
            return func(*args, **kwargs)

    if in_process:
        IN_PROCESS_JOBS.add(f"{func.__module__}.{func.__qualname__}")
    return wrapper


def enqueue(func, *args, job_id: str | None = None, at=None, **options) -> Job:
    """Put ``func(*args)`` on the hub's queue (``at``: an aware datetime to run it at)."""
    queue = get_queue()
    if at is not None:
        return queue.enqueue_at(at, func, *args, job_id=job_id, **options)
    return queue.enqueue(func, *args, job_id=job_id, **options)


PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when the thread that forked it exits."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, sig)


class HubScheduler(RQScheduler):
    """RQ's scheduler as a thread of its worker, not a forked copy of it.

    RQ forks the worker (its whole app, about 85 MiB) to run a loop that moves due jobs to
    the queue once a second. Here the loop runs in a thread: it goes when its worker goes
    (even on SIGKILL), and it holds ``pass_lock`` (the worker's fork lock) during each pass
    so the worker never forks a work-horse while it is in the middle of a Redis call.
    """

    #: the worker's fork lock (see :attr:`HubWorker.fork_lock`)
    pass_lock = None

    def start(self):
        self._status = self.Status.STARTED
        self._stop_requested = False
        self._wake = threading.Event()
        self._process = threading.Thread(target=self._run, name="rq-scheduler", daemon=True)
        self._process.start()
        return self._process

    def _run(self):
        self.log.info("Scheduler for %s started in a thread of PID %s", ", ".join(self._queue_names), os.getpid())
        lock = self.pass_lock if self.pass_lock is not None else contextlib.nullcontext()
        try:
            with lock:
                self.register_birth()
            while not self._stop_requested:
                with lock:
                    if self.should_reacquire_locks:
                        self.acquire_locks()
                    self.heartbeat()
                    self.enqueue_scheduled_jobs()
                self._wake.wait(self.interval)
            with lock:
                self.stop()
        except Exception:  # noqa: BLE001 - Redis gone: the worker's maintenance starts it again
            self.log.exception("Scheduler thread of PID %s raised an exception", os.getpid())

    def request_stop(self, signum=None, frame=None):
        self._stop_requested = True
        wake = getattr(self, "_wake", None)
        if wake is not None:
            wake.set()

    def join(self, timeout: float | None = None) -> None:
        thread = self._process
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)


class HubWorker(Worker):
    """An RQ worker that runs every job inside the hub's application context."""

    flask_app: Flask | None = None
    #: held by the dispatch maintenance thread during a pass; the worker never forks (a horse,
    #: RQ's scheduler) while that thread may hold other locks (imports, connection pools),
    #: which the child would inherit and nobody would release
    fork_lock = None
    #: set once the worker is up (signal handlers installed, scheduler started) and dequeuing
    ready = None

    #: how long the pubsub thread blocks on one read. RQ passes 60 s; with redis-py 8 a stop
    #: that races the UNSUBSCRIBE reply then waits out a whole read (``PubSubWorkerThread.stop``
    #: joins the thread, which sleeps ``sleep_time`` once it has no channel left)
    pubsub_poll_seconds = 0.5

    def subscribe(self):
        """RQ's command channel, polled every ``pubsub_poll_seconds`` so a stop is never held up."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=self.pubsub_poll_seconds, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def heartbeat(self, timeout=None, pipeline=None):
        super().heartbeat(timeout, pipeline)
        if pipeline is None and self.birth_date is not None and not self.is_horse:
            if not self.connection.sismember(self.redis_workers_keys, self.key):
                # Redis restarted empty (or lost us): register again, or nobody counts this worker
                self.log.warning("Worker %s: not registered in Redis (restarted?); registering again", self.name)
                with self.connection.pipeline() as pipe:
                    pipe.hset(self.key, mapping=self.serialize())
                    worker_registration.register(self, pipe)
                    pipe.expire(self.key, self.worker_ttl + 60)
                    pipe.execute()

    #: set by SIGTERM/SIGINT: the worker was asked to stop (it did not quit on an error)
    stop_requested = False

    def request_stop(self, signum, frame):
        self.stop_requested = True
        return super().request_stop(signum, frame)

    def _start_scheduler(self, burst=False, logging_level="INFO", date_format=None, log_format=None):
        """RQ's, with :class:`HubScheduler` (also what a later maintenance pass takes the lock with)."""
        options = {"date_format": date_format, "log_format": log_format}
        self.scheduler = HubScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            serializer=self.serializer,
            **{k: v for k, v in options.items() if v is not None},
        )
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            if burst:
                try:
                    self.scheduler.register_birth()
                    self.scheduler.enqueue_scheduled_jobs()
                finally:
                    self.scheduler.release_locks()
                    self.scheduler.register_death()
            else:
                if self.fork_lock is None:  # no maintenance loop: the scheduler thread is the only one
                    self.fork_lock = threading.Lock()
                self.scheduler.pass_lock = self.fork_lock
                self.scheduler.start()

    def stop_scheduler(self):
        """Stop the scheduler thread (RQ's would SIGTERM a scheduler process)."""
        if self.scheduler is not None:
            self.scheduler.request_stop()
            self.scheduler.join(timeout=10)

    def warm_up(self) -> None:
        """Prepare in the parent what every forked horse would otherwise redo on each job.

        A horse's work is lost when it exits: SQLAlchemy's mapper configuration (about 0.1 s)
        and the job modules' imports done there are paid again by the next job.
        """
        from sqlalchemy.orm import configure_mappers

        import hub.dispatch.jobs  # noqa: F401 - the publish and unpublish jobs

        configure_mappers()

    #: run the jobs declared ``@job(in_process=True)`` in this process (False: fork for every job)
    in_process = True
    #: seconds past a job's timeout after which a job running in this process ends the worker
    #: (RQ kills a work-horse at the same point: ``monitor_work_horse``)
    hard_limit_grace = 60

    def runs_in_process(self, job: Job) -> bool:
        return self.in_process and job.func_name in IN_PROCESS_JOBS

    def execute_job(self, job, queue):
        """A job declared ``in_process`` runs here, without a fork (RQ's ``SimpleWorker`` way).

        What the parent does for a horse is done by a watch thread instead: it sends the
        heartbeats (worker, execution, job) every ``job_monitoring_interval`` so the worker
        does not look dead while the job runs, and when the job outlives its timeout by
        :attr:`hard_limit_grace` seconds (its ``JobTimeoutException``, raised by SIGALRM in
        this thread, did not end it: stuck in native code) it SIGKILLs this process, as RQ
        SIGKILLs a horse. A killed worker is what the dispatch lease and reconciler recover
        from: the row's lease stops being renewed and the publication is attempted again.
        """
        if not self.runs_in_process(job):
            return super().execute_job(job, queue)
        execution = self.prepare_execution(job)
        watch = _JobWatch(self, job, execution)
        watch.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            watch.stop()
        self.set_state(WorkerStatus.IDLE)

    def kill_horse(self, *args, **kwargs):
        """RQ's, but never without a horse: with ``horse_pid`` 0 RQ would signal this worker's own
        process group (a "stop job" command for a job running in this process)."""
        if not self.horse_pid:
            self.log.warning("Worker %s: no work-horse to kill (the job runs in this process)", self.name)
            return
        super().kill_horse(*args, **kwargs)

    def _forking(self):
        return self.fork_lock if self.fork_lock is not None else contextlib.nullcontext()

    def fork_work_horse(self, job, queue):
        from hub.dispatch.lease import keeper

        with self._forking(), keeper().renewing:  # no lease renewal of a finished in-process job either
            return super().fork_work_horse(job, queue)

    def run_maintenance_tasks(self):
        with self._forking():
            return super().run_maintenance_tasks()

    def dequeue_job_and_maintain_ttl(self, *args, **kwargs):
        if self.ready is not None:
            self.ready.set()
        return super().dequeue_job_and_maintain_ttl(*args, **kwargs)

    def perform_job(self, job, queue, *args, **kwargs):
        # RQ 3 passes an ``execution`` as well: pass through whatever RQ gives
        app = self.flask_app
        if app is None:
            return super().perform_job(job, queue, *args, **kwargs)
        from hub.logging_setup import job_id, request_id

        rid_token = request_id.set((job.meta or {}).get("request_id"))
        jid_token = job_id.set(job.id)
        try:
            with app.app_context():
                from hub.extensions import db

                if os.getpid() != getattr(self, "_parent_pid", os.getpid()):
                    # in a forked horse: never reuse the parent's pooled connections
                    db.engine.dispose(close=False)
                if request_id.get():
                    log.info("job %s (%s) enqueued by request %s", job.id, job.func_name, request_id.get())
                try:
                    return super().perform_job(job, queue, *args, **kwargs)
                finally:
                    db.session.remove()
        finally:
            job_id.reset(jid_token)
            request_id.reset(rid_token)


class _JobWatch(threading.Thread):
    """The heartbeats and the hard time limit of a job running in the worker's own process."""

    def __init__(self, worker: HubWorker, job: Job, execution):
        super().__init__(name=f"job-watch-{job.id}", daemon=True)
        self.worker, self.job, self.execution = worker, job, execution
        self._done = threading.Event()
        self.started_at = time.monotonic()

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)

    def over_limit(self) -> bool:
        timeout = self.job.timeout
        if timeout is None or timeout == -1:
            return False
        return time.monotonic() - self.started_at > float(timeout) + self.worker.hard_limit_grace

    def run(self) -> None:
        while not self._done.wait(self.worker.job_monitoring_interval):
            if self.over_limit():
                log.critical(
                    "worker %s: job %s ran %.0f s past its timeout of %s s and ignored it; ending the worker "
                    "(the dispatch lease and the reconciler recover what it was doing)",
                    self.worker.name,
                    self.job.id,
                    time.monotonic() - self.started_at - float(self.job.timeout),
                    self.job.timeout,
                )
                os.kill(os.getpid(), signal.SIGKILL)
            try:
                self.worker.maintain_heartbeats(self.job, self.execution)
            except Exception:  # Redis restarting: the next beat tries again
                log.warning("worker %s: could not send a heartbeat for job %s", self.worker.name, self.job.id)


def heartbeat_seconds(app: Flask) -> int:
    return max(1, int(app.config.get("WORKER_HEARTBEAT") or 10))


def live_workers(app: Flask | None = None, *, now: datetime | None = None) -> list[Worker]:
    """The hub queue's workers whose last heartbeat is fresh (at most 3 heartbeats old).

    ``Worker.all()`` alone also lists a worker killed with SIGKILL until its key expires.
    """
    app = app or current_app
    max_age = timedelta(seconds=3 * heartbeat_seconds(app))
    now = now or datetime.now(UTC)
    alive = []
    for worker in Worker.all(queue=get_queue(app)):
        beat = worker.last_heartbeat
        if beat is not None and beat.tzinfo is None:
            beat = beat.replace(tzinfo=UTC)  # RQ stores naive UTC
        if beat is not None and now - beat <= max_age:
            alive.append(worker)
    return alive


def forks_every_job(app: Flask) -> bool:
    """``HUB_WORKER_FORK_EVERY_JOB``: run even the ``in_process`` jobs in forked work-horses."""
    value = app.config.get("WORKER_FORK_EVERY_JOB")
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def make_worker(
    app: Flask, *, name: str | None = None, worker_class=HubWorker, fork_every_job: bool | None = None
) -> HubWorker:
    """A worker for the hub's queue. ``fork_every_job`` (default: ``HUB_WORKER_FORK_EVERY_JOB``)
    forks a work-horse for every job, also the ones declared ``in_process``."""
    global _job_app
    _job_app = app
    conn = redis_connection(app)
    beat = heartbeat_seconds(app)
    worker = worker_class(
        [get_queue(app)],
        connection=conn,
        name=name or f"hub-{socket.gethostname()}-{os.getpid()}",
        # an idle worker waits ``worker_ttl - 15`` s on the queue between heartbeats, a busy one
        # ``job_monitoring_interval``: both one heartbeat, so /healthz can tell a dead one quickly
        worker_ttl=beat + 15,
        job_monitoring_interval=beat,
    )
    worker.flask_app = app
    worker._parent_pid = os.getpid()
    worker.in_process = not (fork_every_job if fork_every_job is not None else forks_every_job(app))
    worker.warm_up()
    return worker


def run_worker(
    app: Flask,
    *,
    burst: bool = False,
    with_scheduler: bool = True,
    name: str | None = None,
    maintenance: bool | None = None,
    fork_every_job: bool | None = None,
) -> bool:
    """Run a worker until stopped (or, with ``burst``, until the queue is empty).

    ``fork_every_job``: see :func:`make_worker`.

    ``maintenance`` (default: when not ``burst``) also runs the dispatch maintenance
    loop (relay + reconciler, :mod:`hub.dispatch.maintenance`) in a thread.

    A worker that RQ ends on an error (Redis gone while a job runs: "found an unhandled
    exception, quitting") is started again once Redis answers, after a back-off of 1 s
    doubling up to :data:`RECONNECT_MAX` s; only SIGTERM/SIGINT (or ``burst``) end it.
    """
    loop = None
    if maintenance if maintenance is not None else not burst:
        from hub.dispatch.maintenance import MaintenanceLoop

        loop = MaintenanceLoop(app, name=name or f"hub-{socket.gethostname()}-{os.getpid()}")
        loop.start()
    worked = False
    backoff = RECONNECT_FIRST
    try:
        while True:
            worker = make_worker(app, name=name, fork_every_job=fork_every_job)
            if loop is not None:
                worker.fork_lock, worker.ready = loop.pass_lock, loop.ready
            started = time.monotonic()
            try:
                worked = worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO") or worked
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
                log.error("worker %s lost Redis: %s", worker.name, exc)
            if burst or worker.stop_requested:
                return worked
            if time.monotonic() - started > RECONNECT_RESET:
                backoff = RECONNECT_FIRST
            if not _wait_for_redis(app, worker, backoff):
                return worked
            backoff = min(backoff * 2, RECONNECT_MAX)
    finally:
        if loop is not None:
            loop.stop()


#: back-off of a worker waiting for Redis: first wait, longest wait, run time that resets it
RECONNECT_FIRST, RECONNECT_MAX, RECONNECT_RESET = 1.0, 30.0, 60.0


def _wait_for_redis(app: Flask, worker: HubWorker, backoff: float) -> bool:
    """Between two lives of a worker: tidy the old one, wait until Redis answers. False on SIGTERM/SIGINT."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if worker.pubsub_thread is not None:  # RQ's teardown stopped short when Redis was gone
            with contextlib.suppress(Exception):
                worker.pubsub_thread.stop()
            with contextlib.suppress(Exception):
                worker.pubsub.close()
        if worker.horse_pid:  # a job still running in the old horse finishes first (its own timeout bounds it)
            log.warning("worker %s: waiting for the job still running (pid %d)", worker.name, worker.horse_pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(worker.horse_pid, 0)
        while True:
            log.warning("worker %s stopped on a Redis error; starting again in %.0f s", worker.name, backoff)
            if stop.wait(backoff):
                return False
            try:
                worker.connection.ping()
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
                log.warning("worker %s: Redis still unreachable (%s)", worker.name, exc)
                backoff = min(backoff * 2, RECONNECT_MAX)
                continue
            with contextlib.suppress(Exception):
                worker.register_death()  # the same name may be used again at once
            return not stop.is_set()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
