"""Hook implementations of the vidcon plugin: video-conference bookings (SOP 003).

A request is an item of kind ``vidcon_booking`` targeting the ``vidcon`` channel. Its
approval follows the SOP 003 workflow; "publishing" it confirms the booking (the room
is then taken), "unpublishing" cancels it. The technical team records the equipment
check, the trial and the report on the booking page.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from hub.sdk import Channel, ItemDate, PermanentPublishError, PluginSetting, PublishResult, db, hookimpl

HUB_SDK_REQUIRES = ">=1.2,<2"  #: the hub.sdk versions this plugin is written for

HERE = Path(__file__).parent


def _channel() -> Channel:
    from hub_vidcon.declarations import option_fields

    return Channel(
        name="vidcon",
        label_id="Video Konferensi",
        label_en="Video conference",
        accepts=("text", "document", "image"),
        item_kinds=("vidcon_booking",),
        admin_role="teknisi",
        requirements_id="Tanggal, jam, ruang, platform, narahubung dan surat permohonan; dalam jam layanan.",
        requirements_en="Meeting date, time, room, platform, contact and the request letter; within service hours.",
        option_fields=option_fields(),
        options_json=False,
    )


CHANNEL = _channel()


@hookimpl
def register_channels():
    return [CHANNEL]


@hookimpl
def register_settings():
    return [
        PluginSetting(
            "min_notice_days",
            "Pemberitahuan minimal (hari kerja)",
            "Minimum notice (working days)",
            default=1,
            type="int",
            help_id="Permohonan paling lambat sekian hari kerja sebelum rapat (0: tanpa batas).",
            help_en="Requests are due this many working days before the meeting (0: no minimum).",
        ),
    ]


@hookimpl
def register_permissions():
    from hub_vidcon.declarations import PERMISSIONS

    return PERMISSIONS


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

    return [
        NavEntry("Video konferensi", "Video conferences", endpoint="vidcon.availability", order=60),
        NavEntry("Ruang vidcon", "Vidcon rooms", endpoint="vidcon.rooms", section="admin", order=60),
    ]


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
    from hub_vidcon import series

    target = item.target(CHANNEL.name)
    return series.validate(item, target.options if target else {}, phase)


@hookimpl
def preview_item(item, channel):
    if channel.name != CHANNEL.name:
        return None
    from hub_vidcon.preview import request_preview

    return request_preview(item)


@hookimpl
def publication_targets(item, channel):
    """A weekly series: one publication (one booking) per meeting, its ISO date as the target."""
    if channel.name != CHANNEL.name:
        return None
    from hub_vidcon import series

    target = item.target(CHANNEL.name)
    options = target.options if target else {}
    if series.repeat_count(options) <= 1:
        return None
    return series.meeting_dates(options) or None


@hookimpl
def publish(publication, item, channel):
    if channel.name != CHANNEL.name:
        return None
    from hub_vidcon.booking import check_request, parse_request
    from hub_vidcon.models import Booking

    booking = db.session.execute(db.select(Booking).filter_by(publication_id=publication.id)).scalar()
    if booking is None:  # first attempt, or an earlier one died before committing
        target = item.target(CHANNEL.name)
        options = dict(target.options if target else {})
        if publication.target:  # one meeting of a weekly series: its date
            options["date"] = publication.target
        req, problems = parse_request(options)
        if req is not None:
            problems = check_request(req, phase="publish", exclude_item_id=item.id)
        if problems:
            raise PermanentPublishError(
                " ".join(p.message_id for p in problems),
                message_en=" ".join(p.message_en for p in problems),
                details={"problems": [p.as_dict() for p in problems]},
            )
        booking = confirm(item, publication, req)
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
        booking.sequence = (booking.sequence or 0) + 1  # calendars learn of the cancellation
    return True


def confirm(item, publication, req):
    """Insert the confirmed booking; the database refuses an overlapping one (see models)."""
    from hub_vidcon.booking import EQUIPMENT, find_clash, taken_problem
    from hub_vidcon.models import Booking
    from sqlalchemy.exc import IntegrityError, OperationalError

    from hub.sdk import TransientPublishError

    opts = req.options
    booking = Booking(
        item_id=item.id,
        publication_id=publication.id,
        room_id=req.room.id if req.room is not None else None,
        starts_at=req.starts_at,
        ends_at=req.ends_at,
        place=req.place,
        platform=str(opts.get("platform") or ""),
        meeting_link=str(opts.get("meeting_link") or ""),
        participants=_int_or_none(opts.get("participants")),
        contact=" ".join(str(opts.get(k) or "") for k in ("contact", "phone")).strip(),
        # every SOP item is checked before the meeting, not only the requested ones
        equipment={code: False for code in EQUIPMENT},
    )
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        problem = taken_problem(req, find_clash(req, exclude_item_id=item.id))
        raise PermanentPublishError(
            problem.message_id, message_en=problem.message_en, details={"problems": [problem.as_dict()]}
        ) from None
    except OperationalError as exc:  # SQLite: another confirmation wrote first; try again shortly
        raise TransientPublishError(
            "Basis data sibuk; dicoba lagi sebentar lagi.",
            message_en="The database is busy; trying again shortly.",
            details={"error": str(exc.orig)},
        ) from None
    _tell_requester(item, booking)
    from hub_vidcon.reminders import schedule

    try:
        schedule(booking)  # a reminder job of a booking that is rolled back finds nothing and stops
    except Exception:  # noqa: BLE001 - the queue being down must not undo the confirmation
        current_app.logger.warning("vidcon: reminders of booking %s not queued", booking.id, exc_info=True)
    return booking


def _tell_requester(item, booking) -> None:
    """The requester learns the booking is confirmed, with its page (and its .ics invitation there)."""
    from hub.sdk import User, notify

    creator = db.session.get(User, item.created_by_id)
    notify(
        [creator],
        "vidcon_confirmed",
        title_id=f"Pemesanan vidcon terkonfirmasi: {item.title}",
        title_en=f"Video-conference booking confirmed: {item.title}",
        body_id=f"{booking.place}. Undangan kalender terlampir (juga di /vidcon/bookings/{booking.id}.ics).",
        body_en=f"{booking.place}. The calendar invitation is attached (also at /vidcon/bookings/{booking.id}.ics).",
        item_id=item.id,
        url=f"/vidcon/bookings/{booking.id}",
        data={"booking_id": booking.id},  # the e-mail carries the invitation (notification_attachments)
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


#: the notifications whose e-mail carries the booking's invitation (.ics, RFC 5545)
INVITATION_KINDS = ("vidcon_confirmed", "vidcon_move", "vidcon_cancelled")


@hookimpl
def notification_attachments(notification, person):
    """The booking's invitation (REQUEST, or CANCEL once cancelled) on its confirmation, move and cancellation."""
    booking_id = (notification.data or {}).get("booking_id") if notification.kind in INVITATION_KINDS else None
    if not booking_id:
        return []
    from hub_vidcon import ics
    from hub_vidcon.models import Booking

    booking = db.session.get(Booking, booking_id)
    if booking is None:
        return []
    base = current_app.config["BASE_URL"].rstrip("/")
    return [(f"vidcon-{booking.id}.ics", "text/calendar", ics.invitation(booking, base))]


