"""The workflow area's listeners on the hub's own hooks (registered by :func:`hub.workflow.init_app`).

``publication_status_changed`` (fired by the dispatcher after each committed change):
tell the item's creator when a publication reached its channel or failed, and close the
item's publish step once every publication has reached its channel.
"""

from __future__ import annotations

import logging

from hub import hookimpl
from hub.extensions import db
from hub.models import Item, PublicationStatus

log = logging.getLogger(__name__)

P = PublicationStatus


def _channel_label(name: str) -> tuple[str, str]:
    from hub.plugins import plugins

    channel = plugins().channels.get(name)
    return (channel.label_id, channel.label_en) if channel else (name, name)


@hookimpl
def publication_status_changed(publication, old_status, new_status):
    from hub.workflow import effects
    from hub.workflow.engine import complete_publish_step

    item = db.session.get(Item, publication.item_id)
    if item is None:
        return
    label_id, label_en = _channel_label(publication.channel)
    target = f" ({publication.target})" if publication.target else ""
    if new_status == P.PUBLISHED:
        effects.notify_creator(
            item,
            "published",
            f"Terbit di {label_id}{target}: {item.title}",
            f"Published on {label_en}{target}: {item.title}",
            publication.remote_url or "",
            publication.remote_url or "",
        )
    elif new_status in (P.FAILED, P.NEEDS_ATTENTION):
        effects.notify_creator(
            item,
            "publication_failed",
            f"Gagal terbit di {label_id}{target}: {item.title}",
            f"Not published on {label_en}{target}: {item.title}",
            publication.last_error or "Admin kanal sedang menanganinya.",
            publication.last_error or "The channel's admin is handling it.",
        )
    else:
        return
    db.session.commit()
    if new_status == P.PUBLISHED:
        try:
            complete_publish_step(item.id)
        except Exception:  # noqa: BLE001 - the admin can still close the step by hand
            db.session.rollback()
            log.exception("could not close the publish step of item %s", item.id)
