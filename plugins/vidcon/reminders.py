"""Reminders of a confirmed booking to the requester and the technical team (in the hub, and by
e-mail when the hub sends mail): one working day before the start (the previous working day of the
serving office at the same time of day, within its hours) and one hour before.

Each reminder is a queued job at its time, keyed by the booking and its ``sequence``: a job of a
booking that was cancelled, moved or changed since (another sequence) does nothing.
"""

from __future__ import annotations

import datetime as dt

from hub_vidcon.booking import service_calendar
from hub_vidcon.models import Booking, BookingStatus

from hub.sdk import User, db, enqueue, job, notify, utcnow

KINDS = ("day", "hour")


def reminder_times(booking: Booking) -> dict[str, dt.datetime]:
    """When each reminder is due (aware UTC)."""
    cal = service_calendar(booking.room)
    local = booking.starts_at.astimezone(cal.tz)
    day = local.date() - dt.timedelta(days=1)
    for _ in range(60):
        spans = cal.intervals(day)
        if spans:
            moment = dt.datetime.combine(day, local.time(), cal.tz)
            moment = min(max(moment, spans[0][0]), spans[-1][1])
            break
        day -= dt.timedelta(days=1)
    else:
        moment = local - dt.timedelta(days=1)
    return {"day": moment.astimezone(dt.UTC), "hour": booking.starts_at - dt.timedelta(hours=1)}


def schedule(booking: Booking) -> list[str]:
    """Queue the reminders still ahead; returns their kinds."""
    now = utcnow()
    queued = []
    for kind, when in reminder_times(booking).items():
        if when > now:
            enqueue(
                remind,
                booking.id,
                kind,
                booking.sequence or 0,
                at=when,
                job_id=f"vidcon-remind-{booking.id}-{kind}-{booking.sequence or 0}",
            )
            queued.append(kind)
    return queued


@job(in_process=True)
def remind(booking_id: int, kind: str, sequence: int) -> bool:
    """Send one reminder; False when the booking is gone, no longer confirmed, or changed since."""
    from hub_vidcon.workflow import team

    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.status != BookingStatus.CONFIRMED.value or (booking.sequence or 0) != sequence:
        return False
    zone = service_calendar(booking.room).tz
    when = booking.starts_at.astimezone(zone)
    soon_id, soon_en = ("besok", "next working day") if kind == "day" else ("satu jam lagi", "in one hour")
    creator = db.session.get(User, booking.item.created_by_id)
    notify(
        [creator, *team()],
        "vidcon_reminder",
        title_id=f"Pengingat vidcon {soon_id}: {booking.item.title}",
        title_en=f"Video conference {soon_en}: {booking.item.title}",
        body_id=f"{when:%d-%m-%Y %H.%M} {when.tzname()} · {booking.place}",
        body_en=f"{when:%Y-%m-%d %H:%M} {when.tzname()} · {booking.place}",
        item_id=booking.item_id,
        url=f"/vidcon/bookings/{booking.id}",
    )
    db.session.commit()
    return True
