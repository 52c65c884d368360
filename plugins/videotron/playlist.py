"""Playlists: publishing puts an item on its screens for its window; the query filters by time.

``publish`` writes one :class:`PlaylistEntry` per target screen (once per publication: a retry
finds them and changes nothing; an approved revision that changed the video, the screens, the
window or the order updates them in place and takes them off screens no longer targeted).
Nothing removes an entry when its window ends: the playlist of a screen at a moment is the
entries whose window and dayparts hold that moment. ``unpublish`` marks the entries removed
at once.

Order: urgent (serta-merta) first, then priority (1 = highest), then the nearest event date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from flask import current_app, url_for
from hub_videotron.checks import main_video
from hub_videotron.config import now, setting
from hub_videotron.declarations import urgent
from hub_videotron.models import PlaylistEntry, Screen
from hub_videotron.schedule import display_window, in_dayparts, parse_dayparts
from hub_videotron.screens import channel_options, hash_token, resolve_targets, screen_zone
from sqlalchemy.orm import joinedload, lazyload

from hub.sdk import AssetStatus, Item, PermanentPublishError, Publication, PublishResult, db

#: how far ahead the player is told about entries, so it can start them on time while offline
LOOKAHEAD = dt.timedelta(hours=24)


def _refuse(msg_id: str, msg_en: str) -> PermanentPublishError:
    return PermanentPublishError(msg_id, message_en=msg_en)


def entries_of(publication: Publication) -> list[PlaylistEntry]:
    return list(
        db.session.scalars(
            db.select(PlaylistEntry).where(PlaylistEntry.publication_id == publication.id).order_by(PlaylistEntry.id)
        )
    )


def publish(publication: Publication, item: Item) -> PublishResult:
    """Put ``item`` on the playlists of its target screens for its display window (idempotent)."""
    entries = entries_of(publication)
    live = [e for e in entries if e.removed_at is None]
    if not entries:
        entries = _write_entries(publication, item, [])
    elif live and _outdated(live, item):
        # an approved revision changed the video, the screens, the window or the order
        entries = _write_entries(publication, item, entries)
    codes = [e.screen.code for e in entries]
    publication.state = {**(publication.state or {}), "screens": codes}
    base = current_app.config["BASE_URL"].rstrip("/")
    return PublishResult(
        remote_id=f"videotron-{publication.id}",
        remote_url=f"{base}/videotron/items/{item.id}",
        details={
            "screens": codes,
            "starts_at": entries[0].starts_at.isoformat(),
            "ends_at": entries[0].ends_at.isoformat(),
        },
    )


def _outdated(entries: list[PlaylistEntry], item: Item) -> bool:
    """True when the item (an approved revision) no longer matches what its entries show."""
    asset = main_video(item)
    window = display_window(item)
    first = entries[0]
    screens = {s.id for s in resolve_targets(channel_options(item)).screens}
    return (
        asset is None
        or first.asset_id != asset.id
        or {e.screen_id for e in entries} != screens
        or window is None
        or (first.starts_at, first.ends_at) != (window.start, window.end)
        or (first.priority, first.urgent, first.event_date) != (item.priority, urgent(item), item.event_date)
        or (first.dayparts or []) != (channel_options(item).get("dayparts") or [])
    )


def _write_entries(publication: Publication, item: Item, existing: list[PlaylistEntry]) -> list[PlaylistEntry]:
    """One entry per target screen, as the item is now: ``existing`` entries (one per screen and
    publication) are updated in place, those of screens no longer targeted are taken off."""
    asset = main_video(item)
    if asset is None or asset.kind != "video" or asset.status != AssetStatus.READY.value:
        raise _refuse("Konten tidak memiliki video yang siap tayang.", "The item has no video ready to show.")
    window = display_window(item)
    if window is None or window.end <= window.start:
        raise _refuse("Konten tidak memiliki masa tayang yang sah.", "The item has no valid display window.")
    if window.end <= now():
        raise _refuse(
            f"Masa tayang sudah berakhir ({window.end:%Y-%m-%d %H:%M} UTC); tidak ada yang ditayangkan.",
            f"The display window ended at {window.end:%Y-%m-%d %H:%M} UTC; nothing was put on screen.",
        )
    options = channel_options(item)
    try:
        dayparts = options.get("dayparts") or []
        parse_dayparts(dayparts)
    except ValueError as exc:
        raise _refuse(f"Jam tayang tidak valid: {exc}.", f"The showing hours are not valid: {exc}.") from exc
    targets = resolve_targets(options)
    if not targets.screens:
        raise _refuse("Tidak ada layar aktif yang dituju.", "No active target screen was chosen.")
    # the item's display period is the one it got: the media area's retention deletes its files
    # MEDIA_RETENTION_DAYS after it ends (SOP 000: the agency keeps no file after the period)
    item.window_start = item.window_start or window.start
    item.window_end = item.window_end or window.end
    by_screen = {e.screen_id: e for e in existing}
    entries = []
    for screen in targets.screens:
        entry = by_screen.pop(screen.id, None)
        if entry is None:
            entry = PlaylistEntry(screen=screen, item_id=item.id, publication_id=publication.id)
            db.session.add(entry)
        entry.asset_id, entry.duration = asset.id, asset.duration
        entry.starts_at, entry.ends_at, entry.dayparts = window.start, window.end, dayparts
        entry.priority, entry.urgent, entry.event_date = item.priority, urgent(item), item.event_date
        entry.removed_at = None
        entries.append(entry)
    for gone in by_screen.values():  # screens the revision no longer targets
        if gone.removed_at is None:
            gone.removed_at = now()
    db.session.flush()
    return entries


def unpublish(publication: Publication) -> bool:
    """Take the publication's entries off every screen now."""
    for entry in entries_of(publication):
        if entry.removed_at is None:
            entry.removed_at = now()
    db.session.flush()
    return True


