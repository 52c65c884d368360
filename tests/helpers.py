"""Small helpers shared by tests (processes, ports, polling)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - keep polling, report the last one
            last_exc = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_exc!r})")


def hub_env(app, **extra) -> dict[str, str]:
    """Environment for a ``hub`` subprocess that uses the same database, Redis and queue as ``app``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        {
            "HUB_DATABASE_URL": app.config["DATABASE_URL"],
            "HUB_REDIS_URL": app.config["REDIS_URL"],
            "HUB_MEDIA_DIR": app.config["MEDIA_DIR"],
            "HUB_SECRET_KEY": app.config["SECRET_KEY"],
            "HUB_QUEUE_NAME": app.config["QUEUE_NAME"],
            "HUB_INSTANCE_DIR": os.environ.get("HUB_INSTANCE_DIR", ""),
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start_hub(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hub", *args], env=env, **kwargs)
