"""Dispatch settings, read from the app config (``HUB_DISPATCH_*`` in the environment or hub.toml)."""

from __future__ import annotations

from flask import current_app

DEFAULTS: dict[str, float] = {
    #: attempts (since the last manual retry) after which a transient failure becomes ``failed``
    "DISPATCH_MAX_ATTEMPTS": 8,
    #: first backoff delay in seconds; doubles each attempt, with jitter
    "DISPATCH_RETRY_BASE": 30,
    #: longest backoff delay in seconds (a Retry-After longer than this is still honoured)
    "DISPATCH_RETRY_MAX": 3600,
    #: seconds a worker's claim on a publication lasts without a heartbeat
    "DISPATCH_LEASE_SECONDS": 90,
    #: seconds between two passes of the maintenance loop (relay + reconciler)
    "DISPATCH_MAINTENANCE_INTERVAL": 15,
    #: seconds a due job may stay in RQ's scheduled registry before the reconciler queues it itself
    "DISPATCH_SCHEDULER_GRACE": 60,
}


def setting(name: str) -> float:
    value = current_app.config.get(name)
    return float(DEFAULTS[name] if value is None else value)
