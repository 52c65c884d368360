"""Taking over RQ's scheduler when the process holding it died.

RQ moves due jobs from the scheduled registry to the queue in one scheduler process per
queue: the one holding ``rq:scheduler-lock:<queue>`` (it beats every second). When that
process is killed, its lock outlives it by a minute and the surviving workers only try
to start a scheduler at their next RQ maintenance (every 10 minutes): overdue alerts,
escalations, the screens' silence watch, retention and retries with a Retry-After
would all wait.

:func:`take_over_if_dead` runs in every maintenance pass (every
``DISPATCH_MAINTENANCE_INTERVAL`` seconds): when no live scheduler holds the lock (none,
or its holder's last heartbeat is older than :data:`STALE_SECONDS`, or its process on
this machine is gone), it takes the lock, moves every due job to the queue, and lets the
lock go again so a real scheduler can take it. A due job therefore runs within about
one pass of its time after any single process dies.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler
from rq.scripts import release_lock
from rq.utils import utcparse

from hub.models import utcnow
from hub.queue import get_queue, redis_connection

log = logging.getLogger(__name__)

#: seconds without a heartbeat after which a scheduler is taken for dead (RQ's beats every second)
STALE_SECONDS = 10

# delete the lock only while it still names the dead holder (another process may have taken it)
_DELETE_IF_HOLDER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child not yet reaped by its (busy) parent is a zombie: dead
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def holder_is_alive(name: str, *, now: dt.datetime | None = None) -> bool:
    """True while scheduler ``name`` beats and (on this machine) its process exists."""
    raw = redis_connection().hmget(SCHEDULER_KEY_TEMPLATE % name, "last_heartbeat", "pid", "hostname")
    beat, pid, host = (v.decode() if isinstance(v, bytes) else v for v in raw)
    if not beat:
        return False
    if ((now or utcnow()) - utcparse(beat)).total_seconds() > STALE_SECONDS:
        return False
    if host == socket.gethostname() and pid and int(pid) > 0 and not _pid_alive(int(pid)):
        return False
    return True


def take_over_if_dead(name: str = "hub-maintenance") -> int | None:
    """Move due scheduled jobs to the queue unless a live RQ scheduler holds the lock.

    Returns how many jobs were moved, or None when a live scheduler is in charge.
    """
    conn = redis_connection()
    queue = get_queue()
    lock_key = RQScheduler.get_locking_key(queue.name)
    holder = conn.get(lock_key)
    holder = holder.decode() if isinstance(holder, bytes) else holder
    if holder and holder != name:
        if holder_is_alive(holder):
            return None
        if conn.eval(_DELETE_IF_HOLDER, 1, lock_key, holder):
            log.warning("RQ scheduler %s stopped beating; taking over its scheduled jobs", holder)
    if not conn.set(lock_key, name, nx=True, ex=60):
        return None  # a scheduler started just now
    try:
        registry = queue.scheduled_job_registry
        due = registry.get_jobs_to_schedule()
        if due:
            scheduler = RQScheduler([queue], connection=conn, name=name)
            scheduler._acquired_locks = {queue.name}
            scheduler.enqueue_scheduled_jobs()
            log.info("moved %d due scheduled job(s) to the queue %s", len(due), queue.name)
        return len(due)
    finally:
        release_lock(conn, lock_key, name)
