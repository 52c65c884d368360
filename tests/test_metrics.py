"""``/metrics``: Prometheus text, guarded by a token or an address list; a publication seen moving
from queued to published; request counts by URL rule; a bounded number of queries per scrape."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from hub.dispatch import kick
from hub.extensions import db
from hub.models import utcnow
from tests import stub_channel
from tests.dispatch_support import FAST, approve_item, drive, publications
from tests.query_counter import count_statements

TOKEN = "metrics-token-for-the-scraper-0123456789"


@pytest.fixture
def svc():
    with stub_channel.StubService() as service:
        yield service


@pytest.fixture
def app(make_app, svc):
    app = make_app(EXTRA_PLUGINS=[stub_channel], STUB_CHANNEL_URL=svc.url, METRICS_TOKEN=TOKEN, **FAST)
    with app.app_context():
        yield app


def scrape(client) -> str:
    resp = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200, resp.data
    assert resp.content_type.startswith("text/plain; version=")
    return resp.get_data(as_text=True)


def value(text: str, name: str, **labels) -> float | None:
    """The sample ``name{labels}`` of an exposition (labels in any order), or None."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, _, number = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if head.split("{")[0] == name and found == {k: str(v) for k, v in labels.items()}:
            return float(number)
    return None


def test_scrape_shows_a_publication_move_from_queued_to_published(app, client, make_user):
    user = make_user("operator1", roles=("admin_social",))
    item = approve_item(user, "stub")
    kick([item.id])
    assert publications(item.id)[0].status == "queued"
    before = scrape(client)
    assert value(before, "hub_publications", channel="stub", state="queued") == 1
    assert value(before, "hub_publications", channel="stub", state="published") == 0
    assert value(before, "hub_jobs", queue=app.config["QUEUE_NAME"], state="queued") == 1

    drive(app, lambda: publications(item.id)[0].status == "published")
    after = scrape(client)
    assert value(after, "hub_publications", channel="stub", state="queued") == 0
    assert value(after, "hub_publications", channel="stub", state="published") == 1
    assert value(after, "hub_jobs", queue=app.config["QUEUE_NAME"], state="queued") == 0
    assert value(after, "hub_redis_up") == 1


def test_requests_are_counted_by_url_rule_never_by_raw_path(app, client):
    secret = "S3cr3tPlayerTokenAbcdefghijklmnopqrstuvwxyz0123"
    client.get("/healthz")
    client.get(f"/videotron/player/{secret}")
    client.get(f"/no/such/page/{secret}")
    text = scrape(client)
    assert value(text, "hub_http_requests_total", route="/healthz", method="GET", status="503") or value(
        text, "hub_http_requests_total", route="/healthz", method="GET", status="200"
    )
    assert value(text, "hub_http_requests_total", route="(unmatched)", method="GET", status="404") >= 1
    assert 'route="/healthz"' in text and "hub_http_request_duration_seconds_bucket" in text
    assert secret not in text


def test_access_needs_the_token_or_an_allowed_address(make_app, svc):
    off = make_app()
    assert off.test_client().get("/metrics").status_code == 404  # nothing configured: not exposed

    guarded = make_app(METRICS_TOKEN=TOKEN)
    client = guarded.test_client()
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200

    listed = make_app(METRICS_ALLOW=["10.0.0.0/8", "127.0.0.1"])
    assert listed.test_client().get("/metrics").status_code == 200  # the test client is 127.0.0.1
    other = make_app(METRICS_ALLOW="10.0.0.0/8")
    assert other.test_client().get("/metrics").status_code == 403


def test_workflow_steps_and_plugin_gauges_and_a_bounded_query_count(app, client, make_user):
    from hub.metrics import render
    from tests.videotron_support import make_screen

    def statements() -> int:
        db.session.commit()
        with count_statements() as seen:
            text = render(app).decode()
        return len(seen), text

    user = make_user("operator1", roles=("admin_social",))
    make_screen("layar-1", last_seen_at=utcnow() - dt.timedelta(seconds=5))
    db.session.commit()
    approve_item(user, "stub")
    few, text = statements()
    assert value(text, "hub_screens_online") == 1
    age = value(text, "hub_screen_last_heartbeat_age_seconds", screen="layar-1")
    assert age is not None and 4 <= age < 600

    for n in range(4):
        make_screen(f"layar-x{n}", last_seen_at=utcnow() - dt.timedelta(days=1))
        approve_item(user, "stub", title=f"Konten {n}")
    db.session.commit()
    many, text = statements()
    assert value(text, "hub_screens_online") == 1 and value(text, "hub_screens_active") == 5
    assert value(text, "hub_publications", channel="stub", state="pending") == 5
    assert many == few <= 6, (few, many)


def test_steps_waiting_and_overdue_per_workflow(make_app, make_org, make_user):
    from hub.metrics import render
    from hub.workflow.engine import submit
    from hub.workflow.models import StepInstance
    from tests.workflow_support import CheckedPlugin, assign, new_item

    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()])
    with app.app_context():
        requester = make_org("Dinas Pariwisata", kind="requester")
        operator = make_org("Diskominfotik Sumbar", kind="operator")
        pemohon = make_user("pemohon", roles=["pemohon"], org=requester)
        admin = make_user("root", roles=["system_admin"], org=operator)
        assign("videotron_request", admin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"])
        ids = []
        for n in range(2):
            item = new_item(
                pemohon, channels=[{"channel": "checked", "text": "Pendek."}], event_place="Padang", title=f"Acara {n}"
            )
            submit(item.id, pemohon)
            ids.append(item.id)
        late = db.session.execute(
            db.select(StepInstance).where(StepInstance.item_id == ids[0], StepInstance.status == "open")
        ).scalar_one()
        late.due_at = utcnow() - dt.timedelta(hours=1)
        db.session.commit()
        text = render(app).decode()
    assert value(text, "hub_workflow_steps_waiting", workflow="videotron_request") == 2
    assert value(text, "hub_workflow_steps_overdue", workflow="videotron_request") == 1


def test_upload_bytes_are_counted(app, tmp_path):
    from hub.media.storage import Receiver
    from hub.metrics import UPLOAD_BYTES

    before = UPLOAD_BYTES._value.get()
    receiver = Receiver(tmp_path / "incoming.bin")
    receiver.write(b"\xff\xd8\xff" + b"x" * 5000)
    receiver.close()
    assert UPLOAD_BYTES._value.get() - before == 5003


@pytest.mark.slow
def test_several_gunicorn_workers_add_up_in_multiprocess_mode(migrated, database_url, redis_url, tmp_path):
    """``hub web --workers 3`` with PROMETHEUS_MULTIPROC_DIR: a scrape counts every process's requests."""
    import os
    import signal
    import subprocess
    import sys

    import requests

    from tests.helpers import free_port, wait_for

    port = free_port()
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_999999.db").write_bytes(b"")  # a leftover of an earlier run: emptied at start
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_INSTANCE_DIR=str(tmp_path / "instance"),
        HUB_DATABASE_URL=database_url,
        HUB_REDIS_URL=redis_url,
        HUB_SECRET_KEY="metrics-test-key",
        HUB_METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(folder),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "web", "--port", str(port), "--workers", "3"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: requests.get(url + "/healthz", timeout=2).status_code in (200, 503),
            timeout=60,
            what="hub web to answer",
        )
        for _ in range(30):  # new connections: spread over the workers
            requests.get(url + "/healthz", timeout=5, headers={"Connection": "close"})
        pids = {p.name.split("_")[-1] for p in folder.glob("counter_*.db")}
        text = requests.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    counted = sum(
        float(line.rpartition(" ")[2])
        for line in text.splitlines()
        if line.startswith("hub_http_requests_total{") and 'route="/healthz"' in line
    )
    assert counted >= 31, pids  # the first probe and the 30
    assert "999999" not in pids and len(pids) >= 2, pids


def test_the_grafana_dashboard_graphs_metrics_the_hub_exposes(app, client, make_user):
    import json
    from pathlib import Path

    from tests.videotron_support import make_screen

    make_screen("layar-1", last_seen_at=utcnow())
    db.session.commit()
    client.get("/healthz")
    text = scrape(client)
    exposed = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line.startswith("hub_")}
    exposed |= {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE hub_")}  # no samples yet
    dashboard = json.loads((Path(__file__).resolve().parent.parent / "docs" / "grafana-dashboard.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bhub_[a-z_]+", target["expr"])
    }
    assert len(dashboard["panels"]) >= 10 and used
    assert used <= exposed, used - exposed