# --- the playlist query ------------------------------------------------------------------------


def _sort_key(entry: PlaylistEntry):
    return (not entry.urgent, entry.priority, entry.event_date or dt.date.max, entry.id)


def _live_entries(screen: Screen, start: dt.datetime, end: dt.datetime) -> list[PlaylistEntry]:
    """Entries of ``screen`` not removed whose window overlaps [start, end] and whose video is there.

    One statement: each entry comes with its video and its item (the item's own collections stay lazy).
    """
    rows = db.session.scalars(
        db.select(PlaylistEntry)
        .where(
            PlaylistEntry.screen_id == screen.id,
            PlaylistEntry.removed_at.is_(None),
            PlaylistEntry.starts_at <= end,
            PlaylistEntry.ends_at > start,
        )
        .options(
            joinedload(PlaylistEntry.asset),
            joinedload(PlaylistEntry.item).options(lazyload(Item.channels), lazyload(Item.assets)),
        )
        .order_by(PlaylistEntry.id)
    ).all()
    return sorted((e for e in rows if e.asset.stored_name and e.asset.status == AssetStatus.READY.value), key=_sort_key)


def _playing(entries: list[PlaylistEntry], at: dt.datetime, zone) -> list[PlaylistEntry]:
    return [e for e in entries if e.starts_at <= at and in_dayparts(e.dayparts, at, zone)]


def playlist_for(screen: Screen, at: dt.datetime | None = None) -> list[PlaylistEntry]:
    """What ``screen`` plays at ``at`` (default: now), in playing order."""
    at = at or now()
    return _playing(_live_entries(screen, at, at), at, screen_zone(screen))


def _next_daypart_edge(dayparts: list, at: dt.datetime, zone) -> dt.datetime | None:
    """The first start or end of one of ``dayparts`` (in ``zone``) after ``at``."""
    local = at.astimezone(zone)
    edges = []
    for start, end in parse_dayparts(dayparts):
        for moment in (start, end):
            for days in (0, 1, 2):  # 2: a day that lost an hour to daylight saving
                day = local.date() + dt.timedelta(days=days)
                edge = dt.datetime.combine(day, moment, tzinfo=zone).astimezone(dt.UTC)
                if edge > at:
                    edges.append(edge)
                    break
    return min(edges, default=None)


def _holds_until(screen: Screen, entries: list[PlaylistEntry], at: dt.datetime, zone) -> dt.datetime:
    """Until when the feed built at ``at`` from ``entries`` stays the same as time passes: the next
    start or end of an entry's window or daypart, or the moment the next later entry comes within
    the look-ahead."""
    edges = [at + LOOKAHEAD]
    for e in entries:
        edges.append(e.ends_at)
        if e.starts_at > at:
            edges.append(e.starts_at)
        if e.dayparts:
            edges.append(_next_daypart_edge(e.dayparts, at, zone))
    later = db.session.scalar(
        db.select(db.func.min(PlaylistEntry.starts_at)).where(
            PlaylistEntry.screen_id == screen.id,
            PlaylistEntry.removed_at.is_(None),
            PlaylistEntry.starts_at > at + LOOKAHEAD,
        )
    )
    if later is not None:
        edges.append(later - LOOKAHEAD)
    return min(e for e in edges if e is not None)


