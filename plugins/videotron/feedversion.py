"""The per-screen feed version: bumped on every flush that changes what a screen's playlist
document shows, so the player's poll can answer 304 from the screen row alone.

What changes a feed, and bumps the screens it concerns:

* a playlist entry added, changed (window, dayparts, video, order) or removed (unpublish,
  withdrawal, a revision taking it off a screen);
* a screen's own fields the document shows or depends on (code, name, time zone, size…);
* the title of an item on the screen, or the file / renditions of a video on it;
* any of the plugin's settings (every screen: poll interval, mute, the office time zone).

Time passing (an entry's window or daypart starting or ending) is not a version change: the
built feed records until when it holds (see :func:`hub_videotron.playlist.feed`).
"""

from __future__ import annotations

from itertools import chain

from hub_videotron.models import PlaylistEntry, Screen
from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.orm import Session

from hub.sdk import Asset, Item, Setting

PLUGIN = "videotron"
PENDING = "videotron.feed_bump"
#: screen fields the player's document shows or is built from
SCREEN_FIELDS = ("code", "name", "timezone", "active", "width_px", "height_px", "orientation")
ITEM_FIELDS = ("title",)
ASSET_FIELDS = ("status", "stored_name", "derivatives", "mime", "probe")


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _flush_context, _instances) -> None:
    screens: set[int] = set()
    items: set[int] = set()
    assets: set[int] = set()
    every = False
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, PlaylistEntry):
            screen_id = obj.screen_id if obj.screen_id is not None else (obj.screen.id if obj.screen else None)
            screens.add(screen_id)
            old = inspect(obj).attrs["screen_id"].history.deleted
            screens.update(old or ())
        elif isinstance(obj, Screen):
            if obj.id is not None and (obj in session.deleted or _changed(obj, SCREEN_FIELDS)):
                screens.add(obj.id)
        elif isinstance(obj, Item):
            if obj.id is not None and (obj in session.deleted or _changed(obj, ITEM_FIELDS)):
                items.add(obj.id)
        elif isinstance(obj, Asset):
            if obj.id is not None and (obj in session.deleted or _changed(obj, ASSET_FIELDS)):
                assets.add(obj.id)
        elif isinstance(obj, Setting) and obj.namespace == PLUGIN:
            every = True
    if items or assets:
        # before the flush: a deleted item's entries go with it (ON DELETE CASCADE)
        entry = PlaylistEntry.__table__.c
        conditions = [entry.item_id.in_(sorted(items))] if items else []
        conditions += [entry.asset_id.in_(sorted(assets))] if assets else []
        query = select(entry.screen_id).distinct().where(or_(*conditions))
        screens.update(session.connection().execute(query).scalars())
    screens.discard(None)
    if screens or every:
        pending = session.info.setdefault(PENDING, [set(), False])
        pending[0].update(screens)
        pending[1] = pending[1] or every


@event.listens_for(Session, "after_flush")
def _bump(session: Session, _flush_context) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    screens, every = pending
    table = Screen.__table__
    statement = update(table).values(feed_version=table.c.feed_version + 1)
    if not every:
        statement = statement.where(table.c.id.in_(sorted(screens)))
    session.connection().execute(statement)
    session.info["videotron.feed_expire"] = True


@event.listens_for(Session, "after_flush_postexec")
def _expire(session: Session, _flush_context) -> None:
    if session.info.pop("videotron.feed_expire", None):
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Screen):
                session.expire(obj, ["feed_version"])
