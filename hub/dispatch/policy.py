"""Dispatch settings and the retry policy: exponential backoff with jitter, Retry-After honoured,
a cap on attempts. Settings come from the app config (``HUB_DISPATCH_*`` or hub.toml)."""

from __future__ import annotations

import datetime as dt
import random

from flask import current_app

from hub.models import Publication, utcnow

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


def backoff_seconds(attempt: int, retry_after: float | None = None, *, rng: random.Random | None = None) -> float:
    """Seconds to wait before the attempt after ``attempt`` (1-based) failed transiently.

    Without ``retry_after``: ``base * 2**(attempt-1)`` capped at ``DISPATCH_RETRY_MAX``, with
    "equal jitter" (a random value between half and all of it) so rows that failed
    together do not all come back together. With ``retry_after`` (the channel's own
    Retry-After / rate-limit reset): that many seconds plus up to 10 % jitter, never less,
    even when it exceeds the cap.
    """
    rng = rng or random
    if retry_after is not None and retry_after >= 0:
        return float(retry_after) + rng.uniform(0, max(1.0, retry_after * 0.1))
    base, cap = setting("DISPATCH_RETRY_BASE"), setting("DISPATCH_RETRY_MAX")
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay / 2 + rng.uniform(0, delay / 2)


def next_attempt_at(attempt: int, retry_after: float | None = None) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=backoff_seconds(attempt, retry_after))


def attempts_left(pub: Publication) -> int:
    """Automatic attempts still allowed (counted from the last manual retry)."""
    return int(setting("DISPATCH_MAX_ATTEMPTS")) - (pub.attempts - (pub.retry_base or 0))
