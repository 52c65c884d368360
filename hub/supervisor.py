"""The process supervisor of ``hub up``: light, so it costs next to nothing while the hub runs.

``hub up`` builds the app only to prepare (embedded Redis, migrations, demo data); then it
replaces itself (``exec``, same pid) with ``python -m hub up --supervise=…``, which runs
:func:`main` here: it imports nothing but the standard library, starts the background workers
and the web server (``hub web``) and watches them. A child that dies is started again after a
back-off (1 s, doubling up to 30 s; reset once it ran a minute), with a log line saying why.
"Hub berjalan di …" is printed once ``/healthz`` answers 200. Ctrl-C (or SIGTERM) stops the
web server, then the workers, then the embedded Redis, each once: nothing is left running.
Children get a parent-death signal, so even a killed ``hub up`` takes them with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request

log = logging.getLogger("hub.up")

PR_SET_PDEATHSIG = 1
#: restart back-off of a dead child: first delay, longest delay, run time that resets it
BACKOFF_FIRST, BACKOFF_MAX, BACKOFF_RESET = 1.0, 30.0, 60.0
#: seconds the web server, then each worker, gets to stop before it is killed
WEB_STOP_TIMEOUT, WORKER_STOP_TIMEOUT = 20, 15
#: the argument that makes ``python -m hub up`` the supervisor (see :mod:`hub.__main__`)
SUPERVISE_ARG = "--supervise="


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


def _echo(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    print(text, file=stream, flush=True)


def _supervise(web: Child, workers: list[Child], *, host: str, port: int, stopping: dict) -> bool:
    """Watch the children until Ctrl-C/SIGTERM; True when the web server could not start at all."""
    probe, announced = _probe_url(host, port), False
    next_probe = 0.0
    while not stopping["requested"]:
        now = time.monotonic()
        if not announced and web.proc.poll() is not None:
            _echo(
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
                _echo(f"Hub berjalan di / Hub running at {url}  (Ctrl-C untuk berhenti / to stop)")
            next_probe = time.monotonic() + 0.5
        time.sleep(0.2)
    return False


def exec_supervisor(env: dict[str, str], **state) -> None:
    """Replace this process (same pid, same output) with the supervisor; never returns."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-m", "hub", "up", SUPERVISE_ARG + json.dumps(state)], env)


def stop_embedded_redis(folder: str) -> None:
    """Stop the embedded Redis ``hub up`` started (found through its pid file) and remove its files."""
    from hub.embedded_redis import EmbeddedRedis

    EmbeddedRedis(folder).stop_by_pidfile()


def main(state_json: str) -> None:
    """Supervise the children described by ``state_json`` (host, port, workers, web_workers, redis_folder)."""
    stopping = {"requested": False}

    def _on_signal(signum, frame):
        stopping["requested"] = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_signal)
    from hub.logging_setup import configure

    configure()  # the hub's one format (text or JSON), as the children write it
    state = json.loads(state_json)
    env = dict(os.environ)
    host, port = state["host"], state["port"]
    children = [
        Child(f"worker {i}", lambda gen, i=i: start_worker_process(env, i, gen)) for i in range(state["workers"])
    ]
    web = Child("web server", lambda gen: start_web_process(env, host=host, port=port, workers=state["web_workers"]))
    failed = False
    try:
        for child in [*children, web]:
            if not stopping["requested"]:
                child.start()
        if not stopping["requested"]:
            failed = _supervise(web, children, host=host, port=port, stopping=stopping)
    finally:
        if web.proc is not None:
            stop_processes([web.proc], timeout=WEB_STOP_TIMEOUT)
        stop_processes([c.proc for c in children if c.proc is not None])
        if state.get("redis_folder"):
            with contextlib.suppress(Exception):
                stop_embedded_redis(state["redis_folder"])
        _echo("Hub berhenti / Hub stopped.")
    if failed:
        sys.exit(1)
