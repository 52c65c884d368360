"""The start and the end of each delegation (Plh./Plt.) in the audit trail, once each:
:func:`audit_boundaries`, run by a job scheduled at both moments and on every read of the
delegation page and its API (so a job lost with Redis is caught up)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import update

from hub.extensions import db
from hub.jobs import job
from hub.models import utcnow
from hub.workflow.delegation_models import Delegation
from hub.workflow.delegations import audit, now

log = logging.getLogger(__name__)


def audit_boundaries(moment: dt.datetime | None = None) -> int:
    """Write ``delegation.started`` / ``delegation.ended`` once for each delegation that started /
    ended by ``moment`` (a conditional UPDATE claims each, so two runs write one entry); commits.
    Returns the number of entries written. A delegation revoked before it started has neither."""
    moment = moment or now()
    written = 0
    started = (
        db.session.execute(
            db.select(Delegation.id).where(
                Delegation.start_audited_at.is_(None),
                Delegation.starts_at <= moment,
                db.or_(Delegation.revoked_at.is_(None), Delegation.revoked_at > Delegation.starts_at),
            )
        )
        .scalars()
        .all()
    )
    for row_id in started:
        if _claim(row_id, Delegation.start_audited_at, moment):
            audit("delegation.started", None, db.session.get(Delegation, row_id))
            written += 1
        db.session.commit()
    ended = (
        db.session.execute(
            db.select(Delegation.id).where(
                Delegation.end_audited_at.is_(None),
                Delegation.start_audited_at.is_not(None),
                db.or_(Delegation.ends_at <= moment, Delegation.revoked_at <= moment),
            )
        )
        .scalars()
        .all()
    )
    for row_id in ended:
        if _claim(row_id, Delegation.end_audited_at, moment):
            row = db.session.get(Delegation, row_id)
            audit("delegation.ended", None, row, revoked=row.revoked_at is not None and row.revoked_at < row.ends_at)
            written += 1
        db.session.commit()
    return written


def _claim(row_id: int, column, moment: dt.datetime) -> bool:
    return bool(
        db.session.execute(
            update(Delegation)
            .where(Delegation.id == row_id, column.is_(None))
            .values({column.key: moment})
            .execution_options(synchronize_session=False)
        ).rowcount
    )


@job
def boundaries_job(delegation_id: int | None = None) -> int:
    """The scheduled audit of delegations' starts and ends (``delegation_id`` names who asked)."""
    return audit_boundaries()


def schedule_boundaries(row: Delegation) -> None:
    """Run :func:`boundaries_job` just after the delegation's start and end (unique job ids)."""
    from rq.exceptions import DuplicateJobError

    from hub.jobs import enqueue

    for name, at in (("start", row.starts_at), ("end", row.ends_at)):
        try:
            enqueue(
                boundaries_job,
                row.id,
                job_id=f"hub-delegation-{row.id}-{name}",
                at=max(at, utcnow()) + dt.timedelta(seconds=1),
                unique=True,
            )
        except DuplicateJobError:
            pass
        except Exception:  # noqa: BLE001 - Redis down: the delegation page's read audits it
            log.warning("could not schedule the %s audit of delegation %s", name, row.id)
