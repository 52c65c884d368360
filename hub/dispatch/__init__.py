"""Dispatch: publication rows (the outbox), the relay, the publish jobs and the reconciler.

The interface the approval workflow uses:

* :func:`create_publications` — in the final approval's transaction, add one pending
  :class:`~hub.models.Publication` per (item, channel target); no commit.
* :func:`kick` — after that commit, enqueue the pending rows at once. Safe when Redis
  is down: the maintenance loop of ``hub worker`` relays them later.

See ``docs/dispatch.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.dispatch.outbox import create_publications, idempotency_key, publication_targets, republish_published
from hub.dispatch.relay import kick

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "create_publications",
    "idempotency_key",
    "init_app",
    "kick",
    "publication_targets",
    "republish_published",
]


def init_app(app: Flask) -> None:
    """Register the publication API and forms, and the helpers ``templates/dispatch/_publications.html`` uses."""
    from hub.api import register
    from hub.dispatch import api, views

    app.register_blueprint(views.bp)
    register(app, api.bp)
    app.jinja_env.globals.update(
        item_publications=views.item_publications,
        publication_actions=views.allowed_actions,
        publication_time=views.publication_time,
    )
