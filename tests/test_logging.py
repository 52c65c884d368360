"""Logs: one format (text or JSON), a request id carried from the web request into its jobs and
logged by the worker, and no secrets in any line."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from flask import Blueprint, jsonify

from hub import hookimpl
from hub.jobs import job
from hub.logging_setup import HEADER, handler, redact
from hub.permissions import public
from tests.helpers import free_port, wait_for

log = logging.getLogger("tests.logging")
PLAYER_SECRET = "PlAyErSeCrEt0123456789abcdefghijklmnopqrstuv"
API_SECRET = "hubt_ApiSecretTokenValue0123456789abcdefghij"
PASSWORD = "kata-sandi-rahasia-sekali-42"
METRICS_SECRET = "metrics-secret-token-0123456789abcdef"
QUERY_SECRET = "QuerySecretValue0123456789"


@job
def noted_job(note: str) -> str:
    log.info("noted job ran: %s", note)
    return note


class EnqueuingPlugin:
    @hookimpl
    def register_blueprints(self, app):
        bp = Blueprint("test_enqueue", __name__)

        @bp.post("/test-enqueue")
        @public
        def enqueue_view():
            from hub.jobs import enqueue

            queued = enqueue(noted_job, "from the request")
            return jsonify({"job": queued.id})

        return [bp]


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[EnqueuingPlugin()], WTF_CSRF_ENABLED=False)
    with app.app_context():
        yield app


def test_the_request_id_goes_into_the_job_and_the_workers_log(app, client, tmp_path, caplog):
    from rq.job import Job

    from hub.jobs import run_worker
    from hub.queue import redis_connection

    resp = client.post("/test-enqueue", headers={HEADER: "abc-123.req"})
    assert resp.headers[HEADER] == "abc-123.req"
    job_id = resp.get_json()["job"]
    assert Job.fetch(job_id, connection=redis_connection()).meta["request_id"] == "abc-123.req"

    made = client.post("/test-enqueue", headers={HEADER: "not valid; has spaces"})
    rid = made.headers[HEADER]
    assert len(rid) == 32 and int(rid, 16) >= 0  # a bad id is replaced, not echoed

    caplog.set_level(logging.INFO)  # what `hub worker` logs (HUB_LOG_LEVEL's default)
    out = tmp_path / "worker.log"
    with open(out, "w") as stream:  # the forked work-horse writes to the same file
        capture = handler(stream)
        logging.getLogger().addHandler(capture)
        try:
            run_worker(app, burst=True, with_scheduler=False)
        finally:
            logging.getLogger().removeHandler(capture)
    lines = out.read_text().splitlines()
    started = [line for line in lines if f"job {job_id} (" in line and "enqueued by request abc-123.req" in line]
    assert started, lines
    ran = [line for line in lines if "noted job ran" in line]
    assert any(f"[req=abc-123.req job={job_id}]" in line for line in ran), ran
    assert any(f"req={rid}" in line for line in ran), ran


def test_redaction_of_what_code_may_log():
    stream = io.StringIO()
    capture = handler(stream)
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(capture)
    logger.propagate = False
    try:
        logger.warning("GET https://hub.example/videotron/player/%s/feed.json", PLAYER_SECRET)
        logger.warning("headers: {'Authorization': 'Bearer %s'}", API_SECRET[5:])
        logger.warning("token %s given", API_SECRET)
        logger.warning("connecting to postgresql://hub:%s@db.example/hub", PASSWORD)
        logger.warning('form password=%s&user=x, json {"app_password": "%s"}', PASSWORD, PASSWORD)
        logger.warning("GET /metrics?token=%s", QUERY_SECRET)
        try:
            raise RuntimeError(f"login failed for secret={PASSWORD}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(capture)
    text = stream.getvalue()
    for secret in (PLAYER_SECRET, API_SECRET, API_SECRET[5:], PASSWORD, QUERY_SECRET):
        assert secret not in text, (secret, text)
    assert text.count("[redacted]") >= 7
    assert redact("nothing secret here: item 42 published") == "nothing secret here: item 42 published"


@pytest.mark.slow
def test_hub_web_writes_one_json_format_without_secrets(database_url, redis_url, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_INSTANCE_DIR=str(tmp_path / "instance"),
        HUB_DATABASE_URL=database_url,
        HUB_REDIS_URL=redis_url,
        HUB_SECRET_KEY="log-test-secret-key",
        HUB_LOG_FORMAT="json",
        HUB_METRICS_TOKEN=METRICS_SECRET,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "web", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: requests.get(url + "/healthz", timeout=2).status_code in (200, 503),
            timeout=60,
            what="hub web to answer",
        )
        requests.get(f"{url}/videotron/player/{PLAYER_SECRET}", headers={HEADER: "req-player-1"}, timeout=5)
        requests.get(f"{url}/videotron/player/{PLAYER_SECRET}/feed.json", timeout=5)
        requests.get(f"{url}/api/v1/items", headers={"Authorization": f"Bearer {API_SECRET}"}, timeout=5)
        requests.post(f"{url}/login", data={"username": "admin", "password": PASSWORD}, timeout=5)
        requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_SECRET}"}, timeout=5)
        requests.get(f"{url}/items?token={QUERY_SECRET}&password={PASSWORD}", timeout=5)
        requests.get(f"{url}/healthz", headers={"Referer": f"{url}/videotron/player/{PLAYER_SECRET}"}, timeout=5)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) >= 8
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON line: {line!r}")
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert len(access) >= 7
    assert any(r.get("request_id") == "req-player-1" for r in access)
    for secret in (PLAYER_SECRET, API_SECRET, PASSWORD, METRICS_SECRET, QUERY_SECRET):
        assert secret not in out, secret


@pytest.mark.slow
def test_hub_worker_writes_the_same_json_with_the_request_id(app, client, database_url, redis_url, tmp_path):
    """A real ``hub worker --burst`` (RQ's own lines included) writes only JSON lines, and the job a
    request enqueued carries that request's id in every line it logs."""
    client.post("/test-enqueue", headers={HEADER: "req-to-worker-7"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_INSTANCE_DIR=str(tmp_path / "instance"),
        HUB_DATABASE_URL=database_url,
        HUB_REDIS_URL=redis_url,
        HUB_SECRET_KEY=app.config["SECRET_KEY"],
        HUB_QUEUE_NAME=app.config["QUEUE_NAME"],
        HUB_LOG_FORMAT="json",
        # the job is ``<this module>.noted_job`` as pytest imported it (``test_logging`` or ``tests.test_logging``)
        PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]),
    )
    out = subprocess.run(
        [sys.executable, "-m", "hub", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = [line for line in (out.stdout + out.stderr).splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # a non-JSON line fails here
    assert any(r["logger"].startswith("rq.") for r in records)
    ran = [r for r in records if "noted job ran" in r["message"]]
    assert ran and ran[0]["request_id"] == "req-to-worker-7" and ran[0]["job_id"], [r["message"] for r in records]
