"""The reconciler: make the queue agree with the database again.

The database is the source of truth; Redis only carries work. One pass:

1. ``pending`` rows (the relay never ran, or Redis was down at approval): relay them;
2. ``queued`` rows with no live RQ job (Redis was flushed or restarted, a job was
   lost, a retry's enqueue failed): enqueue them again, at their due time; and rows
   whose job is still "scheduled" ``DISPATCH_SCHEDULER_GRACE`` seconds after its time
   (no RQ scheduler running): put on the queue now;
3. ``publishing`` rows whose lease ran out (the worker died mid-publish): back to
   ``queued`` for another attempt, which looks for the earlier copy first; when
   no attempt is left, ``needs_attention`` (the outcome is unknown);
4. ``published`` rows with an unpublish request and no live job: enqueue the job.

:func:`run_pass` does one pass; :class:`MaintenanceLoop` runs passes every
``DISPATCH_MAINTENANCE_INTERVAL`` seconds in a thread of each ``hub worker`` and
takes a Redis lock first, so only one worker of many runs a given pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from rq.job import JobStatus

from hub.exceptions import TransitionNotAllowed
from hub.extensions import db
from hub.models import Publication, PublicationStatus, utcnow

from . import policy, relay, transitions
from .policy import setting

log = logging.getLogger(__name__)
S = PublicationStatus


@dataclass
class PassReport:
    relayed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    needs_attention: list[int] = field(default_factory=list)
    unpublish: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.relayed, self.requeued, self.recovered, self.needs_attention, self.unpublish))


def _ids(*where) -> list[int]:
    return list(db.session.execute(db.select(Publication.id).where(*where).order_by(Publication.id)).scalars())


def run_pass() -> PassReport:
    """One reconciliation pass (see the module docstring). Raises on Redis errors."""
    report = PassReport()
    now = utcnow()
    for pub_id in _ids(Publication.status == S.PENDING.value):
        if relay.relay_row(pub_id):
            report.relayed.append(pub_id)

    for pub_id in _ids(Publication.status == S.PUBLISHING.value, Publication.lease_until < now):
        _recover(pub_id, report)

    grace = dt.timedelta(seconds=setting("DISPATCH_SCHEDULER_GRACE"))
    for pub_id in _ids(Publication.status == S.QUEUED.value):
        pub = db.session.get(Publication, pub_id)
        if pub is None or pub.status != S.QUEUED:
            continue
        job_id = relay.publish_job_id(pub)
        status = relay.job_status(job_id)
        if status in relay.LIVE_JOB_STATES:
            due = relay.due_time(pub)
            if status != JobStatus.SCHEDULED or due is None or due > now - grace:
                continue
            # still "scheduled" long after its time: no RQ scheduler is running (a killed
            # worker's scheduler lock lasts a minute or more); put it on the queue now
            relay.delete_job(job_id)
        if relay.enqueue_publication(pub):
            report.requeued.append(pub_id)

    for pub_id in _ids(Publication.status == S.PUBLISHED.value, Publication.unpublish_requested_at.is_not(None)):
        pub = db.session.get(Publication, pub_id)
        if pub.next_attempt_at is not None and pub.next_attempt_at > now:
            continue
        if not relay.job_is_live(relay.unpublish_job_id(pub)) and relay.enqueue_unpublish(pub):
            report.unpublish.append(pub_id)
    db.session.rollback()  # end the read transaction; nothing is pending here
    if report:
        log.info("reconciler: %s", report)
    return report


def _recover(pub_id: int, report: PassReport) -> None:
    """A worker's lease ran out: re-queue for another attempt, or hand to a person."""
    pub = db.session.get(Publication, pub_id)
    attempt = pub.attempts
    msg = f"Pekerja berhenti di tengah percobaan {attempt}; hasilnya belum diketahui"
    msg_en = f"The worker stopped during attempt {attempt}; the outcome is not known"
    try:
        if policy.attempts_left(pub) > 0:
            pub = transitions.transition(
                pub_id,
                S.QUEUED,
                allowed_from={S.PUBLISHING},
                expect_attempts=attempt,
                action="publication.recovered",
                details={"attempt": attempt, "lease_until": pub.lease_until.isoformat()},
                lease_until=None,
                next_attempt_at=None,
                last_error=msg,
                last_error_en=msg_en,
            )
            transitions.commit()
            report.recovered.append(pub_id)
            if relay.enqueue_publication(pub):
                report.requeued.append(pub_id)
        else:
            transitions.transition(
                pub_id,
                S.NEEDS_ATTENTION,
                allowed_from={S.PUBLISHING},
                expect_attempts=attempt,
                details={"attempt": attempt, "error": msg},
                lease_until=None,
                last_error=msg,
                last_error_en=msg_en,
            )
            transitions.commit()
            report.needs_attention.append(pub_id)
    except TransitionNotAllowed:
        transitions.rollback()  # the worker finished after all, or another reconciler won
