"""Calendar invitations (RFC 5545) of bookings, made with ``icalendar``.

Each booking is one VEVENT with a stable UID (``vidcon-<id>@<installation>``), its times in the
serving office's zone (a VTIMEZONE is included), SEQUENCE raised on each change the calendar
should learn (``Booking.sequence``) and STATUS CONFIRMED/CANCELLED. A single booking's invitation
is ``METHOD:REQUEST``, or ``METHOD:CANCEL`` once cancelled; a feed (``METHOD:PUBLISH``) lists
a room's bookings, the cancelled ones included with STATUS:CANCELLED so subscribers drop them.
"""

from __future__ import annotations

import datetime as dt

from hub_vidcon.booking import office_zone
from hub_vidcon.models import Booking, BookingStatus
from icalendar import Calendar, Event, vCalAddress, vText

from hub.sdk import installation_id

PRODID = "-//Publishing hub//vidcon//ID"


def uid(booking: Booking) -> str:
    return f"vidcon-{booking.id}@{installation_id()}"


def _event(booking: Booking, zone, base_url: str) -> Event:
    event = Event()
    event.add("uid", uid(booking))
    event.add("sequence", booking.sequence or 0)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("created", booking.created_at)
    event.add("dtstart", booking.starts_at.astimezone(zone))
    event.add("dtend", booking.ends_at.astimezone(zone))
    event.add("summary", booking.item.title if booking.item is not None else f"Vidcon #{booking.id}")
    event.add("location", booking.place)
    event.add("status", "CANCELLED" if booking.status == BookingStatus.CANCELLED.value else "CONFIRMED")
    event.add("url", f"{base_url}/vidcon/bookings/{booking.id}")
    lines = [f"Platform: {booking.platform}"] if booking.platform else []
    if booking.meeting_link:
        lines.append(booking.meeting_link)
    if lines:
        event.add("description", "\n".join(lines))
    return event


def calendar_of(bookings, *, method: str, name: str, base_url: str, zone=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-calname", vText(name))
    for booking in bookings:
        cal.add_component(_event(booking, zone or office_zone(booking.room), base_url))
    cal.add_missing_timezones()
    return cal.to_ical()


def invitation(booking: Booking, base_url: str, attendee_emails=()) -> bytes:
    """The booking's own invitation: REQUEST while it stands, CANCEL once cancelled."""
    cancelled = booking.status == BookingStatus.CANCELLED.value
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = _event(booking, office_zone(booking.room), base_url)
    for email in attendee_emails:
        if email:
            event.add("attendee", vCalAddress(f"mailto:{email}"))
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
