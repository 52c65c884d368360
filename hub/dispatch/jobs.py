"""The background jobs: publish one publication, unpublish one publication.

``publish_publication`` claims the row (``queued`` → ``publishing``, attempts + 1),
calls the channel plugin's ``publish`` hook under a lease, and records the outcome.
``publication.state`` (the plugin's notes) is committed whatever the outcome.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import TYPE_CHECKING

from flask import current_app

from hub.channels import PublishResult
from hub.exceptions import (
    PermanentPublishError,
    PublishOutcomeUnknown,
    TransientPublishError,
    TransitionNotAllowed,
)
from hub.extensions import db
from hub.jobs import job
from hub.models import Publication, PublicationStatus, utcnow
from hub.plugins import plugins

from . import policy, relay, transitions
from .lease import Lease
from .policy import setting

if TYPE_CHECKING:
    from hub.channels import Channel

log = logging.getLogger(__name__)
S = PublicationStatus


def _claim(publication_id: int, attempt: int | None) -> Publication | None:
    pub = db.session.get(Publication, publication_id)
    if pub is None:
        log.warning("publication %s no longer exists; nothing to publish", publication_id)
        return None
    if attempt is not None and attempt != pub.attempts + 1:
        log.info("stale job for publication %s (attempt %s, row at %s); skipped", pub.id, attempt, pub.attempts)
        return None
    if pub.status != S.QUEUED:
        log.info("publication %s is %s, not queued; skipped", pub.id, pub.status)
        return None
    due = relay.due_time(pub)
    if due is not None and due > utcnow():
        log.info("publication %s is not due before %s; the reconciler re-enqueues it then", pub.id, due)
        return None
    lease = setting("DISPATCH_LEASE_SECONDS")
    try:
        pub = transitions.transition(
            pub.id,
            S.PUBLISHING,
            allowed_from={S.QUEUED},
            expect_attempts=pub.attempts,
            seen_status=pub.status,
            attempts=pub.attempts + 1,
            lease_until=utcnow() + dt.timedelta(seconds=lease),
            action="publication.attempt",
        )
        transitions.commit()
    except TransitionNotAllowed as exc:
        transitions.rollback()
        log.info("publication %s claimed by someone else: %s", publication_id, exc)
        return None
    return pub


def _finish(
    pub_id: int, attempt: int, new_status: str, *, allowed_from=None, action=None, details=None, **values
) -> bool:
    try:
        transitions.transition(
            pub_id,
            new_status,
            allowed_from=allowed_from or {S.PUBLISHING},
            action=action,
            expect_attempts=attempt,
            seen_status=S.PUBLISHING,  # this attempt's own claim (a lease run out may have re-queued it)
            details={"attempt": attempt, **(details or {})},
            lease_until=None,
            **values,
        )
        transitions.commit()
    except TransitionNotAllowed as exc:
        transitions.rollback()
        log.warning("attempt %s of publication %s could not record %s: %s", attempt, pub_id, new_status, exc)
        return False
    return True


@job(in_process=True)
def publish_publication(publication_id: int, attempt: int | None = None) -> str:
    """Make one attempt at publishing; returns the resulting status (or "skipped")."""
    pub = _claim(publication_id, attempt)
    if pub is None:
        return "skipped"
    attempt = pub.attempts
    channel: Channel | None = plugins().channels.get(pub.channel)
    if channel is None:
        msg = f"Kanal {pub.channel!r} tidak disediakan plugin yang terpasang; pasang pluginnya lalu coba ulang"
        msg_en = f"No installed plugin provides the channel {pub.channel!r}; install it, then retry"
        _finish(
            pub.id, attempt, S.FAILED, last_error=msg, last_error_en=msg_en, state=pub.state, details={"error": msg}
        )
        return S.FAILED
    outcome: tuple[str, object]
    app = current_app._get_current_object()
    with Lease(app, pub.id, attempt, setting("DISPATCH_LEASE_SECONDS")):
        try:
            with db.session.no_autoflush:
                result = plugins().hook.publish(publication=pub, item=pub.item, channel=channel)
            outcome = ("result", result)
        except TransientPublishError as exc:
            outcome = ("transient", exc)
        except PermanentPublishError as exc:
            outcome = ("permanent", exc)
        except PublishOutcomeUnknown as exc:
            outcome = ("unknown", exc)
        except Exception as exc:  # a plugin bug, a timeout, a dropped connection: retry, bounded
            log.exception("publish hook raised for publication %s", pub.id)
            outcome = ("transient", TransientPublishError(f"{type(exc).__name__}: {exc}"))
    state = copy.deepcopy(pub.state or {})
    return _record(pub, attempt, state, channel, *outcome)


def _record(pub: Publication, attempt: int, state: dict, channel: Channel, kind: str, value) -> str:
    pub_id = pub.id
    if kind == "result":
        if isinstance(value, PublishResult):
            note = str((value.details or {}).get("note") or "")[:2000] or None
            ok = _finish(
                pub_id,
                attempt,
                S.PUBLISHED,
                allowed_from={S.PUBLISHING, S.QUEUED},
                details={"remote_id": value.remote_id, "remote_url": value.remote_url, "note": note},
                state=state,
                remote_id=value.remote_id,
                remote_url=value.remote_url,
                published_at=utcnow(),
                # a plugin's note (e.g. "alt text refused, posted without it") is shown on the item page
                last_error=note,
                last_error_en=None,
                next_attempt_at=None,
            )
            return S.PUBLISHED if ok else "lost"
        msg = f"Tidak ada plugin yang menerbitkan ke kanal {channel.name!r}"
        msg_en = f"No plugin published to the channel {channel.name!r} (its publish hook returned {value!r})"
        _finish(pub_id, attempt, S.FAILED, state=state, last_error=msg, last_error_en=msg_en, details={"error": msg})
        return S.FAILED
    message = str(value)
    message_en = getattr(value, "message_en", None)
    words = {"last_error": message, "last_error_en": message_en}
    if kind == "permanent":
        _finish(pub_id, attempt, S.FAILED, state=state, details={"error": message}, **words)
        return S.FAILED
    if kind == "unknown":
        _finish(pub_id, attempt, S.NEEDS_ATTENTION, state=state, details={"error": message}, **words)
        return S.NEEDS_ATTENTION
    # transient
    db.session.refresh(pub)
    if policy.attempts_left(pub) <= 0:
        msg = f"{message} (menyerah setelah {attempt} percobaan)"
        msg_en = f"{message_en or message} (gave up after {attempt} attempts)"
        _finish(pub_id, attempt, S.FAILED, state=state, last_error=msg, last_error_en=msg_en, details={"error": msg})
        return S.FAILED
    retry_after = getattr(value, "retry_after", None)
    when = policy.next_attempt_at(attempt - (pub.retry_base or 0), retry_after)
    ok = _finish(
        pub_id,
        attempt,
        S.QUEUED,
        action="publication.retry_scheduled",
        state=state,
        last_error=message,
        last_error_en=message_en,
        next_attempt_at=when,
        details={"error": message, "next_attempt_at": when.isoformat(), "retry_after": retry_after},
    )
    if ok:
        try:
            relay.enqueue_publication(db.session.get(Publication, pub_id))
        except Exception:  # Redis trouble: the reconciler enqueues it when due
            log.exception("could not enqueue the retry of publication %s", pub_id)
    return S.QUEUED


@job(in_process=True)
def unpublish_publication(publication_id: int) -> str:
    """Take a published publication down through the channel's ``unpublish`` hook.

    Runs while ``unpublish_requested_at`` is set. ``True`` → ``unpublished``; a transient
    error keeps the request and the reconciler runs it again after a backoff; any other
    answer clears the request, leaves the row ``published`` and says why in ``last_error``.
    """
    pub = db.session.get(Publication, publication_id)
    if pub is None or pub.status != S.PUBLISHED or pub.unpublish_requested_at is None:
        return "skipped"
    if pub.next_attempt_at is not None and pub.next_attempt_at > utcnow():
        return "skipped"
    channel = plugins().channels.get(pub.channel)
    try:
        if channel is None:
            raise PermanentPublishError(
                f"Kanal {pub.channel!r} tidak disediakan plugin yang terpasang",
                message_en=f"No installed plugin provides the channel {pub.channel!r}",
            )
        with db.session.no_autoflush:
            done = plugins().hook.unpublish(publication=pub, item=pub.item, channel=channel)
        if done is not True:
            raise PermanentPublishError(
                f"Kanal {pub.channel!r} tidak bisa menurunkan konten; turunkan secara manual",
                message_en=(
                    f"The channel {pub.channel!r} cannot take content down (its hook answered {done!r}); "
                    "remove it by hand"
                ),
            )
    except TransientPublishError as exc:
        state = copy.deepcopy(pub.state or {})
        when = policy.next_attempt_at(1, exc.retry_after)
        transitions.transition(
            pub.id,
            S.PUBLISHED,
            allowed_from={S.PUBLISHED},
            action="publication.unpublish_retry_scheduled",
            details={"error": str(exc), "next_attempt_at": when.isoformat()},
            state=state,
            last_error=str(exc),
            last_error_en=getattr(exc, "message_en", None),
            next_attempt_at=when,
        )
        transitions.commit()
        return "retry"
    except Exception as exc:  # permanent, unknown, or a plugin bug: a person decides
        if not isinstance(exc, PermanentPublishError | PublishOutcomeUnknown):
            log.exception("unpublish hook raised for publication %s", pub.id)
        state = copy.deepcopy(pub.state or {})
        transitions.transition(
            pub.id,
            S.PUBLISHED,
            allowed_from={S.PUBLISHED},
            action="publication.unpublish_failed",
            details={"error": str(exc)},
            state=state,
            last_error=str(exc),
            last_error_en=getattr(exc, "message_en", None),
            unpublish_requested_at=None,
            next_attempt_at=None,
        )
        transitions.commit()
        return "failed"
    state = copy.deepcopy(pub.state or {})
    transitions.transition(
        pub.id,
        S.UNPUBLISHED,
        allowed_from={S.PUBLISHED},
        state=state,
        last_error=None,
        last_error_en=None,
        unpublish_requested_at=None,
        next_attempt_at=None,
    )
    transitions.commit()
    return S.UNPUBLISHED
