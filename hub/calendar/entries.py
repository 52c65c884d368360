"""What the calendar shows: scheduled publications (core) and entries plugins add."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_

from hub.extensions import db
from hub.models import Item, Publication, PublicationStatus
from hub.permissions import visible_items_clause


@dataclass(frozen=True)
class CalendarEntry:
    """One thing on the calendar. ``start``/``end`` are aware datetimes; ``end`` is exclusive (a window until
    10 Dec 00:00 ends on 9 Dec), and ``end == start`` is a point in time."""

    start: dt.datetime
    end: dt.datetime
    title: str
    kind: str = ""
    channel: str = ""
    url: str | None = None


def publication_entries(start: dt.datetime, end: dt.datetime, user) -> list[CalendarEntry]:
    """Publications scheduled in the period, and those published in it."""
    from hub.web.links import item_url

    live = [s.value for s in PublicationStatus if s not in (PublicationStatus.CANCELLED,)]
    rows = db.session.execute(
        db.select(Publication, Item)
        .join(Item, Item.id == Publication.item_id)
        .where(Publication.status.in_(live))
        .where(
            or_(
                and_(Publication.scheduled_at >= start, Publication.scheduled_at < end),
                and_(Publication.published_at >= start, Publication.published_at < end),
            )
        )
        .where(visible_items_clause(user))
        .order_by(Publication.id)
    ).all()
    entries = []
    for pub, item in rows:
        when = pub.scheduled_at if pub.scheduled_at and start <= pub.scheduled_at < end else pub.published_at
        kind = "published" if pub.status == PublicationStatus.PUBLISHED.value else "scheduled"
        entries.append(CalendarEntry(when, when, item.title, kind=kind, channel=pub.channel, url=item_url(item.id)))
    return entries


def collect(start: dt.datetime, end: dt.datetime, user) -> list[CalendarEntry]:
    """Every entry overlapping [start, end): the core's and the plugins'."""
    from hub.plugins import plugins

    entries = publication_entries(start, end, user)
    for result in plugins().hook.calendar_entries(start=start, end=end, user=user):
        # a window's end is exclusive; a point in time (end == start) counts at its start
        entries.extend(e for e in result or [] if e.start < end and (e.end > start or e.end == e.start >= start))
    return sorted(entries, key=lambda e: (e.start, e.title))
