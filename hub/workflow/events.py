"""The workflow area's listeners on the hub's own hooks (registered by :func:`hub.workflow.init_app`).

``publication_status_changed`` (fired by the dispatcher after each committed change):
tell the item's creator when a publication reached its channel or failed, and close the
item's publish step once every publication has reached its channel. The notification and
the step's closing are one transaction (one commit per publication, not two); when the step
cannot be closed the notification is committed on its own.
"""

from __future__ import annotations

import logging

from sqlalchemy import inspect

from hub import hookimpl
from hub.extensions import db
from hub.models import Item, PublicationStatus
from hub.workflow.state import PLAIN_ITEM

log = logging.getLogger(__name__)

P = PublicationStatus


def _channel_label(name: str) -> tuple[str, str]:
    from hub.plugins import plugins

    channel = plugins().channels.get(name)
    return (channel.label_id, channel.label_en) if channel else (name, name)


@hookimpl
def publication_status_changed(publication, old_status, new_status):
    from hub.workflow.engine import complete_publish_step

    if new_status not in (P.PUBLISHED, P.FAILED, P.NEEDS_ATTENTION):
        return  # nothing to tell or close (e.g. queued -> publishing, each attempt's claim)
    # the item's own columns only: its channels and assets are not needed here
    item = db.session.get(Item, publication.item_id, options=PLAIN_ITEM)
    if item is None:
        return
    item_id = item.id
    notes = _tell_creator(item, publication, new_status)
    if new_status == P.PUBLISHED:
        # the notification commits with the step's closing (one transaction), or alone below
        try:
            if complete_publish_step(item_id):
                return
        except Exception:  # noqa: BLE001 - the admin can still close the step by hand
            db.session.rollback()
            log.exception("could not close the publish step of item %s", item_id)
        if not all(inspect(n).persistent for n in notes):  # rolled back with the failed attempt
            item = db.session.get(Item, item_id, options=PLAIN_ITEM)
            if item is None:
                return
            _tell_creator(item, publication, new_status)
    db.session.commit()


def _tell_creator(item: Item, publication, new_status) -> list:
    """Add the creator's notification of the publication's new state (not committed)."""
    from hub.workflow import effects

    label_id, label_en = _channel_label(publication.channel)
    target = f" ({publication.target})" if publication.target else ""
    if new_status == P.PUBLISHED:
        return effects.notify_creator(
            item,
            "published",
            f"Terbit di {label_id}{target}: {item.title}",
            f"Published on {label_en}{target}: {item.title}",
            publication.remote_url or "",
            publication.remote_url or "",
        )
    return effects.notify_creator(
        item,
        "publication_failed",
        f"Gagal terbit di {label_id}{target}: {item.title}",
        f"Not published on {label_en}{target}: {item.title}",
        publication.error_in("id") or "Admin kanal sedang menanganinya.",
        publication.error_in("en") or "The channel's admin is handling it.",
    )
