"""The maintenance loop each ``hub worker`` runs: relay + reconciler every few seconds.

Each pass first takes over RQ's scheduler when the process holding it died
(:func:`hub.dispatch.scheduler.take_over_if_dead`: due scheduled jobs go to the queue
within one pass), and also queues the media retention job when it is due
(:func:`hub.media.retention.enqueue_if_due`, once per ``MEDIA_RETENTION_EVERY_HOURS``).

A daemon thread in the worker's parent process (the process that forks the
work-horses; it has its own app context and database session). The worker forks a
work-horse only between passes (``HubWorker.fork_lock``): a fork in the middle of a
pass would copy locks this thread holds (a module being imported, a connection pool)
into the horse, where nobody would ever release them. Every
``DISPATCH_MAINTENANCE_INTERVAL`` seconds it tries to take a Redis lock
(``SET NX PX``, named after the queue) that expires just before the next pass, so
with many workers on many machines one pass runs per interval. Every step of a pass
is a conditional transition or a unique enqueue, so even two overlapping passes
cannot publish anything twice. Errors are logged and the loop carries on (Redis or
the database may be restarting); the next pass catches up.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from hub.extensions import db
from hub.media import retention as _retention
from hub.queue import redis_connection

from . import jobs as _jobs  # noqa: F401 - loaded before the thread starts, never imported mid-fork
from .policy import setting
from .reconcile import PassReport, run_pass
from .scheduler import take_over_if_dead

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


def lock_key(app: Flask) -> str:
    return f"hub:{app.config['QUEUE_NAME']}:dispatch-maintenance"


class MaintenanceLoop:
    def __init__(self, app: Flask, *, name: str = "worker", interval: float | None = None):
        self.app, self.name = app, name
        with app.app_context():
            self.interval = interval or setting("DISPATCH_MAINTENANCE_INTERVAL")
        #: held during a pass; the worker forks its work-horses only outside it (HubWorker.fork_lock)
        self.pass_lock = threading.Lock()
        #: the first pass waits until the worker is up (HubWorker.ready); set it yourself otherwise
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-dispatch-maintenance", daemon=True)

    def start(self) -> MaintenanceLoop:
        self._thread.start()
        log.info("dispatch maintenance loop started (every %g s)", self.interval)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def run_once(self) -> PassReport | None:
        """Run one pass if this worker wins the lock; None when another worker has it."""
        ttl_ms = max(100, int(self.interval * 900))
        with self.pass_lock, self.app.app_context():
            try:
                if not redis_connection(self.app).set(lock_key(self.app), self.name, nx=True, px=ttl_ms):
                    return None
                try:
                    take_over_if_dead(f"hub-maintenance:{self.name}")
                except Exception:  # the reconciler below still queues overdue publications
                    log.exception("could not check RQ's scheduler; trying again next pass")
                report = run_pass()
                try:
                    _retention.enqueue_if_due()
                except Exception:  # retention must never stop dispatch
                    log.exception("could not queue the media retention job; trying again next pass")
                return report
            finally:
                db.session.remove()

    def _run(self) -> None:
        while not self.ready.wait(0.5):
            if self._stop.is_set():
                return
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # Redis or the database restarting: try again next time
                log.exception("dispatch maintenance pass failed; retrying in %.0f s", self.interval)
            self._stop.wait(self.interval)
