"""Items and their approval chain for tests: ``make_item``, ``approve_through``, ``publish_queued``."""

from __future__ import annotations

import time

from hub.extensions import db


def make_item(*, channels=("recorder",), kind: str = "post", user=None, **fields):
    """A committed draft targeting ``channels``, made by ``user`` (default: a content creator)."""
    from hub.items.service import create_item
    from hub.models import User
    from hub.testing.people import make_org, make_user

    if user is None:
        user = db.session.execute(db.select(User).filter_by(username="pembuat")).scalar() or make_user(
            "pembuat", roles=["pembuat_konten"], org=make_org(), full_name="Pembuat Konten"
        )
    data = {
        "title": fields.pop("title", "Festival Siti Nurbaya"),
        "body": fields.pop("body", "Festival budaya di Padang, 12 Desember."),
        "kind": kind,
        "channels": list(channels),
        **fields,
    }
    return create_item(user, data)


def _decider(item, step_def, roles: set[str]):
    """Someone who may decide ``step_def`` of ``item``: an existing holder, else a new user with the role."""
    from hub.models import User
    from hub.testing.people import make_org, make_user
    from hub.workflow.access import holders

    found = holders(item, step_def)
    if found:
        return found[0]
    if not roles:
        raise AssertionError(f"step {step_def.key!r} names no role that could decide it")
    role = sorted(roles)[0]
    username = f"approver_{role}"[:50]
    existing = db.session.execute(db.select(User).filter_by(username=username)).scalar()
    return existing or make_user(username, roles=[role], org=make_org(), full_name=f"Approver {role}")


def approve_through(app, item, *, upto: str | None = None, publish: bool = True, timeout: float = 60):
    """Submit ``item`` (a draft or returned item) and approve each step as a person who may decide it."""
    from hub.models import Item, User
    from hub.workflow import engine
    from hub.workflow.access import step_roles
    from hub.workflow.state import definition_of, open_step, state_of

    item_id = item if isinstance(item, int) else item.id
    db.session.expire_all()
    item = db.session.get(Item, item_id)
    if item.status in engine.SUBMITTABLE:
        engine.submit(item_id, db.session.get(User, item.created_by_id))
    decided: list[tuple[str, str]] = []
    for _ in range(100):  # a guard: a chain that returns forever fails instead of hanging
        db.session.expire_all()
        item = db.session.get(Item, item_id)
        state = state_of(item)
        step = open_step(item_id) if state is not None else None
        if step is None or step.kind == "publish":
            break
        wf = definition_of(state)
        step_def = wf.steps[step.step_index]
        if step_def.kind == "prepare" or step_def.by_creator:
            user = db.session.get(User, item.created_by_id)
        else:
            user = _decider(item, step_def, step_roles(step_def, item))
        engine.decide(item_id, user, "approve", step_id=step.id, checklist=[c.code for c in wf.checklist])
        decided.append((step.step_key, user.username))
        if upto is not None and step.step_key == upto:
            return decided
    else:
        raise AssertionError(f"item {item_id}: the chain did not end after 100 decisions: {decided}")
    if publish:
        publish_queued(app, timeout=timeout)
    return decided


def publish_queued(app, *, timeout: float = 60) -> list:
    """Run the hub's jobs (a burst RQ worker) until no publication waits; returns the publications.

    Due retries are moved to the queue each round (what the maintenance pass does when no
    scheduler runs); between rounds it waits for the next scheduled job only. ``timeout`` is
    a failure guard.
    """
    from hub.dispatch.scheduler import take_over_if_dead
    from hub.jobs import run_worker
    from hub.models import Publication
    from hub.queue import get_queue

    waiting = ("pending", "queued", "publishing")
    deadline = time.monotonic() + timeout
    while True:
        take_over_if_dead("hub-testing")
        queue = get_queue()
        if queue.count:
            run_worker(app, burst=True, with_scheduler=False, maintenance=False)
        db.session.expire_all()
        rows = list(db.session.execute(db.select(Publication).order_by(Publication.id)).scalars())
        if not any(p.status in waiting for p in rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"publications still waiting after {timeout}s: {[(p.id, p.status) for p in rows]}")
        if not queue.count:
            nxt = queue.connection.zrange(queue.scheduled_job_registry.key, 0, 0, withscores=True)
            wait = nxt[0][1] - time.time() if nxt else 0.05
            time.sleep(min(max(wait, 0.02), 1.0))
