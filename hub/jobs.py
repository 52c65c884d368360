"""Background jobs on RQ.

Jobs are module-level functions that take ids, never live objects, and are
decorated with :func:`job` so they run inside an application context. The
worker (``hub worker``) builds the app once and runs jobs in forked
work-horses; each horse drops the database connections it inherited.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket

from flask import Flask, has_app_context
from rq import Worker
from rq.job import Job

from hub.queue import get_queue, redis_connection

log = logging.getLogger(__name__)

_job_app: Flask | None = None


def _app_for_jobs() -> Flask:
    global _job_app
    if _job_app is None:
        from hub.app import create_app

        _job_app = create_app()
    return _job_app


def job(func):
    """Run ``func`` inside an application context (the worker's app, or one built on demand)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        with _app_for_jobs().app_context():
            return func(*args, **kwargs)

    return wrapper


def enqueue(func, *args, job_id: str | None = None, at=None, **options) -> Job:
    """Put ``func(*args)`` on the hub's queue (``at``: an aware datetime to run it at)."""
    queue = get_queue()
    if at is not None:
        return queue.enqueue_at(at, func, *args, job_id=job_id, **options)
    return queue.enqueue(func, *args, job_id=job_id, **options)


class HubWorker(Worker):
    """An RQ worker that runs every job inside the hub's application context."""

    flask_app: Flask | None = None
    #: held by the dispatch maintenance thread during a pass; the worker never forks (a horse,
    #: RQ's scheduler) while that thread may hold other locks (imports, connection pools),
    #: which the child would inherit and nobody would release
    fork_lock = None
    #: set once the worker is up (signal handlers installed, scheduler started) and dequeuing
    ready = None

    def warm_up(self) -> None:
        """Prepare in the parent what every forked horse would otherwise redo on each job.

        A horse's work is lost when it exits: SQLAlchemy's mapper configuration (about 0.1 s)
        and the job modules' imports done there are paid again by the next job.
        """
        from sqlalchemy.orm import configure_mappers

        import hub.dispatch.jobs  # noqa: F401 - the publish and unpublish jobs

        configure_mappers()

    def _forking(self):
        return self.fork_lock if self.fork_lock is not None else contextlib.nullcontext()

    def fork_work_horse(self, job, queue):
        with self._forking():
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
        with app.app_context():
            from hub.extensions import db

            if os.getpid() != getattr(self, "_parent_pid", os.getpid()):
                # in a forked horse: never reuse the parent's pooled connections
                db.engine.dispose(close=False)
            try:
                return super().perform_job(job, queue, *args, **kwargs)
            finally:
                db.session.remove()


def make_worker(app: Flask, *, name: str | None = None, worker_class=HubWorker) -> HubWorker:
    global _job_app
    _job_app = app
    conn = redis_connection(app)
    worker = worker_class(
        [get_queue(app)],
        connection=conn,
        name=name or f"hub-{socket.gethostname()}-{os.getpid()}",
    )
    worker.flask_app = app
    worker._parent_pid = os.getpid()
    worker.warm_up()
    return worker


def run_worker(
    app: Flask,
    *,
    burst: bool = False,
    with_scheduler: bool = True,
    name: str | None = None,
    maintenance: bool | None = None,
) -> bool:
    """Run a worker until stopped (or, with ``burst``, until the queue is empty).

    ``maintenance`` (default: when not ``burst``) also runs the dispatch maintenance
    loop (relay + reconciler, :mod:`hub.dispatch.maintenance`) in a thread.
    """
    worker = make_worker(app, name=name)
    loop = None
    if maintenance if maintenance is not None else not burst:
        from hub.dispatch.maintenance import MaintenanceLoop

        loop = MaintenanceLoop(app, name=worker.name)
        worker.fork_lock, worker.ready = loop.pass_lock, loop.ready
        loop.start()
    try:
        return worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
    finally:
        if loop is not None:
            loop.stop()
