"""``hub up``: the whole hub in one command.

Starts (in order) the embedded Redis when no ``HUB_REDIS_URL`` is set, runs the
migrations, loads demo data when asked, then starts background workers and the
gunicorn web server (``hub web``) as child processes and supervises them from this
process: a child that dies is started again after a back-off (1 s, doubling up to
30 s; reset once it ran a minute), with a log line saying why. "Hub berjalan di …"
is printed once ``/healthz`` answers 200. Ctrl-C (or SIGTERM) stops the web server,
then the workers, then Redis, each once: nothing is left running. The clean-up runs
only here, never in a forked gunicorn worker. Children get a parent-death signal,
so even a killed ``hub up`` takes them with it; a Redis left by a killed run is
stopped at the next start.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
from flask import Flask

from hub.config import DEFAULTS, validate_connections
from hub.embedded_redis import EmbeddedRedis
from hub.migrate import upgrade
from hub.queue import embedded_socket_path

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
#: restart back-off of a dead child: first delay, longest delay, run time that resets it
BACKOFF_FIRST, BACKOFF_MAX, BACKOFF_RESET = 1.0, 30.0, 60.0
#: seconds the web server, then each worker, gets to stop before it is killed
WEB_STOP_TIMEOUT, WORKER_STOP_TIMEOUT = 20, 15


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
    # leave the terminal's process group so a Ctrl-C reaches only `hub up`, which stops us in order
    os.setpgrp()


def start_worker_process(env: dict[str, str], index: int, generation: int = 0) -> subprocess.Popen:
    name = f"hub-up-{os.getpid()}-{index}" + (f"-r{generation}" if generation else "")
    return subprocess.Popen(
        [sys.executable, "-m", "hub", "worker", "--name", name],
        env=env,
        preexec_fn=_die_with_parent,
    )


def start_web_process(env: dict[str, str], *, host: str, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hub", "web", "--host", host, "--port", str(port), "--workers", str(workers)],
        env=env,
        preexec_fn=_die_with_parent,
    )


def stop_processes(procs: list[subprocess.Popen], timeout: float = WORKER_STOP_TIMEOUT) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # RQ: finish the current job, then stop; gunicorn: graceful
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def exit_reason(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with code {returncode}"


class Child:
    """One supervised process: started again after a back-off when it dies."""

    def __init__(self, label: str, start):
        self.label, self._start = label, start
        self.proc: subprocess.Popen | None = None
        self.generation = 0
        self.started_at = 0.0
        self.backoff = BACKOFF_FIRST
        self.restart_at: float | None = None

    def start(self) -> None:
        self.proc = self._start(self.generation)
        self.started_at = time.monotonic()
        self.restart_at = None

    def check(self, now: float) -> None:
        """Notice a death (log why, schedule the restart) or start again when the back-off is over."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.generation += 1
                log.warning("starting %s again", self.label)
                self.start()
            return
        if self.proc is None or self.proc.poll() is None:
            return
        if now - self.started_at >= BACKOFF_RESET:
            self.backoff = BACKOFF_FIRST
        log.warning(
            "%s (pid %d) %s; starting it again in %.0f s",
            self.label,
            self.proc.pid,
            exit_reason(self.proc.returncode),
            self.backoff,
        )
        self.restart_at = now + self.backoff
        self.backoff = min(self.backoff * 2, BACKOFF_MAX)


class _Stop(Exception):
    """Ctrl-C or SIGTERM while starting."""


def _probe_url(host: str, port: int) -> str:
    probe = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in probe and not probe.startswith("["):
        probe = f"[{probe}]"
    return f"http://{probe}:{port}/healthz"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own server
            return resp.status == 200
    except Exception:  # noqa: BLE001 - not up yet (503, refused, timeout)
        return False


def default_base_url(app: Flask, host: str, port: int) -> str | None:
    """The URL for ``HUB_BASE_URL`` when the operator set none: where ``hub up`` listens."""
    if os.environ.get("HUB_BASE_URL") or app.config.get("BASE_URL") != DEFAULTS["BASE_URL"]:
        return None
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def run_up(app: Flask, *, host: str, port: int, demo: bool, workers: int, web_workers: int) -> None:
    owner = os.getpid()
    redis_server: EmbeddedRedis | None = None
    web: Child | None = None
    children: list[Child] = []
    env = dict(os.environ)
    env.setdefault("HUB_INSTANCE_DIR", app.config["INSTANCE_DIR"])
    stopping = {"requested": False, "starting": True}

    def _on_signal(signum, frame):
        stopping["requested"] = True
        if stopping["starting"]:
            raise _Stop()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    failed = False
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
        for i in range(workers):
            children.append(Child(f"worker {i}", lambda gen, i=i: start_worker_process(env, i, gen)))
        web = Child("web server", lambda gen: start_web_process(env, host=host, port=port, workers=web_workers))
        for child in [*children, web]:
            child.start()
        stopping["starting"] = False
        failed = _supervise(web, children, host=host, port=port, stopping=stopping)
    except _Stop:
        pass
    finally:
        if os.getpid() == owner:  # never in a forked child
            stopping["starting"] = False
            if web is not None and web.proc is not None:
                stop_processes([web.proc], timeout=WEB_STOP_TIMEOUT)
            stop_processes([c.proc for c in children if c.proc is not None])
            if redis_server is not None:
                redis_server.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            click.echo("Hub berhenti / Hub stopped.")
    if failed:
        sys.exit(1)


def _supervise(web: Child, workers: list[Child], *, host: str, port: int, stopping: dict) -> bool:
    """Watch the children until Ctrl-C/SIGTERM; True when the web server could not start at all."""
    probe, announced = _probe_url(host, port), False
    next_probe = 0.0
    while not stopping["requested"]:
        now = time.monotonic()
        if not announced and web.proc.poll() is not None:
            click.echo(
                f"hub: server web gagal mulai ({exit_reason(web.proc.returncode)}); cek port {port} / "
                f"the web server did not start ({exit_reason(web.proc.returncode)}); is port {port} free?",
                err=True,
            )
            return True
        for child in [web, *workers]:
            child.check(now)
        if not announced and now >= next_probe:
            if _healthy(probe):
                announced = True
                url = f"http://{host}:{port}"
                click.echo(f"Hub berjalan di / Hub running at {url}  (Ctrl-C untuk berhenti / to stop)")
            next_probe = time.monotonic() + 0.5
        time.sleep(0.2)
    return False


def serve(app: Flask, *, host: str, port: int, workers: int) -> None:
    """Serve ``app`` with gunicorn (threaded workers, so long uploads do not block the others).

    The app is built once, here, and the web workers are forked from it (``preload_app``):
    they share its memory and start without building their own.
    """
    from gunicorn.app.base import BaseApplication

    control_socket = str(Path(app.config["INSTANCE_DIR"]) / "gunicorn.ctl")

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
            self.cfg.set("logger_class", "hub.access_log.AccessLogger")  # no player secrets in the log
            self.cfg.set("proc_name", "hub-web")
            if "control_socket" in self.cfg.settings:  # gunicorn 25+: one per instance, not ~/.gunicorn
                if len(control_socket) < 100:  # a Unix socket path has at most 107 bytes
                    self.cfg.set("control_socket", control_socket)
                else:
                    self.cfg.set("control_socket_disable", True)
            self.cfg.set("preload_app", True)
            self.cfg.set("post_fork", post_fork)

        def load(self):
            return app

    # gunicorn ends its processes (and its forked workers) with SystemExit: let it through, so
    # nothing after this call ever runs in a worker
    _Server().run()
