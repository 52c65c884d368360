"""Alerts to people, and the background watch that raises them.

A silent screen alerts every active videotron admin and technician (roles ``admin_videotron``
and ``teknisi``) through the hub's notifications (in-app, and e-mail when SMTP is set up);
:func:`notify_users` is the one place a message leaves the plugin. The incident itself is
always recorded on the screen.

The watch (:func:`watch_screens`) is an RQ job that checks the screens and schedules its own
next run a minute later. Job ids are per minute and unique, so two chains never run side by
side; :func:`ensure_watch` (called on heartbeats, on the monitor page and on the dashboards of
the people who monitor screens) starts a chain when
none has run recently, e.g. after Redis was emptied.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from hub_videotron.records import Incident

from hub.sdk import User, UserRole, db, job, utcnow

ALERT_ROLES = ("admin_videotron", "teknisi")
WATCH_EVERY = dt.timedelta(seconds=60)
_WATCH_KEY = "videotron:watch"


def recipients() -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(ALERT_ROLES), User.is_active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def notify_users(users: list[User], *, kind: str, title: tuple[str, str], body: tuple[str, str], url: str) -> int:
    """Hand one message to the hub's notifications (in-app, and e-mail when SMTP is configured); commits."""
    from hub.sdk import notify

    rows = notify(users, kind, title_id=title[0], title_en=title[1], body_id=body[0], body_en=body[1], url=url)
    db.session.commit()
    return len(rows)


def send_silence_alert(incident: Incident) -> int:
    from hub_videotron.screens import screen_zone, silent_since

    from hub.sdk import format_moment

    screen = incident.screen
    moment, zone = silent_since(screen), screen_zone(screen)
    since_id, since_en = format_moment(moment, zone, "id", "long"), format_moment(moment, zone, "en", "long")
    url = f"/videotron/screens/{screen.id}"
    place = screen.location or screen.city
    return notify_users(
        recipients(),
        kind="videotron_silent",
        title=(f"Videotron {screen.name} tidak melapor", f"Videotron {screen.name} is silent"),
        body=(
            f"Tidak ada laporan sejak {since_id}. Periksa listrik, jaringan dan komputer pemutar di {place}, "
            "lalu catat penyelesaiannya pada insiden.",
            f"No report since {since_en}. Check the power, the network and the player PC at {place}, "
            "then record the resolution on the incident.",
        ),
        url=url,
    )


# --- the watch ----------------------------------------------------------------------------------


def _slot_id(at: dt.datetime) -> str:
    return f"videotron-watch-{int(at.timestamp()) // int(WATCH_EVERY.total_seconds())}"


def schedule_watch(at: dt.datetime) -> bool:
    """Schedule the watch at ``at`` unless that minute's run is already there."""
    from rq.exceptions import DuplicateJobError

    from hub.sdk import enqueue, redis_connection

    try:
        enqueue(watch_screens, job_id=_slot_id(at), at=at, unique=True, result_ttl=600, failure_ttl=86400)
    except DuplicateJobError:
        return False
    redis_connection().set(_WATCH_KEY, at.isoformat(), ex=int(WATCH_EVERY.total_seconds()) * 3)
    return True


def ensure_watch() -> None:
    """Start the watch's chain when no run was scheduled lately (never fails the caller)."""
    try:
        from hub.sdk import redis_connection

        if redis_connection().get(_WATCH_KEY) is None:
            schedule_watch(utcnow() + dt.timedelta(seconds=5))
    except Exception as exc:  # noqa: BLE001 - a heartbeat must not fail because Redis is away
        current_app.logger.warning("videotron: cannot schedule the screen watch: %s", exc)


@job
def watch_screens() -> int:
    """Check the screens, prune old heartbeats, and schedule the next run."""
    from hub_videotron.monitor import check_screens, prune_heartbeats

    try:
        opened = check_screens()
        prune_heartbeats()
    finally:
        schedule_watch(utcnow() + WATCH_EVERY)
    return len(opened)
