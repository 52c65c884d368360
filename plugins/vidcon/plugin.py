"""Hook implementations of the vidcon plugin: video-conference bookings (SOP 003).

A request is an item of kind ``vidcon_booking`` targeting the ``vidcon`` channel. Its
approval follows the SOP 003 workflow; "publishing" it confirms the booking (the room
is then taken), "unpublishing" cancels it. The technical team records the equipment
check, the trial and the report on the booking page.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from hub.sdk import Channel, PermanentPublishError, PluginSetting, PublishResult, db, hookimpl

HUB_SDK_REQUIRES = ">=1.0,<2"  #: the hub.sdk versions this plugin is written for

HERE = Path(__file__).parent

CHANNEL = Channel(
    name="vidcon",
    label_id="Video Konferensi",
    label_en="Video conference",
    accepts=("text",),
    item_kinds=("vidcon_booking",),
    admin_role="teknisi",
    requirements_id="Tanggal, jam, tempat dan peralatan rapat; dalam jam layanan.",
    requirements_en="Meeting date, time, place and equipment; within service hours.",
)


@hookimpl
def register_channels():
    return [CHANNEL]


@hookimpl
def register_settings():
    return [
        PluginSetting(
            "timezone",
            "Zona waktu layanan",
            "Service time zone",
            default="",
            type="str",
            help_id="Kosong: zona waktu hub (HUB_TIMEZONE). SOP 003 memakai WITA (Asia/Makassar).",
            help_en="Empty: the hub's time zone (HUB_TIMEZONE). SOP 003 uses WITA (Asia/Makassar).",
        ),
        PluginSetting(
            "service_hours",
            "Jam layanan",
            "Service hours",
            default=None,
            type="json",
            help_id='Per hari (0 = Senin): {"0": ["08:00", "16:00"], ...}',
            help_en='Per weekday (0 = Monday): {"0": ["08:00", "16:00"], ...}',
        ),
    ]


@hookimpl
def register_migrations():
    return [str(HERE / "migrations")]


@hookimpl
def register_blueprints(app):
    from hub_vidcon.views import bp

    return [bp]


@hookimpl
def nav_entries():
    from hub.sdk import NavEntry

    return [NavEntry("Video konferensi", "Video conferences", endpoint="vidcon.bookings", order=60)]


@hookimpl
def dashboard_panels(user):
    from hub_vidcon.surfaces import today_panel_html

    from hub.sdk import Panel

    html = today_panel_html(user)
    if html is None:
        return []
    return [Panel("Video konferensi hari ini", "Today's video conferences", html, order=40)]


@hookimpl
def calendar_entries(start, end, user):
    from flask import url_for
    from hub_vidcon.surfaces import bookings_between

    from hub.sdk import CalendarEntry, has_permission

    if not has_permission(user, "item.view_all"):
        return []
    return [
        CalendarEntry(
            start=b.starts_at,
            end=b.ends_at,
            title=f"{b.place}: {b.item.title}",
            kind="vidcon_booking",
            channel=CHANNEL.name,
            url=url_for("vidcon.booking", booking_id=b.id),
        )
        for b in bookings_between(start, end)
    ]


@hookimpl
def validate_item(item, channel, phase):
    if channel.name != CHANNEL.name:
        return []
    from hub_vidcon.booking import check_request, parse_request

    target = item.target(CHANNEL.name)
    req, problems = parse_request(target.options if target else {})
    if req is None:
        return problems
    return check_request(req, phase=phase, exclude_item_id=item.id)


@hookimpl
def publish(publication, item, channel):
    if channel.name != CHANNEL.name:
        return None
    from hub_vidcon.booking import check_request, parse_request
    from hub_vidcon.models import Booking

    booking = db.session.execute(db.select(Booking).filter_by(publication_id=publication.id)).scalar()
    if booking is None:  # first attempt, or an earlier one died before committing
        target = item.target(CHANNEL.name)
        req, problems = parse_request(target.options if target else {})
        if req is not None:
            problems = check_request(req, phase="publish", exclude_item_id=item.id)
        if problems:
            raise PermanentPublishError(
                "; ".join(f"{p.message_id} / {p.message_en}" for p in problems),
                details={"problems": [p.as_dict() for p in problems]},
            )
        booking = Booking(
            item_id=item.id,
            publication_id=publication.id,
            starts_at=req.starts_at,
            ends_at=req.ends_at,
            place=req.place,
            platform=str(req.options.get("platform") or ""),
            meeting_link=str(req.options.get("meeting_link") or ""),
            participants=_int_or_none(req.options.get("participants")),
            contact=str(req.options.get("contact") or ""),
            equipment={code: False for code in req.options.get("equipment") or []},
        )
        db.session.add(booking)
        db.session.flush()
    base = current_app.config["BASE_URL"].rstrip("/")
    return PublishResult(remote_id=f"booking-{booking.id}", remote_url=f"{base}/vidcon/bookings/{booking.id}")


@hookimpl
def unpublish(publication, item, channel):
    if channel.name != CHANNEL.name:
        return None
    from hub_vidcon.models import Booking, BookingStatus

    booking = db.session.execute(db.select(Booking).filter_by(publication_id=publication.id)).scalar()
    if booking is not None and booking.status == BookingStatus.CONFIRMED.value:
        booking.status = BookingStatus.CANCELLED.value
    return True


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- what the plugin brings besides its channel (hub_vidcon.declarations) -------------------------


@hookimpl
def register_item_kinds():
    from hub_vidcon.declarations import ITEM_KINDS

    return ITEM_KINDS


@hookimpl
def register_workflow_templates():
    from hub_vidcon.declarations import workflow_templates

    return workflow_templates()
