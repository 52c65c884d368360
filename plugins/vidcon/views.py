"""Pages of the vidcon plugin: the bookings list, a booking's page where the technical team records
the equipment check, the trial and the report (SOP 003 steps 3 and 4), the rooms registry, the
availability view for requesters, and the calendar files (.ics) and secret feeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from hub_vidcon import ics
from hub_vidcon.booking import EQUIPMENT, NO_ROOM, office_zone, service_calendar
from hub_vidcon.models import HOLDING, Booking, BookingStatus, Feed, Room, name_key
from sqlalchemy.orm import joinedload

from hub.sdk import ItemAsset, Organisation, db, has_permission, public, record_audit, require, utcnow

bp = Blueprint("vidcon", __name__, url_prefix="/vidcon", template_folder="templates")

#: roles that run meetings and write the report (SOP 003: Tim Teknis, supervised by the Kepala Bidang)
OPERATOR_ROLES = ("teknisi", "kepala_bidang")


def sees_all(user) -> bool:
    """The technical team and the heads see every booking with its details; others see free/busy."""
    return has_permission(user, "item.view_all")


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _booking_or_404(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id) or abort(404)
    if not sees_all(g.user) and booking.item.organisation_id != g.user.organisation_id:
        abort(404)
    return booking


# --- bookings -------------------------------------------------------------------------------------


@bp.get("/bookings")
@require("item.view_all")
def bookings():
    now = utcnow()
    base = db.select(Booking).options(joinedload(Booking.item), joinedload(Booking.room))
    upcoming = (
        db.session.execute(base.where(Booking.ends_at >= now - dt.timedelta(hours=12)).order_by(Booking.starts_at))
        .scalars()
        .all()
    )
    past = (
        db.session.execute(
            base.where(Booking.ends_at < now - dt.timedelta(hours=12)).order_by(Booking.starts_at.desc()).limit(50)
        )
        .scalars()
        .all()
    )
    return render_template("vidcon/bookings.html", upcoming=upcoming, past=past, zone=office_zone())


def _local_input(value, zone) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""


def _parse_local(text: str, zone):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(dt.UTC)
    except ValueError:
        return "bad"


def _render_booking(booking: Booking, form=None, status: int = 200, move=None):
    zone = office_zone(booking.room)
    values = form or {
        "report": booking.report,
        "problems": booking.problems,
        "held": "" if booking.held is None else ("yes" if booking.held else "no"),
        "actual_start": _local_input(booking.actual_start or booking.starts_at, zone),
        "actual_end": _local_input(booking.actual_end or booking.ends_at, zone),
        "attendance": booking.attendance if booking.attendance is not None else "",
    }
    may_operate = g.user.has_role(*OPERATOR_ROLES) and sees_all(g.user)
    may_cancel = booking.status == BookingStatus.CONFIRMED.value and booking.starts_at > utcnow()
    return (
        render_template(
            "vidcon/booking.html",
            booking=booking,
            equipment=EQUIPMENT,
            zone=zone,
            values=values,
            may_operate=may_operate,
            may_cancel=may_cancel,
            may_decide_move=bool(booking.pending_move) and g.user.has_role("kepala_bidang") and sees_all(g.user),
            move=move or {},
            rooms=db.session.execute(db.select(Room).where(Room.active.is_(True)).order_by(Room.name)).scalars().all(),
            no_room=NO_ROOM,
            photos=[link.asset_id for link in booking.item.assets if link.role == REPORT_PHOTO],
            series=db.session.execute(
                db.select(Booking).where(Booking.item_id == booking.item_id).order_by(Booking.starts_at)
            )
            .scalars()
            .all(),
        ),
        status,
    )


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
@require("vidcon.availability")
def booking(booking_id: int):
    item = _booking_or_404(booking_id)
    if request.method == "GET":
        return _render_booking(item)
    if not (g.user.has_role(*OPERATOR_ROLES) and sees_all(g.user)):
        abort(403)
    if item.status == BookingStatus.CANCELLED.value:
        flash(_("This booking was cancelled; it cannot be reported."), "error")
        return redirect(url_for(".booking", booking_id=item.id))
    if item.status == BookingStatus.DONE.value:
        flash(_("The report of this booking is filed already."), "error")
        return redirect(url_for(".booking", booking_id=item.id))
    from hub_vidcon.workflow import close_steps, file_report, record_checks

    checked = set(request.form.getlist("equipment"))
    record_checks(item, {code: code in checked for code in EQUIPMENT}, request.form.get("trial_done") == "on")
    if request.form.get("action") != "report":
        db.session.commit()
        if request.form.get("action") == "checks":
            close_steps(item, g.user, upto="coordinate")
        flash(_("Saved."), "success")
        return redirect(url_for(".booking", booking_id=item.id))
    zone = office_zone(item.room)
    form = {
        k: request.form.get(k, "").strip()
        for k in ("report", "problems", "held", "actual_start", "actual_end", "attendance")
    }
    errors = []
    if not form["report"]:
        errors.append(_("Write what happened in the meeting before closing the booking."))
    if form["held"] not in ("yes", "no"):
        errors.append(_("Say whether the meeting was held."))
    start, end = _parse_local(form["actual_start"], zone), _parse_local(form["actual_end"], zone)
    if form["held"] == "yes" and (start in (None, "bad") or end in (None, "bad") or end <= start):
        errors.append(_("Give the actual start and end of the meeting (the end after the start)."))
    if form["attendance"] and not form["attendance"].isdigit():
        errors.append(_("The number of participants must be a number."))
    if form["held"] == "yes" and not (all(item.equipment.get(c) for c in EQUIPMENT) and item.trial_done):
        errors.append(_("Record the equipment check (every item) and the trial run before the report."))
    photos, photo_errors = ([], []) if errors else _report_photos(item)
    errors += photo_errors
    if errors:
        db.session.rollback()
        for message in errors:
            flash(message, "error")
        return _render_booking(db.session.get(Booking, booking_id), form, 422)
    for asset in photos:  # kept with the item, like its other media, as the report's photos
        item.item.assets.append(ItemAsset(item_id=item.item_id, asset_id=asset.id, role=REPORT_PHOTO))
    file_report(
        item,
        g.user,
        report=form["report"],
        problems=form["problems"],
        held=form["held"] == "yes",
        actual_start=start if form["held"] == "yes" else None,
        actual_end=end if form["held"] == "yes" else None,
        attendance=int(form["attendance"]) if form["attendance"] else None,
    )
    flash(_("Report filed; the booking is closed."), "success")
    return redirect(url_for(".booking", booking_id=item.id))


#: the role of a report's photos among the item's media
REPORT_PHOTO = "report_photo"
#: at most this many photos or screenshots with one report
MAX_REPORT_PHOTOS = 10


def _report_photos(booking: Booking) -> tuple[list, list[str]]:
    """The report's uploaded photos and screenshots, checked and stored like any upload; (assets, errors)."""
    import tempfile
    from pathlib import Path

    from hub.sdk import MediaError, ingest_local_file

    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(files) > MAX_REPORT_PHOTOS:
        return [], [_("Attach at most %(n)d photos or screenshots.", n=MAX_REPORT_PHOTOS)]
    assets, errors = [], []
    lang = "en" if str(get_locale() or "id").startswith("en") else "id"
    with tempfile.TemporaryDirectory() as tmp:
        for n, upload in enumerate(files):
            path = Path(tmp) / f"photo-{n}"
            upload.save(path)
            try:
                asset = ingest_local_file(path, g.user, name=upload.filename, source="vidcon_report")
            except MediaError as exc:
                errors.append(f"{upload.filename}: {exc.message_en if lang == 'en' else exc.message_id}")
                continue
            if asset.kind != "image":
                errors.append(_("%(name)s is not a photo or a screenshot (JPEG, PNG or WebP).", name=upload.filename))
                continue
            assets.append(asset)
    return assets, errors


