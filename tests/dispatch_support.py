"""Shared set-up for the dispatch tests: the stub channel's service, approved items, a job driver."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from hub.extensions import db
from hub.models import Item, ItemChannel, ItemStatus, Publication, utcnow
from tests import stub_channel

#: fast timings so the tests run in seconds (the defaults are in hub.dispatch.policy)
FAST = {
    "DISPATCH_RETRY_BASE": 0.2,
    "DISPATCH_RETRY_MAX": 2,
    "DISPATCH_LEASE_SECONDS": 3,
    "DISPATCH_MAINTENANCE_INTERVAL": 0.5,
    # a busy worker beats well inside the 3 s lease, so the reconciler never takes a live
    # worker's job for a dead one's
    "WORKER_HEARTBEAT": 1,
}


def stub_app(make_app, service, **overrides):
    return make_app(EXTRA_PLUGINS=[stub_channel], STUB_CHANNEL_URL=service.url, **{**FAST, **overrides})


@pytest.fixture
def svc():
    """The stub channel's posting service (import this fixture into a test module)."""
    with stub_channel.StubService() as service:
        yield service


@pytest.fixture
def app(make_app, svc):
    """Overrides conftest's ``app``: the hub with the stub channel installed, fast dispatch timings."""
    app = stub_app(make_app, svc)
    with app.app_context():
        yield app


def approve_item(user, *channels: str | tuple[str, dict], publish_at: dt.datetime | None = None, **fields) -> Item:
    """What the final approval does, in one transaction: the item approved and its publications created.

    (Until the workflow engine's final approval exists, tests approve items directly.)
    """
    from hub.dispatch import create_publications

    item = Item(
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        title=fields.pop("title", "Festival Budaya Minangkabau"),
        body=fields.pop("body", "Saksikan Festival Budaya Minangkabau di Padang, 12 Desember."),
        status=ItemStatus.APPROVED.value,
        publish_at=publish_at,
        **fields,
    )
    for ch in channels:
        name, options = ch if isinstance(ch, tuple) else (ch, {})
        item.channels.append(ItemChannel(channel=name, options=options))
    db.session.add(item)
    create_publications(item)
    db.session.commit()
    return item


def publications(item_id: int | None = None) -> list[Publication]:
    db.session.expire_all()
    stmt = db.select(Publication).order_by(Publication.id)
    if item_id is not None:
        stmt = stmt.where(Publication.item_id == item_id)
    return list(db.session.execute(stmt).scalars())


def drive(app, until, *, timeout: float = 120, reconcile: bool = False):
    """Run the hub's jobs until ``until()`` is truthy; returns its value.

    Each round does explicitly what the maintenance pass does when no RQ scheduler is
    alive: due scheduled jobs (retries after a backoff or a Retry-After, scheduled
    publications) are moved to the queue (:func:`hub.dispatch.scheduler.take_over_if_dead`),
    then a burst worker runs what waits. When nothing waits, it sleeps until the next
    scheduled job is due: the only wall-clock wait is the one the test asked for (the
    backoff, the channel's Retry-After). ``timeout`` is a failure guard only.
    """
    from hub.dispatch.reconcile import run_pass
    from hub.dispatch.scheduler import take_over_if_dead
    from hub.jobs import run_worker
    from hub.queue import get_queue

    deadline = time.monotonic() + timeout
    while True:
        if reconcile:
            run_pass()
        take_over_if_dead("test-driver")
        queue = get_queue()
        if queue.count:
            run_worker(app, burst=True, with_scheduler=False, maintenance=False)
        db.session.expire_all()
        result = until()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not reached within {timeout}s: {[(p.id, p.status, p.last_error) for p in publications()]}"
            )
        if not queue.count:
            nxt = queue.connection.zrange(queue.scheduled_job_registry.key, 0, 0, withscores=True)
            wait = nxt[0][1] - time.time() if nxt else 0.05
            time.sleep(min(max(wait, 0.02), 1.0))


def audit_actions(pub_id: int) -> list[str]:
    from hub.models.audit import AuditEntry

    rows = db.session.execute(
        db.select(AuditEntry.action)
        .where(AuditEntry.target_type == "publication", AuditEntry.target_id == str(pub_id))
        .order_by(AuditEntry.id)
    ).scalars()
    return list(rows)


def seconds_since(t: dt.datetime) -> float:
    return (utcnow() - t).total_seconds()
