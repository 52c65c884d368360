"""``hub up``: the whole hub in one command.

Starts (in order) the embedded Redis when no ``HUB_REDIS_URL`` is set, runs the
migrations and loads demo data when asked: the steps that need the app. Then this
process replaces itself (same pid) with the light supervisor of :mod:`hub.supervisor`,
which starts the background workers and the web server (``hub web``), watches them and
stops everything on Ctrl-C: the app this process built is not kept for as long as the
hub runs. A Redis left by a killed run is stopped at the next start.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hub.config import DEFAULTS, validate_connections
from hub.supervisor import (  # noqa: F401 - the names ``hub up``'s process handling always had
    BACKOFF_FIRST,
    BACKOFF_MAX,
    BACKOFF_RESET,
    WEB_STOP_TIMEOUT,
    WORKER_STOP_TIMEOUT,
    Child,
    _supervise,
    exec_supervisor,
    exit_reason,
    start_web_process,
    start_worker_process,
    stop_processes,
)

if TYPE_CHECKING:
    from flask import Flask

    from hub.embedded_redis import EmbeddedRedis

log = logging.getLogger(__name__)


class _Stop(Exception):
    """Ctrl-C or SIGTERM while starting."""


def default_base_url(app: Flask, host: str, port: int) -> str | None:
    """The URL for ``HUB_BASE_URL`` when the operator set none: where ``hub up`` listens."""
    if os.environ.get("HUB_BASE_URL") or app.config.get("BASE_URL") != DEFAULTS["BASE_URL"]:
        return None
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def run_up(app: Flask, *, host: str, port: int, demo: bool, workers: int, web_workers: int) -> None:
    """Prepare (Redis, migrations, demo data), then become the supervisor (never returns on success)."""
    from hub.embedded_redis import EmbeddedRedis
    from hub.migrate import upgrade
    from hub.queue import embedded_socket_path

    redis_server: EmbeddedRedis | None = None
    env = dict(os.environ)
    env.setdefault("HUB_INSTANCE_DIR", app.config["INSTANCE_DIR"])

    def _on_signal(signum, frame):
        raise _Stop()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not app.config.get("REDIS_URL"):
            redis_server = EmbeddedRedis(Path(embedded_socket_path(app)).parent).start()
            app.config["REDIS_URL"] = redis_server.url
            app.extensions.pop("hub.redis", None)
            env["HUB_REDIS_URL"] = redis_server.url
            click.echo(f"Redis tertanam / embedded Redis: {redis_server.url}")
        base_url = default_base_url(app, host, port)
        if base_url:
            app.config["BASE_URL"] = env["HUB_BASE_URL"] = base_url
        validate_connections(app)
        upgrade(app)
        if demo:
            from hub.demo import load_demo

            load_demo(app)
            click.echo("Data demo dimuat / demo data loaded.")
        redis_folder = str(redis_server.folder) if redis_server is not None else None
        exec_supervisor(env, host=host, port=port, workers=workers, web_workers=web_workers, redis_folder=redis_folder)
    except BaseException:
        if redis_server is not None:
            redis_server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        click.echo("Hub berhenti / Hub stopped.")
        if isinstance(sys.exc_info()[1], _Stop):
            return
        raise


def serve(app: Flask | None, *, host: str, port: int, workers: int) -> None:
    """Serve the hub with gunicorn (threaded workers, so long uploads do not block the others).

    With ``app`` (built once, in this process) the web workers are forked from it
    (``preload_app``): they share its memory and start without building their own. With
    ``None`` each worker builds the app after the fork and this master holds none: right for
    a single worker, where a copy in the master would be memory that serves nothing.
    """
    from gunicorn.app.base import BaseApplication

    from hub.access_log import ACCESS_FORMAT

    instance = app.config["INSTANCE_DIR"] if app is not None else _instance_dir()
    control_socket = str(Path(instance) / "gunicorn.ctl")

    _clear_multiprocess_dir()  # PROMETHEUS_MULTIPROC_DIR: counts of an earlier run are not added

    def child_exit(server, worker):  # pragma: no cover - runs in gunicorn's master
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # a dead worker's live gauges go (its counts stay)
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.pid)

    def post_fork(server, worker):  # pragma: no cover - runs in the forked web worker
        # never share the parent's pooled database connections with a child
        from hub.extensions import db

        with app.app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 8)
            self.cfg.set("timeout", 120)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("accesslog", "-")
            self.cfg.set("logger_class", "hub.access_log.AccessLogger")  # no player secrets in the log
            self.cfg.set("access_log_format", ACCESS_FORMAT)
            self.cfg.set("proc_name", "hub-web")
            if "control_socket" in self.cfg.settings:  # gunicorn 25+: one per instance, not ~/.gunicorn
                if len(control_socket) < 100:  # a Unix socket path has at most 107 bytes
                    self.cfg.set("control_socket", control_socket)
                else:
                    self.cfg.set("control_socket_disable", True)
            self.cfg.set("preload_app", app is not None)
            self.cfg.set("child_exit", child_exit)
            if app is not None:
                self.cfg.set("post_fork", post_fork)

        def load(self):
            return app if app is not None else _build_in_worker()

    # gunicorn ends its processes (and its forked workers) with SystemExit: let it through, so
    # nothing after this call ever runs in a worker
    _Server().run()


def _clear_multiprocess_dir() -> None:
    """Empty ``PROMETHEUS_MULTIPROC_DIR`` (see :mod:`hub.metrics`); no Flask imported here."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    os.makedirs(folder, mode=0o700, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.unlink(os.path.join(folder, name))


def _instance_dir() -> str:
    """The instance folder without building an app (``hub up`` always sets ``HUB_INSTANCE_DIR``)."""
    from hub.config import instance_dir, private_folder

    if os.environ.get("HUB_INSTANCE_DIR"):
        return str(private_folder(Path(os.environ["HUB_INSTANCE_DIR"])))
    from flask import Flask

    return str(instance_dir(Flask("hub", instance_relative_config=True)))


def _build_in_worker() -> Flask:  # pragma: no cover - runs in the gunicorn worker
    """The app of a web worker that was not forked from one; a bad setting stops gunicorn."""
    from gunicorn.arbiter import Arbiter

    from hub.app import create_app
    from hub.exceptions import ConfigError, HubError

    try:
        app = create_app()
        validate_connections(app)
    except (ConfigError, HubError) as exc:
        prefix = "pengaturan salah / bad setting: " if isinstance(exc, ConfigError) else ""
        click.echo(f"hub: {prefix}{exc}", err=True)
        raise SystemExit(Arbiter.WORKER_BOOT_ERROR) from exc  # the arbiter stops instead of retrying
    return app
