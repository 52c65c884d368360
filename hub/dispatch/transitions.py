"""State changes of a publication: checked, audited, and announced after commit.

Every change is a conditional ``UPDATE … WHERE id = :id AND status = :old`` (plus
``attempts = :n`` where a specific attempt is meant), so two workers can never both
move a row to ``publishing``: the loser's UPDATE matches no row and it gets
:class:`~hub.exceptions.TransitionNotAllowed`. The audit entry is added to the same
transaction. :func:`commit` commits and only then fires ``publication_status_changed``.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update

from hub.exceptions import TransitionNotAllowed
from hub.extensions import db
from hub.models import Publication, PublicationStatus, utcnow
from hub.plugins import plugins

log = logging.getLogger(__name__)

S = PublicationStatus
_EVENTS_KEY = "hub.dispatch.events"

#: which state may follow which (anything else raises TransitionNotAllowed)
ALLOWED: dict[str, set[str]] = {
    S.PENDING: {S.QUEUED, S.CANCELLED},
    # queued -> published: a worker presumed dead reports a result before the next attempt starts
    S.QUEUED: {S.PUBLISHING, S.QUEUED, S.CANCELLED, S.FAILED, S.PUBLISHED, S.NEEDS_ATTENTION},
    S.PUBLISHING: {S.PUBLISHED, S.QUEUED, S.FAILED, S.NEEDS_ATTENTION},
    # published -> pending: an approved revision is sent again (outbox.republish_published)
    S.PUBLISHED: {S.UNPUBLISHED, S.PUBLISHED, S.PENDING},
    S.FAILED: {S.QUEUED, S.CANCELLED},
    # needs_attention -> published: a channel admin found the post and recorded it (admin.record)
    S.NEEDS_ATTENTION: {S.QUEUED, S.CANCELLED, S.PUBLISHED},
    # cancelled -> pending: a series revision plans again an occurrence it had stopped (items.series)
    S.CANCELLED: {S.QUEUED, S.PENDING},
    S.UNPUBLISHED: set(),
}


def transition(
    pub_id: int,
    new_status: str,
    *,
    allowed_from: set[str] | None = None,
    expect_attempts: int | None = None,
    seen_status: str | None = None,
    action: str | None = None,
    actor=None,
    details: dict | None = None,
    **values: Any,
) -> Publication:
    """Move publication ``pub_id`` to ``new_status`` if its current state allows it.

    ``allowed_from`` narrows the states accepted (default: every state :data:`ALLOWED`
    lets reach ``new_status``); ``expect_attempts`` additionally requires that attempt count
    (a stale job cannot touch a row another attempt owns). ``seen_status`` (with
    ``expect_attempts``) is the state the caller last saw the row in: the conditional UPDATE
    is tried on it at once, and the row is read only when it no longer matches. ``values``
    are other columns to set in the same UPDATE. Adds the audit entry ``action`` (default
    ``publication.<new_status>``) and returns the row, expired (it reloads on first use);
    raises :class:`TransitionNotAllowed` when the row is not in an allowed state.
    """
    db.session.flush()
    permitted = {s for s, nexts in ALLOWED.items() if new_status in nexts}
    if allowed_from is not None:
        permitted &= set(allowed_from)
    old = None
    if seen_status is not None and expect_attempts is not None and seen_status in permitted:
        if _update(pub_id, str(seen_status), expect_attempts, new_status, values):
            old = (str(seen_status), expect_attempts)
    if old is None:
        current = db.session.execute(
            db.select(Publication.status, Publication.attempts).where(Publication.id == pub_id)
        ).one_or_none()
        if current is None:
            raise TransitionNotAllowed(f"Publikasi {pub_id} tidak ada / publication {pub_id} does not exist")
        old_status, old_attempts = current
        if old_status not in permitted or (expect_attempts is not None and old_attempts != expect_attempts):
            raise TransitionNotAllowed(
                f"Publikasi {pub_id} berstatus {old_status}, tidak bisa menjadi {new_status} / "
                f"publication {pub_id} is {old_status} and cannot become {new_status}"
            )
        if not _update(pub_id, old_status, old_attempts, new_status, values):
            raise TransitionNotAllowed(
                f"Publikasi {pub_id} baru saja diubah oleh proses lain / "
                f"publication {pub_id} was changed by another process just now ({old_status} -> {new_status})"
            )
        old = (old_status, old_attempts)
    old_status = old[0]
    audit(
        action or f"publication.{new_status}",
        actor=actor,
        pub_id=pub_id,
        details={"from": str(old_status), "to": str(new_status), **(details or {})},
    )
    if old_status != new_status:
        db.session.info.setdefault(_EVENTS_KEY, []).append((pub_id, str(old_status), str(new_status)))
    pub = db.session.get(Publication, pub_id)
    # reloaded on first use (in this transaction: the UPDATE holds the row), not read again now:
    # callers mostly commit at once, which expires it anyway
    db.session.expire(pub)
    return pub


def _update(pub_id: int, old_status: str, old_attempts: int, new_status: str, values: dict) -> bool:
    """The conditional UPDATE: True when the row was still ``old_status`` at ``old_attempts``."""
    stmt = (
        update(Publication)
        .where(Publication.id == pub_id, Publication.status == old_status, Publication.attempts == old_attempts)
        .values(status=str(new_status), updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).rowcount == 1


def audit(action: str, *, pub_id: int, actor=None, details: dict | None = None) -> None:
    """Add an audit entry for a publication to the session (hub.audit), in the caller's transaction."""
    try:
        from hub.audit import record
    except ImportError:  # the audit trail is not installed yet; keep the log line
        log.info("audit %s publication=%s %s", action, pub_id, details or {})
        return
    record(action, actor=actor, target_type="publication", target_id=pub_id, details=details or {})


def commit() -> None:
    """Commit the session, then fire ``publication_status_changed`` for each change made."""
    events = db.session.info.pop(_EVENTS_KEY, [])
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    notify(events)


def take_events() -> list[tuple[int, str, str]]:
    """The state changes made in this transaction, removed from the session: for a caller that
    commits on its own (the workflow engine) and announces them with :func:`notify` afterwards."""
    return db.session.info.pop(_EVENTS_KEY, [])


def rollback() -> None:
    db.session.info.pop(_EVENTS_KEY, None)
    db.session.rollback()


def notify(events: list[tuple[int, str, str]]) -> None:
    if not events:
        return
    hook = plugins().hook
    for pub_id, old, new in events:
        pub = db.session.get(Publication, pub_id)
        if pub is None:
            continue
        try:
            hook.publication_status_changed(
                publication=pub, old_status=PublicationStatus(old), new_status=PublicationStatus(new)
            )
        except Exception:  # a listener's bug must not undo a committed change
            log.exception("publication_status_changed listener failed for publication %s", pub_id)
