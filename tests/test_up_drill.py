"""Drill: under `hub up`, one gunicorn worker exits; an item approved afterwards is still published."""

from __future__ import annotations

import signal
from pathlib import Path

import psutil
import pytest

from tests.dispatch_support import FAST, app, approve_item, publications, svc
from tests.helpers import hub_env, wait_for
from tests.test_up_lifecycle import HubUp

__all__ = ["app", "svc"]  # fixtures

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_an_item_approved_after_a_web_worker_exited_is_published(app, svc, make_user, tmp_path):
    env = hub_env(
        app,
        HUB_EXTRA_PLUGINS='["tests.stub_channel"]',
        HUB_STUB_CHANNEL_URL=svc.url,
        PYTHONPATH=str(ROOT),
        HUB_INSTANCE_DIR=str(tmp_path / "instance"),
        **{f"HUB_{k}": v for k, v in FAST.items()},
    )
    del env["HUB_REDIS_URL"]  # hub up's own embedded Redis: what a web worker's exit used to stop
    hub = HubUp(tmp_path, env=env)
    try:
        hub.wait_line("Hub running at")
        web_worker = wait_for(hub.web_workers, timeout=30, what="gunicorn's workers")[0]
        web_worker.send_signal(signal.SIGTERM)  # a reload, max_requests recycling or a worker timeout
        psutil.wait_procs([web_worker], timeout=30)

        user = make_user("citra", roles=["pembuat_konten"])
        item = approve_item(user, "stub")
        rows = wait_for(
            lambda: (rows := publications(item.id)) and all(p.status == "published" for p in rows) and rows,
            timeout=90,
            what=f"the publication to be published; hub up said:\n{hub.output}",
        )
        assert [svc.count(p.idempotency_key) for p in rows] == [1]
        wait_for(lambda: hub.healthz().status_code == 200, timeout=30, what="/healthz 200 after the drill")
    finally:
        rc = hub.stop()
    assert rc == 0, hub.output
