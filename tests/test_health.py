"""/healthz reports the database, Redis and workers; 503 until a worker is there."""

from __future__ import annotations

import signal

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
