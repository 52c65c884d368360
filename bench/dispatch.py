"""Dispatch figures: throughput of 1,000 publish jobs on 2 ``hub worker`` processes beside 1,000
no-op jobs on 2 plain ``rq worker`` processes, and the time from the final approval to
``published`` with idle workers beside an RQ round trip (enqueue → finished).

Items are put at the final approval step of the bundled ``website_social`` workflow, targeting
the ``bench`` channel (:mod:`bench.noop_channel`, which publishes instantly), then approved
through the real engine (``decide``), so each job runs what a real one runs (claim, lease, hook,
outcome, notification, publish step completion) but no network call.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from rq import Queue

from bench.noop_channel import noop

NOOP_QUEUE = "bench-noop"
LOG = "/tmp/hub-bench-workers.log"


def prepare_items(creator_id: int, n: int) -> list[int]:
    """``n`` items waiting for their final approval (step before the publish step)."""
    from hub.extensions import db
    from hub.models import Item, ItemChannel, User, utcnow
    from hub.workflow.models import ItemWorkflow, StepInstance, Workflow, WorkflowVersion

    creator = db.session.get(User, creator_id)
    wf = db.session.scalar(db.select(Workflow).where(Workflow.code == "website_social"))
    version = db.session.scalar(
        db.select(WorkflowVersion).where(
            WorkflowVersion.workflow_id == wf.id, WorkflowVersion.number == wf.latest_version
        )
    )
    steps = version.definition["steps"]
    index = next(i for i, s in enumerate(steps) if s["kind"] == "approval" and steps[i + 1]["kind"] == "publish")
    step = steps[index]
    now = utcnow()
    items = []
    for k in range(n):
        item = Item(
            organisation_id=creator.organisation_id,
            created_by_id=creator.id,
            kind="article",
            title=f"Bench dispatch {k}",
            body="Isi berita bench.",
            status="in_review",
            extra={},
        )
        item.channels = [ItemChannel(channel="bench", options={})]
        db.session.add(item)
        items.append(item)
    db.session.flush()
    for item in items:
        db.session.add(
            ItemWorkflow(item_id=item.id, workflow_version_id=version.id, step_index=index, submitted_at=now)
        )
        db.session.add(
            StepInstance(
                item_id=item.id,
                workflow_version_id=version.id,
                step_index=index,
                step_key=step["key"],
                kind=step["kind"],
                role=step["role"],
                time_limit=step.get("limit", ""),
                started_at=now,
            )
        )
    db.session.commit()
    return [i.id for i in items]


def approve(item_id: int) -> None:
    from hub.workflow.engine import decide

    decide(item_id, None, "approve", system=True)


def published_count(item_ids: list[int]) -> int:
    from hub.extensions import db
    from hub.models import Publication

    db.session.rollback()  # a fresh snapshot on every poll
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Publication)
        .where(Publication.item_id.in_(item_ids), Publication.status == "published")
    )


def wait(predicate, what: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.002)


def start_workers(cmd: list[str], env: dict, n: int) -> list[subprocess.Popen]:
    log = open(LOG, "a")  # noqa: SIM115 - the workers write to it until stopped
    return [
        subprocess.Popen(cmd + [f"bench-{time.time_ns()}-{i}"], env=env, stdout=log, stderr=subprocess.STDOUT)
        for i in range(n)
    ]


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def hub_throughput(env: dict, creator_id: int, n: int) -> float:
    """Approve ``n`` items with no worker running (the queue fills), then let 2 workers drain it."""
    from hub.extensions import db
    from hub.models import Publication

    ids = prepare_items(creator_id, n)
    for item_id in ids:
        approve(item_id)
    workers = start_workers([sys.executable, "-m", "hub", "worker", "--name"], env, 2)
    try:
        wait(lambda: published_count(ids) == n, f"{n} publications")
    finally:
        stop_workers(workers)
    first, last = db.session.execute(
        db.select(db.func.min(Publication.published_at), db.func.max(Publication.published_at)).where(
            Publication.item_id.in_(ids)
        )
    ).one()
    return (n - 1) / (last - first).total_seconds()


def rq_throughput(env: dict, conn, n: int) -> float:
    queue = Queue(NOOP_QUEUE, connection=conn)
    jobs = [queue.enqueue(noop) for _ in range(n)]
    workers = start_workers(_rq_cmd(env) + ["--burst", "--name"], env, 2)
    try:
        for proc in workers:
            proc.wait(timeout=600)
    finally:
        stop_workers(workers)
    for job in jobs:
        job.refresh()
    ends = [j.ended_at for j in jobs]
    return (n - 1) / (max(ends) - min(ends)).total_seconds()


def _rq_cmd(env: dict) -> list[str]:
    return [str(Path(sys.executable).parent / "rq"), "worker", "-q", "-u", env["HUB_REDIS_URL"], NOOP_QUEUE]


def round_trips(env: dict, conn, creator_id: int, samples: int) -> tuple[list[float], list[float]]:
    """Approval → published with 2 idle hub workers, beside enqueue → finished with 2 idle RQ workers."""
    ids = prepare_items(creator_id, samples + 3)
    hub_workers = start_workers([sys.executable, "-m", "hub", "worker", "--name"], env, 2)
    rq_workers = start_workers(_rq_cmd(env) + ["--name"], env, 2)
    queue = Queue(NOOP_QUEUE, connection=conn)
    hub, bare = [], []
    try:
        time.sleep(5)  # both sets of workers are up and idle
        for k, item_id in enumerate(ids):
            t = time.perf_counter()
            approve(item_id)
            wait(lambda i=item_id: published_count([i]) == 1, "a publication")
            if k >= 3:
                hub.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            job = queue.enqueue(noop)
            wait(lambda j=job: j.get_status(refresh=True) == "finished", "a no-op job")
            if k >= 3:
                bare.append((time.perf_counter() - t) * 1000)
            time.sleep(0.2)  # idle workers again
    finally:
        stop_workers(hub_workers + rq_workers)
    return hub, bare


def measure(env: dict, creator_id: int, n: int, samples: int, rounds: int = 2) -> list[str]:
    from flask import current_app

    from hub.queue import redis_connection

    conn = redis_connection(current_app)
    hub_rates, rq_rates = [], []
    for _ in range(rounds):  # interleaved: hub, RQ, hub, RQ
        hub_rates.append(hub_throughput(env, creator_id, n))
        rq_rates.append(rq_throughput(env, conn, n))
    h, b = statistics.median(hub_rates), statistics.median(rq_rates)
    rates = "; ".join(f"{x:.1f}" for x in hub_rates) + " vs " + "; ".join(f"{x:.0f}" for x in rq_rates)
    lines = [
        f"| dispatch, {n:,} items, 2 workers (runs: {rates}) | {h:.1f} items/s | {b:.0f} no-op jobs/s | {h / b:.2f} |"
    ]
    hub, bare = round_trips(env, conn, creator_id, samples)
    h50, b50 = statistics.median(hub), statistics.median(bare)
    h95, b95 = sorted(hub)[int(0.95 * (len(hub) - 1))], sorted(bare)[int(0.95 * (len(bare) - 1))]
    lines.append(
        f"| approval → published, idle workers, p50 / p95 | {h50:.0f} / {h95:.0f} ms "
        f"| {b50:.0f} / {b95:.0f} ms (RQ round trip) | ×{h50 / b50:.1f} |"
    )
    return lines
