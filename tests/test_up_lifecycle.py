"""Process lifecycle: worker start/stop time, supervision, healthz liveness, `hub up` drills."""

from __future__ import annotations

import time

from hub.jobs import run_worker


def test_burst_workers_stop_in_seconds_not_a_minute(app):
    """rq unsubscribes, then redis-py joins its pubsub thread: that must never wait out a 60 s poll."""
    durations = []
    for i in range(8):
        started = time.monotonic()
        run_worker(app, burst=True, name=f"cycle-{i}")
        durations.append(time.monotonic() - started)
    print("burst worker start/stop cycles (s):", ", ".join(f"{d:.2f}" for d in durations))
    assert max(durations) < 10, durations
