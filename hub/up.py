"""``hub up``: the whole hub in one command.

Starts (in order) the embedded Redis when no ``HUB_REDIS_URL`` is set, runs the
migrations, loads demo data when asked, starts background workers as child
processes, and serves the web app with gunicorn in this process. Ctrl-C (or
SIGTERM) stops the web server, then the workers, then Redis: nothing is left
running. Workers are started with a parent-death signal, so even a killed
``hub up`` takes them with it; a Redis left by a killed run is stopped at the
next start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask

from hub.config import validate_connections
from hub.embedded_redis import EmbeddedRedis
from hub.migrate import upgrade
from hub.queue import embedded_socket_path

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
    # leave the terminal's process group so a Ctrl-C reaches only `hub up`, which stops us in order
    os.setpgrp()


def start_worker_process(env: dict[str, str], index: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hub", "worker", "--name", f"hub-up-{os.getpid()}-{index}"],
        env=env,
        preexec_fn=_die_with_parent,
    )


def stop_processes(procs: list[subprocess.Popen], timeout: float = 15) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # RQ: finish the current job, then stop
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_up(app: Flask, *, host: str, port: int, demo: bool, workers: int, web_workers: int) -> None:
    redis_server: EmbeddedRedis | None = None
    procs: list[subprocess.Popen] = []
    env = dict(os.environ)
    env.setdefault("HUB_INSTANCE_DIR", app.config["INSTANCE_DIR"])
    try:
        if not app.config.get("REDIS_URL"):
            redis_server = EmbeddedRedis(Path(embedded_socket_path(app)).parent).start()
            app.config["REDIS_URL"] = redis_server.url
            app.extensions.pop("hub.redis", None)
            env["HUB_REDIS_URL"] = redis_server.url
            os.environ["HUB_REDIS_URL"] = redis_server.url  # for the web processes
            click.echo(f"Redis tertanam / embedded Redis: {redis_server.url}")
        validate_connections(app)
        upgrade(app)
        if demo:
            from hub.demo import load_demo

            load_demo(app)
            click.echo("Data demo dimuat / demo data loaded.")
        for i in range(workers):
            procs.append(start_worker_process(env, i))
        url = f"http://{host}:{port}"
        click.echo(f"Hub berjalan di / Hub running at {url}  (Ctrl-C untuk berhenti / to stop)")
        serve(app, host=host, port=port, workers=web_workers)
    finally:
        stop_processes(procs)
        if redis_server is not None:
            redis_server.stop()
        click.echo("Hub berhenti / Hub stopped.")


def serve(app: Flask, *, host: str, port: int, workers: int) -> None:
    """Serve ``app`` with gunicorn (threaded workers, so long uploads do not block the others).

    The app is built once, here, and the web workers are forked from it (``preload_app``):
    they share its memory and start without building their own.
    """
    from gunicorn.app.base import BaseApplication

    from hub.extensions import db

    def post_fork(server, worker):  # pragma: no cover - runs in the forked web worker
        # never share the parent's pooled database connections with a child
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
            self.cfg.set("proc_name", "hub-web")
            self.cfg.set("preload_app", True)
            self.cfg.set("post_fork", post_fork)

        def load(self):
            return app

    try:
        _Server().run()
    except SystemExit as exc:  # gunicorn exits the process when it stops; we still clean up
        if exc.code not in (0, None):
            raise
