"""The relay: hand publication rows to RQ.

A row becomes ``queued`` (a conditional UPDATE, so only one relay wins) and then an
RQ job is enqueued for it, at its due time when that is in the future (RQ's
scheduler). Job ids are ``hub-pub-<id>-<attempt>``, unique per publication and
attempt, enqueued with ``unique=True`` so a duplicate is refused by Redis. Nothing
here trusts Redis alone: a row whose job was lost stays ``queued`` in the database
and the reconciler enqueues it again (:mod:`hub.dispatch.reconcile`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

import redis
from flask import current_app
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.utils import utcparse

from hub.exceptions import RedisUnavailable, TransitionNotAllowed
from hub.extensions import db
from hub.models import Publication, PublicationStatus, utcnow
from hub.queue import get_queue, redis_connection

from . import transitions

log = logging.getLogger(__name__)

LIVE_JOB_STATES = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED}


def publish_job_id(pub: Publication) -> str:
    """The id of the job that makes the next attempt of ``pub``."""
    return f"hub-pub-{pub.id}-{pub.attempts + 1}"


def unpublish_job_id(pub: Publication) -> str:
    stamp = int(pub.unpublish_requested_at.timestamp()) if pub.unpublish_requested_at else 0
    return f"hub-unpub-{pub.id}-{stamp}"


def due_time(pub: Publication) -> dt.datetime | None:
    """When the next attempt may run: the later of ``scheduled_at`` and ``next_attempt_at`` (None: now)."""
    times = [t for t in (pub.scheduled_at, pub.next_attempt_at) if t is not None]
    return max(times) if times else None


def worker_is_alive(name: str | None, *, now: dt.datetime | None = None) -> bool:
    """True while RQ worker ``name`` is registered and its last heartbeat is younger than the lease.

    A worker killed with SIGKILL (or its machine lost) stops beating at once but its Redis
    key lives on for minutes (``worker_ttl``); a busy worker beats every
    ``job_monitoring_interval`` (30 s by default), well inside ``DISPATCH_LEASE_SECONDS``.
    """
    from .policy import setting

    if not name:
        return False
    raw = redis_connection().hmget(f"rq:worker:{name}", "last_heartbeat", "death")
    beat, death = (v.decode() if isinstance(v, bytes) else v for v in raw)
    if not beat or death:
        return False
    last = utcparse(beat)
    last = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
    return ((now or utcnow()) - last).total_seconds() <= setting("DISPATCH_LEASE_SECONDS")


def _live_status(job: Job) -> JobStatus | None:
    """The job's status; None for a "started" job whose worker is dead (nobody will finish it)."""
    status = job.get_status(refresh=False)
    if status == JobStatus.STARTED and not worker_is_alive(job.worker_name):
        log.warning("job %s was started by worker %s, which is gone; treating it as lost", job.id, job.worker_name)
        return None
    return status


def job_status(job_id: str) -> JobStatus | None:
    """The RQ status of a job, None when Redis does not have it (or a dead worker held it)."""
    try:
        job = Job.fetch(job_id, connection=redis_connection())
    except NoSuchJobError:
        return None
    return _live_status(job)


def job_is_live(job_id: str) -> bool:
    """True when Redis holds that job waiting, scheduled, or running on a live worker."""
    return job_status(job_id) in LIVE_JOB_STATES


def delete_job(job_id: str) -> None:
    try:
        Job.fetch(job_id, connection=redis_connection()).delete()
    except NoSuchJobError:
        pass


def _enqueue(func, job_id: str, args: tuple, at: dt.datetime | None) -> bool:
    """Enqueue ``func(*args)`` as ``job_id`` unless a live job has that id; True when enqueued."""
    conn = redis_connection()
    try:
        old = Job.fetch(job_id, connection=conn)
    except NoSuchJobError:
        old = None
    if old is not None:
        if _live_status(old) in LIVE_JOB_STATES:
            return False
        old.delete()  # a finished/failed/stopped job of that id, or a dead worker's: make room for a fresh one
    queue = get_queue()
    options = {
        "job_id": job_id,
        "unique": True,
        "job_timeout": int(current_app.config["JOB_TIMEOUT"]),
        "result_ttl": 3600,
        "failure_ttl": 7 * 24 * 3600,
        "description": f"{func.__name__}{args}",
    }
    try:
        if at is not None and at > utcnow():
            # RQ's scheduler keeps whole seconds (truncated): round up so the job never runs early
            at = at.replace(microsecond=0) + dt.timedelta(seconds=1) if at.microsecond else at
            queue.enqueue_at(at, func, *args, **options)
        else:
            queue.enqueue(func, *args, **options)
    except DuplicateJobError:
        return False
    return True


def enqueue_publication(pub: Publication) -> bool:
    """Enqueue the job for the next attempt of a ``queued`` row; False when one is already there."""
    from .jobs import publish_publication

    return _enqueue(publish_publication, publish_job_id(pub), (pub.id, pub.attempts + 1), due_time(pub))


def enqueue_unpublish(pub: Publication) -> bool:
    from .jobs import unpublish_publication

    return _enqueue(unpublish_publication, unpublish_job_id(pub), (pub.id,), None)


def relay_row(pub_id: int) -> bool:
    """Move one ``pending`` row to ``queued`` and enqueue its job. False when another relay won.

    The row is committed as ``queued`` before the enqueue; if Redis fails then, the row
    stays queued without a job and the reconciler enqueues it on its next pass.
    """
    try:
        pub = transitions.transition(pub_id, PublicationStatus.QUEUED, allowed_from={PublicationStatus.PENDING})
        transitions.commit()
    except TransitionNotAllowed:
        transitions.rollback()
        return False
    return enqueue_publication(pub)


def kick(item_ids: Iterable[int] | None = None) -> int:
    """After the approval's commit: enqueue every pending publication (of ``item_ids``, or all) at once.

    Never raises because Redis is down: the approval is already committed, the rows stay
    in the database and the reconciler (run by every ``hub worker``) picks them up.
    Returns how many jobs were enqueued.
    """
    stmt = db.select(Publication.id).where(Publication.status == PublicationStatus.PENDING.value)
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            return 0
        stmt = stmt.where(Publication.item_id.in_(ids))
    pub_ids = list(db.session.execute(stmt.order_by(Publication.id)).scalars())
    enqueued = 0
    for pub_id in pub_ids:
        try:
            enqueued += relay_row(pub_id)
        except (redis.RedisError, RedisUnavailable) as exc:
            log.warning("Redis unavailable while relaying publication %s; the reconciler will retry: %s", pub_id, exc)
            break
    return enqueued