@dataclass(frozen=True)
class BuiltFeed:
    version: int
    built_at: dt.datetime
    holds_until: dt.datetime
    body: dict
    etag: str

    def holds(self, screen: Screen, at: dt.datetime) -> bool:
        return self.version == screen.feed_version and self.built_at <= at < self.holds_until


#: the built feeds of this process, per (screen, token hash); see :func:`cached_feed`
CACHE_KEY = "videotron.feeds"
CACHE_SIZE = 4096


def cached_feed(screen: Screen, token: str, at: dt.datetime | None = None) -> BuiltFeed:
    """The screen's feed, built at most once per feed version and time span (see :func:`feed`).

    Answering a poll whose ETag matches costs the token's lookup only: no entry is read.
    """
    at = at or now()
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (screen.id, hash_token(token))
    built = cache.get(key)
    if built is None or not built.holds(screen, at):
        version = screen.feed_version
        body, etag, holds_until = _build(screen, token, at)
        built = BuiltFeed(version, at, holds_until, body, etag)
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = built
    return built


#: the statement of :func:`unchanged_etag`, built once (on the tables: no ORM work per poll)
_UNCHANGED = None


def unchanged_etag(token: str, etags, at: dt.datetime) -> str | None:
    """The ETag a player already holds when its feed has not changed, else None.

    The poll of an unchanged feed (nearly every poll): one statement of four columns, no ORM
    object, and this process's built feed. None sends the caller the full way (an unknown,
    revoked or switched-off screen, a feed not built here yet, changed or out of its span).
    """
    global _UNCHANGED

    if not etags or not token or len(token) > 100:
        return None
    cache = current_app.extensions.get(CACHE_KEY)
    if not cache:
        return None
    if _UNCHANGED is None:  # building a statement costs more than the database's answer
        from hub_videotron.models import ScreenToken

        tokens, screens = ScreenToken.__table__.c, Screen.__table__.c
        _UNCHANGED = (
            db.select(tokens.screen_id, tokens.revoked_at, screens.active, screens.feed_version)
            .join_from(ScreenToken.__table__, Screen.__table__, screens.id == tokens.screen_id)
            .where(tokens.token_hash == db.bindparam("digest"))
        )
    digest = hash_token(token)
    # a connection of the pool, not the session, in autocommit: no ORM object, no transaction to
    # open and roll back (on PostgreSQL two round trips of the three a poll would cost)
    with db.engine.connect() as conn:
        row = conn.execution_options(isolation_level="AUTOCOMMIT").execute(_UNCHANGED, {"digest": digest}).first()
    if row is None:
        return None
    screen_id, revoked_at, active, version = row
    if revoked_at is not None or not active:
        return None
    built = cache.get((screen_id, digest))
    if built is None or built.version != version or not built.built_at <= at < built.holds_until:
        return None
    return built.etag if built.etag in etags else None


def feed(screen: Screen, token: str, at: dt.datetime | None = None) -> tuple[dict, str]:
    """The player's playlist document and its ETag.

    ``playing`` lists what plays now; ``entries`` also holds what starts within the next 24 hours,
    with windows and dayparts, so a player that loses the network keeps to the schedule.
    """
    at = at or now()
    built = cached_feed(screen, token, at)
    return {**built.body, "now": at.isoformat(), "version": built.etag}, built.etag


def _build(screen: Screen, token: str, at: dt.datetime) -> tuple[dict, str, dt.datetime]:
    from hub_videotron.media import ORIGINAL, variant_for

    zone = screen_zone(screen)
    upcoming = _live_entries(screen, at, at + LOOKAHEAD)
    playing = _playing([e for e in upcoming if e.starts_at <= at], at, zone)
    variants = {e.id: variant_for(e.asset, screen) for e in upcoming}
    body = {
        "screen": {"code": screen.code, "name": screen.name, "timezone": zone.key},
        "settings": {
            "poll_seconds": int(setting("poll_seconds")),
            "heartbeat_seconds": int(setting("heartbeat_seconds")),
            "muted": bool(setting("player_muted")),
        },
        "playing": [e.id for e in playing],
        "entries": [
            {
                "id": e.id,
                "item_id": e.item_id,
                "title": e.item.title,
                "url": url_for("videotron.player_media", token=token, asset_id=e.asset_id, variant=variants[e.id]),
                "mime": (e.asset.mime or "video/mp4") if variants[e.id] == ORIGINAL else "video/mp4",
                "duration": e.duration,
                "urgent": e.urgent,
                "priority": e.priority,
                "starts_at": e.starts_at.isoformat(),
                "ends_at": e.ends_at.isoformat(),
                "dayparts": e.dayparts or [],
            }
            for e in upcoming
        ],
    }
    etag = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return body, etag, _holds_until(screen, upcoming, at, zone)