@bp.post("/bookings/<int:booking_id>/cancel")
@require("vidcon.availability")
def cancel(booking_id: int):
    """The requesting office (or the team) cancels a booking before it starts: the room is free again."""
    from hub_vidcon.workflow import cancel_booking

    booking = _booking_or_404(booking_id)
    if booking.status != BookingStatus.CONFIRMED.value or booking.starts_at <= utcnow():
        flash(_("Only a confirmed booking that has not started can be cancelled."), "error")
        return _render_booking(booking, status=409)
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Say why the booking is cancelled."), "error")
        return _render_booking(booking, status=422)
    cancel_booking(booking, g.user, reason)
    flash(_("Booking cancelled; the room is free again."), "success")
    return redirect(url_for(".booking", booking_id=booking.id))


def _flash_problems(problems) -> None:
    lang = "id" if _current_lang() == "id" else "en"
    for p in problems:
        flash(p.message(lang), "error")


def _current_lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "id")[:2]


@bp.post("/bookings/<int:booking_id>/move")
@require("vidcon.availability")
def move(booking_id: int):
    """The requester asks to move a booking (new date, time or room); the Kepala Bidang decides."""
    from hub_vidcon.changes import MOVE_KEYS, ask_move

    booking = _booking_or_404(booking_id)
    if booking.status != BookingStatus.CONFIRMED.value or booking.starts_at <= utcnow() or booking.pending_move:
        flash(_("Only a confirmed booking that has not started, with no move waiting, can be moved."), "error")
        return _render_booking(booking, status=409)
    wanted = {k: request.form.get(k, "").strip() for k in MOVE_KEYS}
    problems = ask_move(booking, g.user, wanted, request.form.get("reason", "").strip()[:500])
    if problems:
        db.session.rollback()
        _flash_problems(problems)
        return _render_booking(db.session.get(Booking, booking_id), status=422, move=wanted)
    flash(_("Move requested; the Head of Division decides."), "success")
    return redirect(url_for(".booking", booking_id=booking.id))


