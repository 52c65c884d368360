"""A worker's lease on a publication it is publishing, renewed by a heartbeat thread.

While the channel is being called the row says ``publishing`` with ``lease_until`` in
the future. A thread renews it every third of the lease on its own database
connection. If the worker dies (SIGKILL, lost machine) the renewals stop, the lease
runs out and the reconciler re-queues the row; the next attempt sees
``attempts > 1`` and looks for the earlier copy before posting again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from flask import Flask
from sqlalchemy import update

from hub.extensions import db
from hub.models import Publication, PublicationStatus, utcnow

log = logging.getLogger(__name__)


class Lease:
    def __init__(self, app: Flask, pub_id: int, attempt: int, seconds: float):
        self.app, self.pub_id, self.attempt, self.seconds = app, pub_id, attempt, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{pub_id}", daemon=True)

    def expiry(self) -> dt.datetime:
        return utcnow() + dt.timedelta(seconds=self.seconds)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        with self.app.app_context():
            while not self._stop.wait(self.seconds / 3):
                try:
                    self.renew()
                except Exception:  # keep trying; a missed renewal only shortens the lease
                    log.exception("could not renew the lease on publication %s", self.pub_id)

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
