"""A worker's lease on a publication it is publishing, renewed by a heartbeat thread.

While the channel is being called the row says ``publishing`` with ``lease_until`` in
the future. A thread renews it every third of the lease on its own database
connection. If the worker dies (SIGKILL, lost machine) the renewals stop, the lease
runs out and the reconciler re-queues the row; the next attempt sees
``attempts > 1`` and looks for the earlier copy before posting again.

One thread per process renews every lease held there (:class:`_Keeper`), started with the
first lease and kept: a job does not pay for starting and joining a thread of its own. A
forked child starts its own keeper (the parent's thread does not exist there).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time

from flask import Flask
from sqlalchemy import update

from hub.extensions import db
from hub.models import Publication, PublicationStatus, utcnow

log = logging.getLogger(__name__)


class Lease:
    def __init__(self, app: Flask, pub_id: int, attempt: int, seconds: float):
        self.app, self.pub_id, self.attempt, self.seconds = app, pub_id, attempt, seconds

    def expiry(self) -> dt.datetime:
        return utcnow() + dt.timedelta(seconds=self.seconds)

    def __enter__(self) -> Lease:
        keeper().hold(self)
        return self

    def __exit__(self, *exc) -> None:
        keeper().release(self)

    def renew(self) -> bool:
        with db.engine.begin() as conn:
            result = conn.execute(
                update(Publication)
                .where(
                    Publication.id == self.pub_id,
                    Publication.status == PublicationStatus.PUBLISHING.value,
                    Publication.attempts == self.attempt,
                )
                .values(lease_until=self.expiry())
            )
        return result.rowcount == 1


class _Keeper:
    """Renews each lease held in this process every third of its length, until it is released."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: lease -> when (time.monotonic) it is renewed next
        self._due: dict[Lease, float] = {}
        self._changed = threading.Event()
        self._thread: threading.Thread | None = None
        #: when the thread looks at the leases next (it is only woken for a lease due before)
        self._wakes_at = float("inf")
        #: held while a lease is renewed: the worker forks a work-horse only outside it (a fork
        #: during a renewal would copy a busy connection pool into the child)
        self.renewing = threading.Lock()

    def hold(self, lease: Lease) -> None:
        with self._lock:
            due = self._due[lease] = time.monotonic() + lease.seconds / 3
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="hub-dispatch-leases", daemon=True)
                self._thread.start()
            wake = due < self._wakes_at
        if wake:
            self._changed.set()

    def release(self, lease: Lease) -> None:
        with self._lock:
            self._due.pop(lease, None)

    def held(self) -> list[Lease]:
        with self._lock:
            return list(self._due)

    def _run(self) -> None:
        while True:
            with self._lock:
                soonest = min(self._due.values(), default=None)
                self._wakes_at = float("inf") if soonest is None else soonest
            self._changed.wait(None if soonest is None else max(0.0, soonest - time.monotonic()))
            self._changed.clear()
            now = time.monotonic()
            with self._lock:
                ready = [lease for lease, due in self._due.items() if due <= now]
                for lease in ready:
                    self._due[lease] = now + lease.seconds / 3
            for lease in ready:
                with self._lock:
                    if lease not in self._due:  # released meanwhile: the job recorded its outcome
                        continue
                try:
                    with self.renewing, lease.app.app_context():
                        lease.renew()
                except Exception:  # keep trying; a missed renewal only shortens the lease
                    log.exception("could not renew the lease on publication %s", lease.pub_id)


_keeper: _Keeper | None = None
_keeper_lock = threading.Lock()


def keeper() -> _Keeper:
    """This process's lease keeper."""
    global _keeper
    with _keeper_lock:
        if _keeper is None:
            _keeper = _Keeper()
        return _keeper


def _forget_keeper() -> None:
    """In a forked child: the parent's keeper thread (and maybe its locks' holder) is not there."""
    global _keeper, _keeper_lock
    _keeper, _keeper_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_keeper)