@bp.post("/bookings/<int:booking_id>/move/decide")
@require("vidcon.availability")
def decide_move(booking_id: int):
    from hub_vidcon import changes

    booking = _booking_or_404(booking_id)
    if not (g.user.has_role("kepala_bidang") and sees_all(g.user)):
        abort(403)
    if not booking.pending_move or booking.status != BookingStatus.CONFIRMED.value:
        flash(_("No move is waiting for this booking."), "error")
        return _render_booking(booking, status=409)
    problems = changes.decide_move(booking, g.user, request.form.get("decision") == "approve")
    if problems:
        db.session.rollback()
        _flash_problems(problems)
        return _render_booking(db.session.get(Booking, booking_id), status=409)
    flash(_("Decision recorded."), "success")
    return redirect(url_for(".booking", booking_id=booking.id))


@bp.get("/bookings/<int:booking_id>.ics")
@require("vidcon.availability")
def booking_ics(booking_id: int):
    booking = _booking_or_404(booking_id)
    body = ics.invitation(booking, _base_url())
    db.session.commit()  # the installation id, when this is the first thing that needed it
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="vidcon-{booking.id}.ics"'},
    )


# --- rooms ----------------------------------------------------------------------------------------


def _room_form(room: Room | None):
    form = request.form
    errors = []
    name = form.get("name", "").strip()
    if not name_key(name):
        errors.append(_("A room needs a name."))
    capacity = form.get("capacity", "").strip()
    if capacity and not capacity.isdigit():
        errors.append(_("The capacity must be a number."))
    org_id = form.get("organisation_id", "")
    org = db.session.get(Organisation, int(org_id)) if org_id.isdigit() else None
    if org is None:
        errors.append(_("Choose the office the room belongs to."))
    if not errors:
        same = db.session.execute(
            db.select(Room).where(Room.organisation_id == org.id, Room.name_key == name_key(name))
        ).scalar()
        if same is not None and (room is None or same.id != room.id):
            errors.append(_("This office already has a room with that name: %(name)s.", name=same.name))
    return errors, {
        "name": name,
        "name_key": name_key(name),
        "place": form.get("place", "").strip()[:300],
        "capacity": int(capacity) if capacity.isdigit() else None,
        "equipment": [c for c in form.getlist("equipment") if c in EQUIPMENT],
        "active": form.get("active") == "on",
        "organisation_id": org.id if org is not None else None,
    }


