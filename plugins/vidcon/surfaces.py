"""Where bookings show up outside their own pages: the navigation, the dashboard and the calendar."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from hub_vidcon.booking import office_zone
from hub_vidcon.models import Booking, BookingStatus
from markupsafe import escape

from hub.sdk import db, has_permission, utcnow

LIVE = (BookingStatus.CONFIRMED.value, BookingStatus.DONE.value)


def bookings_between(start: dt.datetime, end: dt.datetime) -> list[Booking]:
    return list(
        db.session.execute(
            db.select(Booking)
            .where(Booking.status.in_(LIVE), Booking.starts_at < end, Booking.ends_at > start)
            .order_by(Booking.starts_at)
        ).scalars()
    )


def today_panel_html(user) -> str | None:
    """Today's bookings (office time zone) as an HTML list, or None when there are none."""
    if not has_permission(user, "item.view_all"):
        return None
    zone = office_zone()
    local_now = utcnow().astimezone(zone)
    day_start = dt.datetime.combine(local_now.date(), dt.time.min, zone).astimezone(dt.UTC)
    rows = bookings_between(day_start, day_start + dt.timedelta(days=1))
    if not rows:
        return None
    items = "".join(
        f'<li><a href="{escape(url_for("vidcon.booking", booking_id=b.id))}">'
        f"{b.starts_at.astimezone(zone):%H:%M}–{b.ends_at.astimezone(zone):%H:%M} · {escape(b.place)} · "
        f"{escape(b.item.title)}</a></li>"
        for b in rows
    )
    return f'<ul class="vidcon-today">{items}</ul>'
