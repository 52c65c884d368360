"""What players report (heartbeats, proof of play) and the watch for silent screens.

A screen is *online* while its last heartbeat is younger than ``offline_after_seconds``. When
it has been silent longer than ``alert_after_minutes`` (and it has a player secret, so it could
report), the watch opens an incident against it and alerts the videotron admins and technicians,
once per silence; the next heartbeat marks the incident recovered (a person still records how
it was resolved). The watch runs as a background job every minute, kept alive by the players'
heartbeats, and from ``hub videotron check``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from hub_videotron.config import now, setting
from hub_videotron.models import PlaylistEntry, Screen
from hub_videotron.records import Heartbeat, Incident, IncidentStatus, PlayRecord
from hub_videotron.screens import has_live_token, is_online, silent_since

from hub.sdk import db, utcnow

log = logging.getLogger(__name__)

#: heartbeats closer together than this update the screen but add no row
HEARTBEAT_ROW_EVERY = dt.timedelta(seconds=5)
MAX_PLAYS_PER_REPORT = 500
_INFO_KEYS = ("version", "cached", "queued_plays", "cache_supported", "playing_since")


def record_heartbeat(screen: Screen, payload: dict, user_agent: str = "", at: dt.datetime | None = None) -> None:
    at = at or now()
    previous = screen.last_seen_at
    screen.last_seen_at = at
    entry_id = payload.get("now_playing")
    entry = db.session.get(PlaylistEntry, entry_id) if isinstance(entry_id, int) else None
    screen.now_playing_item_id = entry.item_id if entry is not None and entry.screen_id == screen.id else None
    error = str(payload.get("error") or "").strip()[:1000] or None
    if error and error != screen.last_error:
        screen.last_error, screen.last_error_at = error, at
    info = {k: payload[k] for k in _INFO_KEYS if isinstance(payload.get(k), str | int | float | bool)}
    screen.player_info = {**info, "user_agent": user_agent[:300]}
    screen.silence_alerted_at = None
    if previous is None or at - previous >= HEARTBEAT_ROW_EVERY:
        db.session.add(
            Heartbeat(screen_id=screen.id, received_at=at, now_playing_item_id=screen.now_playing_item_id, error=error)
        )
    for incident in open_silence_incidents(screen):
        incident.recovered_at = at


def _parse_time(value) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def record_plays(screen: Screen, plays: list, at: dt.datetime | None = None) -> tuple[list[str], list[dict]]:
    """Store the player's proof-of-play reports; returns (accepted ids, rejected ids with the reason).

    A report already stored (same ``id`` from the same screen) is accepted again without a
    second row, so a player may resend its queue safely.
    """
    at = at or now()
    accepted: list[str] = []
    rejected: list[dict] = []
    valid: dict[str, dict] = {}
    for play in plays[:MAX_PLAYS_PER_REPORT]:
        play = play if isinstance(play, dict) else {}
        pid = str(play.get("id") or "")
        try:
            pid = str(uuid.UUID(pid))
        except ValueError:
            rejected.append({"id": pid[:40], "reason": "bad_id"})
            continue
        started, ended = _parse_time(play.get("started_at")), _parse_time(play.get("ended_at"))
        if started is None or ended is None or ended < started or started > at + dt.timedelta(minutes=10):
            rejected.append({"id": pid, "reason": "bad_time"})
            continue
        valid[pid] = {**play, "started": started, "ended": ended}
    entry_ids = {p.get("entry_id") for p in valid.values() if isinstance(p.get("entry_id"), int)}
    entries = {
        e.id: e
        for e in db.session.scalars(
            db.select(PlaylistEntry).where(PlaylistEntry.id.in_(entry_ids), PlaylistEntry.screen_id == screen.id)
        )
    }
    known = set(
        db.session.scalars(
            db.select(PlayRecord.play_uuid).where(PlayRecord.screen_id == screen.id, PlayRecord.play_uuid.in_(valid))
        )
    )
    for pid, play in valid.items():
        entry = entries.get(play.get("entry_id"))
        if entry is None:
            rejected.append({"id": pid, "reason": "unknown_entry"})
            continue
        accepted.append(pid)
        if pid in known:
            continue
        try:
            seconds = float(play.get("duration"))
        except (TypeError, ValueError):
            seconds = (play["ended"] - play["started"]).total_seconds()
        db.session.add(
            PlayRecord(
                screen_id=screen.id,
                entry_id=entry.id,
                item_id=entry.item_id,
                item_title=entry.item.title[:300],
                play_uuid=pid,
                started_at=play["started"],
                ended_at=play["ended"],
                duration=max(0.0, min(seconds, 3600.0)),
                completed=bool(play.get("completed", True)),
                received_at=at,
            )
        )
    return accepted, rejected


def open_silence_incidents(screen: Screen) -> list[Incident]:
    return list(
        db.session.scalars(
            db.select(Incident).where(
                Incident.screen_id == screen.id,
                Incident.kind == "offline",
                Incident.status == IncidentStatus.OPEN.value,
                Incident.recovered_at.is_(None),
            )
        )
    )


def check_screens(at: dt.datetime | None = None) -> list[Incident]:
    """Open an incident (and alert) for each screen silent longer than ``alert_after_minutes``.

    Commits. Returns the incidents opened by this pass (a silence is alerted once).
    """
    from hub_videotron.alerts import send_silence_alert

    at = at or now()
    limit = dt.timedelta(minutes=int(setting("alert_after_minutes")))
    opened: list[Incident] = []
    screens = db.session.scalars(
        db.select(Screen).where(Screen.active.is_(True), Screen.silence_alerted_at.is_(None)).order_by(Screen.id)
    ).all()
    for screen in screens:
        since = silent_since(screen)
        if at - since < limit or not has_live_token(screen):
            continue
        screen.silence_alerted_at = at
        incident = next(iter(open_silence_incidents(screen)), None)
        if incident is None:
            incident = Incident(
                screen_id=screen.id,
                kind="offline",
                title="Layar tidak melapor",  # the pages show title_in(): the moment in the reader's words
                silent_since=since,
                opened_at=at,
            )
            db.session.add(incident)
            opened.append(incident)
    db.session.commit()
    for incident in opened:
        send_silence_alert(incident)
    return opened


def prune_heartbeats(at: dt.datetime | None = None) -> int:
    """Delete heartbeats older than ``heartbeat_retention_days``."""
    cutoff = (at or utcnow()) - dt.timedelta(days=int(setting("heartbeat_retention_days")))
    result = db.session.execute(db.delete(Heartbeat).where(Heartbeat.received_at < cutoff))
    db.session.commit()
    return result.rowcount or 0


def screen_states(at=None) -> list[dict]:
    """Each active screen with what the monitor shows: online, offline since, now playing, last error."""
    at = at or now()
    open_counts = dict(
        db.session.execute(
            db.select(Incident.screen_id, db.func.count(Incident.id))
            .where(Incident.status == IncidentStatus.OPEN.value)
            .group_by(Incident.screen_id)
        ).all()
    )
    rows = []
    for screen in db.session.scalars(db.select(Screen).where(Screen.active.is_(True)).order_by(Screen.name)):
        online = is_online(screen, at)
        rows.append(
            {
                "screen": screen,
                "online": online,
                "never": screen.last_seen_at is None,
                "offline_since": None if online else silent_since(screen),
                "playing": screen.now_playing if online else None,
                "open_incidents": open_counts.get(screen.id, 0),
                "has_link": has_live_token(screen),
            }
        )
    return rows
