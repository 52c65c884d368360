"""Pages of the vidcon plugin: the bookings list and a booking's page where the technical team
records the equipment check, the trial and the report (SOP 003 steps 3 and 4)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from hub_vidcon.booking import EQUIPMENT, office_zone
from hub_vidcon.models import Booking, BookingStatus

from hub.sdk import db, require, utcnow

bp = Blueprint("vidcon", __name__, url_prefix="/vidcon", template_folder="templates")

#: roles that run meetings and write the report (SOP 003: Tim Teknis, supervised by the Kepala Bidang)
OPERATOR_ROLES = ("teknisi", "kepala_bidang")


@bp.get("/bookings")
@require("item.view_all")
def bookings():
    now = utcnow()
    upcoming = (
        db.session.execute(
            db.select(Booking).where(Booking.ends_at >= now - dt.timedelta(hours=12)).order_by(Booking.starts_at)
        )
        .scalars()
        .all()
    )
    past = (
        db.session.execute(
            db.select(Booking)
            .where(Booking.ends_at < now - dt.timedelta(hours=12))
            .order_by(Booking.starts_at.desc())
            .limit(50)
        )
        .scalars()
        .all()
    )
    return render_template("vidcon/bookings.html", upcoming=upcoming, past=past, zone=office_zone())


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
@require("item.view_all")
def booking(booking_id: int):
    item = db.session.get(Booking, booking_id) or abort(404)
    if request.method == "POST":
        if not g.user.has_role(*OPERATOR_ROLES):
            abort(403)
        if item.status == BookingStatus.CANCELLED.value:
            flash(_("This booking was cancelled; it cannot be reported."), "error")
            return redirect(url_for(".booking", booking_id=item.id))
        checked = set(request.form.getlist("equipment"))
        item.equipment = {code: code in checked for code in item.equipment}
        item.trial_done = request.form.get("trial_done") == "on"
        report = request.form.get("report", "").strip()
        if request.form.get("action") == "report":
            if not report:
                flash(_("Write what happened in the meeting before closing the booking."), "error")
                return render_template(
                    "vidcon/booking.html", booking=item, equipment=EQUIPMENT, zone=office_zone(), report=report
                ), 422
            from hub.sdk import record_audit

            item.report = report
            item.status = BookingStatus.DONE.value
            item.reported_by_id = g.user.id
            item.reported_at = utcnow()
            record_audit("vidcon.booking_reported", actor=g.user, target_type="vidcon_booking", target_id=item.id)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".booking", booking_id=item.id))
    return render_template(
        "vidcon/booking.html", booking=item, equipment=EQUIPMENT, zone=office_zone(), report=item.report
    )