def _rooms_page(status=200, form=None):
    rooms = (
        db.session.execute(
            db.select(Room).options(joinedload(Room.organisation)).order_by(Room.organisation_id, Room.name)
        )
        .scalars()
        .all()
    )
    feeds = (
        db.session.execute(
            db.select(Feed).options(joinedload(Feed.room)).where(Feed.revoked_at.is_(None)).order_by(Feed.id)
        )
        .scalars()
        .all()
    )
    offices = db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars().all()
    return (
        render_template(
            "vidcon/rooms.html",
            rooms=rooms,
            feeds=feeds,
            offices=offices,
            equipment=EQUIPMENT,
            form=form or {},
            new_feed=request.args.get("feed_url"),
        ),
        status,
    )


@bp.route("/rooms", methods=["GET", "POST"])
@require("vidcon.rooms")
def rooms():
    if request.method == "GET":
        return _rooms_page()
    errors, values = _room_form(None)
    if errors:
        for message in errors:
            flash(message, "error")
        return _rooms_page(422, request.form)
    room = Room(**values)
    db.session.add(room)
    db.session.flush()
    record_audit("vidcon.room_created", actor=g.user, target_type="vidcon_room", target_id=room.id)
    db.session.commit()
    flash(_("Room saved."), "success")
    return redirect(url_for(".rooms"))


@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@require("vidcon.rooms")
def room(room_id: int):
    room = db.session.get(Room, room_id) or abort(404)
    if request.method == "GET":
        offices = db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars().all()
        return render_template("vidcon/room.html", room=room, offices=offices, equipment=EQUIPMENT)
    errors, values = _room_form(room)
    if errors:
        for message in errors:
            flash(message, "error")
        offices = db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars().all()
        return render_template("vidcon/room.html", room=room, offices=offices, equipment=EQUIPMENT), 422
    for key, value in values.items():
        setattr(room, key, value)
    record_audit("vidcon.room_changed", actor=g.user, target_type="vidcon_room", target_id=room.id)
    db.session.commit()
    flash(_("Room saved."), "success")
    return redirect(url_for(".rooms"))


# --- calendar feeds -------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@bp.post("/feeds")
@require("vidcon.rooms")
def create_feed():
    room_id = request.form.get("room_id", "")
    room = db.session.get(Room, int(room_id)) if room_id.isdigit() else None
    token = secrets.token_urlsafe(24)
    feed = Feed(room_id=room.id if room else None, token_hash=_token_hash(token), created_by_id=g.user.id)
    db.session.add(feed)
    db.session.flush()
    record_audit("vidcon.feed_created", actor=g.user, target_type="vidcon_feed", target_id=feed.id)
    db.session.commit()
    url = f"{_base_url()}{url_for('.feed', token=token)}"
    flash(_("Calendar address made. Copy it now; it is not shown again."), "success")
    return redirect(url_for(".rooms", feed_url=url))


@bp.post("/feeds/<int:feed_id>/revoke")
@require("vidcon.rooms")
def revoke_feed(feed_id: int):
    feed = db.session.get(Feed, feed_id) or abort(404)
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
        record_audit("vidcon.feed_revoked", actor=g.user, target_type="vidcon_feed", target_id=feed.id)
        db.session.commit()
    flash(_("Calendar address revoked."), "success")
    return redirect(url_for(".rooms"))