@hookimpl
def load_demo_data(app):
    from hub_vidcon.demo import load_rooms

    load_rooms()


@hookimpl
def register_reports():
    from hub_vidcon.recap import build_recap

    from hub.sdk import Report

    return [
        Report(
            "vidcon_recap",
            "Rekap video konferensi",
            "Video-conference recap",
            build_recap,
            period="month",
            description_id="Rapat per OPD, jam dan utilisasi per ruang, uji coba, ketepatan waktu, laporan.",
            description_en="Meetings per office, hours and utilisation per room, trials, punctuality, reports.",
        )
    ]


@hookimpl
def step_completion_problems(item, step):
    from hub_vidcon.workflow import step_problems

    return step_problems(item, step)


@hookimpl
def register_item_dates():
    return [
        ItemDate("meeting_start", "waktu mulai rapat", "the meeting's start"),
        ItemDate("meeting_end", "waktu selesai rapat", "the meeting's end"),
    ]


@hookimpl
def item_dates(item):
    """The meeting's start and end (aware UTC): from its live booking, else from the request."""
    if item.kind != "vidcon_booking":
        return {}
    from hub_vidcon.booking import parse_request
    from hub_vidcon.models import HOLDING, Booking

    first, last = db.session.execute(
        db.select(db.func.min(Booking.starts_at), db.func.max(Booking.ends_at)).where(
            Booking.item_id == item.id, Booking.status.in_(HOLDING)
        )
    ).one()
    if first is not None:
        return {"meeting_start": _aware(first), "meeting_end": _aware(last)}
    from hub_vidcon import series

    target = item.target(CHANNEL.name)
    options = target.options if target else {}
    dates = series.meeting_dates(options)
    req, _problems = parse_request(options)
    if req is None or not dates:
        return {}
    last, _problems = parse_request(series.on_date(options, dates[-1]))
    return {"meeting_start": req.starts_at, "meeting_end": (last or req).ends_at}


def _aware(value):
    """Aggregates (min/max) come back without the column type's conversion on SQLite."""
    import datetime as dt

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


# --- what the plugin brings besides its channel (hub_vidcon.declarations) -------------------------


@hookimpl
def register_item_kinds():
    from hub_vidcon.declarations import ITEM_KINDS

    return ITEM_KINDS


@hookimpl
def register_workflow_templates():
    from hub_vidcon.declarations import workflow_templates

    return workflow_templates()
