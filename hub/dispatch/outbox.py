"""The outbox: one :class:`~hub.models.Publication` row per (item, channel target).

:func:`create_publications` is called by the workflow engine inside the same
database transaction as the final approval, so an approved item always has its
rows and a rolled-back approval has none. It only adds rows to the session; the
caller commits, then calls :func:`hub.dispatch.kick` to hand them to the queue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING

from hub.extensions import db
from hub.models import Publication, PublicationStatus
from hub.plugins import plugins

if TYPE_CHECKING:
    from hub.models import Item, ItemChannel

_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


def idempotency_key(item_id: int, channel: str, target: str, occurrence: int = 0) -> str:
    """A stable key for one (item, channel, target[, occurrence]) of this installation, at most 100 characters.

    ``hub-<installation>-<item>-<channel>`` or ``…-<channel>-<target>``, with ``-o<n>`` for occurrence
    ``n`` of a series (so each occurrence is its own post on the channel): the installation id
    (:mod:`hub.installation`) keeps two hubs' item 1 apart on a shared site or account;
    characters a channel might not accept are replaced, and a long key is shortened with a hash.
    """
    from hub.installation import installation_id

    key = f"hub-{installation_id()}-{item_id}-{channel}" + (f"-{target}" if target else "")
    if occurrence:
        key += f"-o{occurrence}"
    key = _KEY_UNSAFE.sub("_", key)
    if len(key) > 100:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        key = f"{key[:83]}-{digest}"
    return key


def publication_targets(item: Item, item_channel: ItemChannel) -> list[str]:
    """The target keys one channel of an item splits into.

    The channel's plugin answers through the ``publication_targets`` hook (one key per
    social account, per screen group…); else ``ItemChannel.options["targets"]``; else a
    single target ``""``. Keys are de-duplicated, order kept.
    """
    registry = plugins()
    channel = registry.channels.get(item_channel.channel)
    targets = None
    if channel is not None:
        targets = registry.hook.publication_targets(item=item, channel=channel)
    if targets is None:
        targets = (item_channel.options or {}).get("targets")
    keys = [str(t)[:100] for t in (targets or [])]
    return list(dict.fromkeys(keys)) or [""]


def scheduled_time(item: Item) -> dt.datetime | None:
    """When an item's publications go out: its ``publish_at``, else its ``window_start``, else at once."""
    return item.publish_at or item.window_start


def create_publications(item: Item) -> list[Publication]:
    """Add one pending publication per (item, channel target) to the session; no commit.

    Call it in the transaction that gives the final approval. Rows that already exist
    for the item (same channel and target) are kept, not duplicated, so calling it
    twice is harmless. Returns the item's publications for its current targets.

    A series (``item.recurrence``) gets one row per (channel target, occurrence) at the
    occurrence's time (:func:`hub.items.series.plan_publications`).
    """
    if item.id is None:
        db.session.flush()
    existing = {
        (p.channel, p.target, p.occurrence): p
        for p in db.session.execute(db.select(Publication).where(Publication.item_id == item.id)).scalars()
    }
    channels = item.channels
    if item.recurrence:  # a channel that approves each occurrence gets occurrence items instead
        declared = plugins().channels
        channels = [ic for ic in channels if not getattr(declared.get(ic.channel), "approval_per_occurrence", False)]
    targets = [(ic.channel, t) for ic in channels for t in publication_targets(item, ic)]

    def make(occurrence: int, when: dt.datetime | None) -> list[Publication]:
        rows = []
        for channel, target in targets:
            pub = existing.get((channel, target, occurrence))
            if pub is None:
                pub = Publication(
                    item_id=item.id,
                    channel=channel,
                    target=target,
                    occurrence=occurrence,
                    status=PublicationStatus.PENDING.value,
                    attempts=0,
                    scheduled_at=when,
                    idempotency_key=idempotency_key(item.id, channel, target, occurrence),
                    state={},
                )
                db.session.add(pub)
                existing[(channel, target, occurrence)] = pub
            rows.append(pub)
        return rows

    if item.recurrence:
        from hub.items.series import plan_publications

        return plan_publications(item, make)
    return make(0, scheduled_time(item))


def republish_published(item: Item) -> list[int]:
    """A revision of ``item`` got its final approval: send its published publications again.

    Each ``published`` row (not being taken down) goes back to ``pending`` with a fresh attempt
    budget, keeping its remote id and ``state``, so the channel's ``publish`` hook updates the copy
    it made (the website edits its post, the screens take the new video) instead of making a second
    one. In the approval's transaction; no commit. Returns the ids of the rows sent again.
    """
    from hub.dispatch import transitions

    when = scheduled_time(item)
    rows = db.session.execute(
        db.select(Publication.id, Publication.attempts, Publication.scheduled_at).where(
            Publication.item_id == item.id,
            Publication.status == PublicationStatus.PUBLISHED.value,
            Publication.unpublish_requested_at.is_(None),
        )
    ).all()
    for pub_id, attempts, scheduled_at in rows:
        transitions.transition(
            pub_id,
            PublicationStatus.PENDING,
            allowed_from={PublicationStatus.PUBLISHED},
            action="publication.republish",
            details={"reason": "revision approved"},
            retry_base=attempts,
            scheduled_at=scheduled_at if item.recurrence else when,  # an occurrence keeps its own time
            next_attempt_at=None,
            last_error=None,
            last_error_en=None,
            lease_until=None,
        )
    return [row[0] for row in rows]
