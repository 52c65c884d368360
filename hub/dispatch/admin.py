"""What an admin can do to one publication: retry, cancel, unpublish, and for one whose
outcome is unknown (``needs_attention``): record the remote post, or post anyway.

Service functions used by the JSON API and the item page's forms. Each checks the
state (raising :class:`~hub.exceptions.TransitionNotAllowed`), writes its audit
entry with the acting admin in the same transaction, commits, fires
``publication_status_changed`` and then hands work to the queue.
"""

from __future__ import annotations

import logging
import re

import redis

from hub.exceptions import HubError, RedisUnavailable
from hub.extensions import db
from hub.models import Publication, PublicationStatus, User, utcnow
from hub.permissions import has_permission
from hub.plugins import plugins

from . import relay, transitions

log = logging.getLogger(__name__)
S = PublicationStatus

RETRYABLE = {S.FAILED, S.NEEDS_ATTENTION, S.CANCELLED}
#: an outcome a person settles: the post is there (record) or is not (post anyway)
UNSETTLED = {S.NEEDS_ATTENTION}
#: the flag in ``publication.state`` that tells the plugin not to look for an earlier copy
CONFIRMED_ABSENT = "confirmed_absent"
CANCELLABLE = {S.PENDING, S.QUEUED, S.FAILED, S.NEEDS_ATTENTION}


class NotChannelAdmin(HubError):
    """The person may manage publications but not on this channel."""


class RemoteRefInvalid(HubError):
    """What was given as the remote post is neither a link nor an id."""


def can_manage(user: User | None, pub: Publication) -> bool:
    """True when ``user`` may act on ``pub``: ``publication.manage`` and the channel's admin role.

    A channel declares its ``admin_role`` (``admin_radio``…); holders of
    ``publication.manage`` act on channels whose admin role they hold. A channel whose
    plugin is gone, or that names no role the hub knows, is open to every holder of
    ``publication.manage``.
    """
    if not has_permission(user, "publication.manage"):
        return False
    channel = plugins().channels.get(pub.channel)
    if channel is None:
        return True
    from hub.permissions import ROLE_PERMISSIONS

    role = channel.admin_role
    if role not in ROLE_PERMISSIONS or "publication.manage" not in ROLE_PERMISSIONS[role]:
        return True
    return user.has_role(role)


def _check(user: User | None, pub: Publication) -> None:
    if user is not None and not can_manage(user, pub):
        raise NotChannelAdmin(
            f"Anda bukan admin kanal {pub.channel} / you are not an admin of the channel {pub.channel}"
        )


def _hand_to_queue(func, pub: Publication) -> None:
    try:
        func(pub)
    except (redis.RedisError, RedisUnavailable) as exc:
        log.warning("Redis unavailable; the reconciler will enqueue publication %s: %s", pub.id, exc)


def retry(pub_id: int, *, actor: User | None = None) -> Publication:
    """Send a failed, cancelled or needs-attention publication again, with a fresh attempt budget.

    The next attempt sees ``attempts > 1`` and ``publication.state``, so the plugin looks
    for the copy an earlier attempt may have made before posting.
    """
    pub = db.session.get(Publication, pub_id)
    if pub is not None:
        _check(actor, pub)
    pub = transitions.transition(
        pub_id,
        S.QUEUED,
        allowed_from=RETRYABLE,
        action="publication.retry",
        actor=actor,
        next_attempt_at=None,
        retry_base=pub.attempts if pub else 0,
        lease_until=None,
    )
    transitions.commit()
    _hand_to_queue(relay.enqueue_publication, pub)
    return pub


def cancel(pub_id: int, *, actor: User | None = None) -> Publication:
    """Stop a publication that has not gone out (not while a worker is publishing it)."""
    pub = db.session.get(Publication, pub_id)
    if pub is not None:
        _check(actor, pub)
    pub = transitions.transition(
        pub_id, S.CANCELLED, allowed_from=CANCELLABLE, action="publication.cancel", actor=actor, next_attempt_at=None
    )
    transitions.commit()
    return pub


def unpublish(pub_id: int, *, actor: User | None = None) -> Publication:
    """Ask for a published publication to be taken down; a job calls the plugin's ``unpublish`` hook."""
    pub = db.session.get(Publication, pub_id)
    if pub is not None:
        _check(actor, pub)
    pub = transitions.transition(
        pub_id,
        S.PUBLISHED,
        allowed_from={S.PUBLISHED},
        action="publication.unpublish_requested",
        actor=actor,
        unpublish_requested_at=utcnow(),
        next_attempt_at=None,
    )
    transitions.commit()
    _hand_to_queue(relay.enqueue_unpublish, pub)
    return pub


def record(pub_id: int, remote: str, *, actor: User | None = None) -> Publication:
    """The admin found the post on the channel: keep its link (or id) and mark the publication published."""
    remote = (remote or "").strip()
    if not remote or len(remote) > 1000 or any(c in remote for c in "\r\n\t"):
        raise RemoteRefInvalid(
            "Isi tautan atau id kiriman di kanal (satu baris, paling banyak 1000 karakter) / "
            "give the post's link or id on the channel (one line, at most 1000 characters)"
        )
    is_link = remote.startswith(("https://", "http://"))
    if not is_link and (re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", remote) or " " in remote):
        raise RemoteRefInvalid("Tautan harus http(s):// / the link must be http(s)://")
    pub = db.session.get(Publication, pub_id)
    if pub is not None:
        _check(actor, pub)
    values = {"remote_url": remote} if is_link else {"remote_id": remote[:200]}
    pub = transitions.transition(
        pub_id,
        S.PUBLISHED,
        allowed_from=UNSETTLED,
        action="publication.recorded",
        actor=actor,
        details={"remote": remote},
        published_at=utcnow(),
        next_attempt_at=None,
        lease_until=None,
        last_error=None,
        last_error_en=None,
        **values,
    )
    transitions.commit()
    return pub


def post_anyway(pub_id: int, *, actor: User | None = None) -> Publication:
    """The admin checked the channel and the post is not there: send it without looking first.

    Sets ``publication.state["confirmed_absent"]``; plugins skip their look-up for an earlier
    copy on that attempt (docs/plugins.md, ``publish``).
    """
    pub = db.session.get(Publication, pub_id)
    if pub is not None:
        _check(actor, pub)
    pub = transitions.transition(
        pub_id,
        S.QUEUED,
        allowed_from=UNSETTLED,
        action="publication.post_anyway",
        actor=actor,
        details={"confirmed_absent": True},
        state={**((pub.state if pub else None) or {}), CONFIRMED_ABSENT: True},
        next_attempt_at=None,
        retry_base=pub.attempts if pub else 0,
        lease_until=None,
    )
    transitions.commit()
    _hand_to_queue(relay.enqueue_publication, pub)
    return pub
