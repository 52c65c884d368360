"""Start-up: building the app imports no heavy library that only a few requests or jobs use."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = (
    "moviepy",
    "openpyxl",
    "fpdf",
    "tweepy",
    "facebook",
    "PIL",
    "numpy",
    # below: 10-17 MiB each in every process that builds the app, for a few pages or jobs
    "twitter_text",
    "pkg_resources",
    "requests",
    "segno",
    "alembic",
    "mako",
    "pygments",
)

CODE = """
import json, sys
from hub.app import create_app
app = create_app()
app.test_client().get("/healthz")  # what hub up polls, and load balancers after it
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))
"""


def test_create_app_does_not_import_heavy_modules(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_INSTANCE_DIR=str(tmp_path / "instance"),
        HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        HUB_MEDIA_DIR=str(tmp_path / "media"),
    )
    out = subprocess.run(
        [sys.executable, "-c", CODE.format(heavy=set(HEAVY))], env=env, capture_output=True, text=True, check=True
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    # the web process and every worker build the app: these cost memory in each of them
    assert loaded == [], f"create_app() imported {loaded}; import them where they are used"


def test_hub_up_serves_the_app_it_built_to_forked_workers(app, monkeypatch):
    """`hub up` builds the app once; gunicorn forks the web workers from it (``preload_app``)."""
    from gunicorn.app.base import BaseApplication

    from hub.up import serve

    seen = {}

    def run(self):
        seen.update(preload=self.cfg.preload_app, workers=self.cfg.workers, app=self.load())
        self.cfg.post_fork(None, None)  # what each forked worker runs first: drops the inherited pool

    monkeypatch.setattr(BaseApplication, "run", run)
    serve(app, host="127.0.0.1", port=0, workers=1)
    assert seen == {"preload": True, "workers": 1, "app": app}


def test_a_single_web_worker_builds_the_app_and_the_master_holds_none(monkeypatch, tmp_path):
    """With one web worker a copy of the app in gunicorn's master would only cost memory."""
    from gunicorn.app.base import BaseApplication

    from hub.up import serve

    monkeypatch.setenv("HUB_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    monkeypatch.setenv("HUB_REDIS_URL", os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/7"))
    seen = {}

    def run(self):
        seen.update(preload=self.cfg.preload_app, workers=self.cfg.workers)
        seen["app"] = self.load()  # what the worker runs after the fork

    monkeypatch.setattr(BaseApplication, "run", run)
    serve(None, host="127.0.0.1", port=0, workers=1)
    assert seen["preload"] is False and seen["workers"] == 1
    assert seen["app"].name == "hub" and "health.healthz" in seen["app"].view_functions


MASTER_CODE = """
import json, sys
import hub.cli, hub.up, gunicorn.app.base, gunicorn.arbiter
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy', 'hub_social', 'rq'})))
"""


def test_the_processes_that_serve_nothing_import_no_app():
    """`hub up`'s supervisor and a single-worker `hub web` master only start and watch processes."""
    out = subprocess.run([sys.executable, "-c", MASTER_CODE], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    code = "import json, sys; import hub.supervisor; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {m.split(".")[0] for m in json.loads(out.stdout.strip().splitlines()[-1])}
    assert not loaded & {"flask", "click", "sqlalchemy", "redis", "rq", "gunicorn", "pluggy"}, loaded


WORKER_CODE = """
import json, sys
from sqlalchemy import inspect
from hub.app import create_app
from hub.jobs import make_worker
from hub.models import Publication
app = create_app()
before = inspect(Publication).configured
make_worker(app, name="warm-up-test")
print(json.dumps([before, inspect(Publication).configured, "hub.dispatch.jobs" in sys.modules]))
"""


def test_worker_parent_prepares_what_every_forked_job_would_redo(tmp_path):
    """RQ forks each job from the worker: what the parent has not prepared, every job pays for again."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_INSTANCE_DIR=str(tmp_path / "instance"),
        HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        HUB_MEDIA_DIR=str(tmp_path / "media"),
        HUB_REDIS_URL=os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/7"),
    )
    out = subprocess.run([sys.executable, "-c", WORKER_CODE], env=env, capture_output=True, text=True, check=True)
    # create_app may already configure the mappers (it checks every view's permission since the
    # plugin declarations); what matters is that the worker's parent has, before its first fork
    _before, after, jobs_imported = json.loads(out.stdout.strip().splitlines()[-1])
    assert after is True and jobs_imported is True
