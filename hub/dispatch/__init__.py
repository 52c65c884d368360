"""Dispatch: publication rows (the outbox), the relay, the publish jobs and the reconciler.

The interface the approval workflow uses:

* :func:`create_publications` — in the final approval's transaction, add one pending
  :class:`~hub.models.Publication` per (item, channel target); no commit.
* :func:`kick` — after that commit, enqueue the pending rows at once. Safe when Redis
  is down: the maintenance loop of ``hub worker`` relays them later.

See ``docs/dispatch.md``.
"""

from __future__ import annotations

from hub.dispatch.outbox import create_publications, idempotency_key, publication_targets
from hub.dispatch.relay import kick

__all__ = ["create_publications", "idempotency_key", "kick", "publication_targets"]
