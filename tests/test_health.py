"""/healthz reports the database, Redis and workers; 503 until a worker is there."""

from __future__ import annotations

import signal

import redis

from tests.helpers import hub_env, start_hub, wait_for


def test_healthz_is_503_without_a_worker(client):
    resp = client.get("/healthz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["database"]["ok"] is True
    assert body["database"]["migrations_current"] is True
    assert body["redis"]["ok"] is True
    assert body["workers"] == {"ok": False, "count": 0, "queued_jobs": 0}
    assert body["status"] == "unhealthy"


def test_healthz_is_200_with_a_real_worker(app, client):
    worker = start_hub(["worker"], hub_env(app))
    try:
        resp = wait_for(
            lambda: (r := client.get("/healthz")).status_code == 200 and r,
            timeout=60,
            what="a healthy /healthz",
        )
        body = resp.get_json()
        assert body["status"] == "ok"
        assert body["workers"]["count"] == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0


def test_healthz_reports_a_broken_redis(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["redis"]["ok"] is False


def test_healthz_counts_only_workers_with_a_fresh_heartbeat(make_app):
    """A worker killed with SIGKILL never says goodbye: its heartbeat goes stale and it stops counting."""
    app = make_app(WORKER_HEARTBEAT=1)
    client = app.test_client()
    env = hub_env(app, HUB_WORKER_HEARTBEAT=1)
    workers = [start_hub(["worker", "--name", f"fresh-{i}"], env) for i in range(2)]
    try:
        wait_for(
            lambda: client.get("/healthz").get_json()["workers"]["count"] == 2, timeout=60, what="two live workers"
        )
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=30)
        # RQ still lists it (Worker.all) until its key expires; /healthz must not
        wait_for(lambda: client.get("/healthz").get_json()["workers"]["count"] == 1, timeout=30, what="one live worker")
        resp = client.get("/healthz")
        assert resp.status_code == 200
        workers[1].send_signal(signal.SIGKILL)
        workers[1].wait(timeout=30)
        wait_for(lambda: client.get("/healthz").status_code == 503, timeout=30, what="503 without a live worker")
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_a_worker_registers_again_after_redis_lost_everything(make_app):
    app = make_app(WORKER_HEARTBEAT=1)
    client = app.test_client()
    worker = start_hub(["worker", "--name", "reborn"], hub_env(app, HUB_WORKER_HEARTBEAT=1))
    try:
        wait_for(lambda: client.get("/healthz").status_code == 200, timeout=60, what="a live worker")
        redis.Redis.from_url(app.config["REDIS_URL"]).flushdb()  # what a restart of an empty Redis looks like
        wait_for(lambda: client.get("/healthz").status_code == 200, timeout=30, what="the worker to register again")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0