@bp.get("/feeds/<token>.ics")
@public
def feed(token: str):
    row = db.session.execute(
        db.select(Feed).where(Feed.token_hash == _token_hash(token), Feed.revoked_at.is_(None))
    ).scalar()
    if row is None:
        abort(404)
    since = utcnow() - dt.timedelta(days=60)
    query = (
        db.select(Booking)
        .options(joinedload(Booking.item), joinedload(Booking.room))
        .where(Booking.ends_at >= since)
        .order_by(Booking.starts_at)
    )
    if row.room_id is not None:
        query = query.where(Booking.room_id == row.room_id)
    rows = db.session.execute(query.limit(2000)).scalars().all()
    name = row.room.name if row.room is not None else "Vidcon"
    body = ics.calendar_of(rows, method="PUBLISH", name=name, base_url=_base_url(), zone=office_zone(row.room))
    db.session.commit()  # the installation id, when this is the first thing that needed it
    return Response(body, mimetype="text/calendar")


# --- availability ---------------------------------------------------------------------------------


@bp.get("/availability")
@require("vidcon.availability")
def availability():
    zone = office_zone()
    today = utcnow().astimezone(zone).date()
    try:
        first = dt.date.fromisoformat(request.args.get("day", "")) if request.args.get("day") else today
    except ValueError:
        first = today
    view = "week" if request.args.get("view") == "week" else "day"
    if view == "week":
        first -= dt.timedelta(days=first.weekday())
    days = [first + dt.timedelta(days=n) for n in range(7 if view == "week" else 1)]
    room_arg = request.args.get("room", "")
    all_rooms = (
        db.session.execute(
            db.select(Room).options(joinedload(Room.organisation)).where(Room.active.is_(True)).order_by(Room.name)
        )
        .scalars()
        .all()
    )
    shown = [r for r in all_rooms if not room_arg.isdigit() or r.id == int(room_arg)]
    start = dt.datetime.combine(days[0], dt.time.min, zone).astimezone(dt.UTC) - dt.timedelta(hours=12)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, zone).astimezone(dt.UTC) + dt.timedelta(
        hours=12
    )
    live = (
        db.session.execute(
            db.select(Booking)
            .options(joinedload(Booking.item))
            .where(Booking.status.in_(HOLDING), Booking.starts_at < end, Booking.ends_at > start)
            .order_by(Booking.starts_at)
        )
        .scalars()
        .all()
    )
    everything = sees_all(g.user)
    calendars: dict[int, object] = {}
    grid = []
    for room in shown:
        cal = calendars.setdefault(room.organisation_id, service_calendar(room))
        per_day = []
        for day in days:
            day_start = dt.datetime.combine(day, dt.time.min, cal.tz)
            day_end = day_start + dt.timedelta(days=1)
            busy = [
                {
                    "starts_at": b.starts_at,
                    "ends_at": b.ends_at,
                    "mine": b.item.organisation_id == g.user.organisation_id,
                    "title": b.item.title if everything or b.item.organisation_id == g.user.organisation_id else "",
                    "id": b.id,
                }
                for b in live
                if b.room_id == room.id and b.starts_at < day_end and b.ends_at > day_start
            ]
            per_day.append({"day": day, "hours": cal.intervals(day), "busy": busy, "holiday": day in cal.holidays})
        grid.append({"room": room, "zone": cal.tz, "days": per_day})
    mine = (
        db.session.execute(
            db.select(Booking)
            .options(joinedload(Booking.item), joinedload(Booking.room))
            .where(Booking.ends_at >= utcnow(), Booking.item.has(organisation_id=g.user.organisation_id))
            .order_by(Booking.starts_at)
            .limit(50)
        )
        .scalars()
        .all()
    )
    return render_template(
        "vidcon/availability.html",
        grid=grid,
        days=days,
        view=view,
        rooms=all_rooms,
        room_arg=room_arg,
        first=first,
        step=dt.timedelta(days=7 if view == "week" else 1),
        mine=mine,
        everything=everything,
        no_room=NO_ROOM,
        zone=zone,
    )
