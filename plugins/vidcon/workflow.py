"""The SOP 003 workflow and the booking are one: the task steps close on what the booking records.

* ``coordinate`` (coordinate, check the place and equipment, trial run) cannot be completed until
  every SOP equipment item is checked and the trial is recorded on the booking;
* ``run_report`` (run the meeting and report) cannot be completed until the report is filed;
* filing the report closes both steps (as the person filing) and tells the superiors
  (Kepala Bidang, Kepala Dinas of the serving office).

The core asks ``step_completion_problems`` before anyone approves a step (``hub/hookspecs.py``).
"""

from __future__ import annotations

from hub_vidcon.booking import EQUIPMENT, operator_office
from hub_vidcon.models import Booking, BookingStatus

from hub.sdk import (
    HubError,
    Problem,
    User,
    UserRole,
    current_step,
    db,
    decide_item,
    notify,
    record_audit,
    utcnow,
)

KIND = "vidcon_booking"
COORDINATE, RUN_REPORT = "coordinate", "run_report"
SUPERIORS = ("kepala_bidang", "kepala_dinas")


def booking_of(item) -> Booking | None:
    """The booking the steps look at: the earliest meeting still to hold (a weekly series has
    several), else the last one reported; None when nothing stands (never confirmed, or cancelled)."""
    waiting = db.session.execute(
        db.select(Booking)
        .where(Booking.item_id == item.id, Booking.status == BookingStatus.CONFIRMED.value)
        .order_by(Booking.starts_at)
        .limit(1)
    ).scalar()
    if waiting is not None:
        return waiting
    return db.session.execute(
        db.select(Booking)
        .where(Booking.item_id == item.id, Booking.status == BookingStatus.DONE.value)
        .order_by(Booking.id.desc())
        .limit(1)
    ).scalar()


def checks_done(booking: Booking | None) -> bool:
    return booking is not None and booking.trial_done and all((booking.equipment or {}).get(c) for c in EQUIPMENT)


def _was_cancelled(item) -> bool:
    return (
        db.session.execute(
            db.select(Booking.id).where(Booking.item_id == item.id, Booking.status == BookingStatus.CANCELLED.value)
        ).first()
        is not None
    )


def step_problems(item, step) -> list[Problem]:
    if item.kind == KIND and step.kind == "review":
        # each approval checks the room again (the final approval runs validate_item itself)
        from hub_vidcon import series

        target = item.target("vidcon")
        found = series.validate(item, target.options if target else {}, "approve")
        return [p for p in found if p.rule == "vidcon.room_taken"]
    if item.kind != KIND or step.key not in (COORDINATE, RUN_REPORT):
        return []
    booking = booking_of(item)
    if booking is None and _was_cancelled(item):
        return []  # nothing left to prepare or report: the steps may be closed
    if booking is None:
        return [
            Problem(
                "vidcon",
                "booking",
                "vidcon.not_confirmed",
                "Pemesanan belum terkonfirmasi; tunggu sampai ruang dipesan.",
                "The booking is not confirmed yet; wait until the room is booked.",
            )
        ]
    if step.key == COORDINATE and not checks_done(booking):
        return [
            Problem(
                "vidcon",
                "booking",
                "vidcon.checks_missing",
                "Catat pengecekan semua peralatan dan uji coba di halaman pemesanan sebelum menyelesaikan langkah ini.",
                "Record the check of every equipment item and the trial run on the booking page before completing"
                " this step.",
            )
        ]
    if step.key == RUN_REPORT and booking.status != BookingStatus.DONE.value:
        return [
            Problem(
                "vidcon",
                "booking",
                "vidcon.report_missing",
                "Isi laporan pelaksanaan di halaman pemesanan; laporan itu menyelesaikan langkah ini.",
                "File the meeting report on the booking page; filing it completes this step.",
            )
        ]
    return []


def record_checks(booking: Booking, equipment: dict, trial_done: bool) -> None:
    """Store the equipment check and the trial (no commit)."""
    booking.equipment = {code: bool(equipment.get(code)) for code in EQUIPMENT}
    if trial_done and not booking.trial_done:
        booking.trial_at = utcnow()
    booking.trial_done = trial_done


def close_steps(booking: Booking, user, *, upto: str = RUN_REPORT) -> list[str]:
    """Complete the item's open coordinate (and, with ``upto=run_report``, run-and-report) steps as
    ``user``; returns the step keys closed. A step the person may not decide stays open."""
    closed = []
    for _ in range(2):
        step = current_step(booking.item)
        if step is None or step.key not in (COORDINATE, RUN_REPORT) or (upto == COORDINATE and step.key != COORDINATE):
            break
        try:
            decide_item(booking.item_id, user, "approve", step_kind=step.kind)
        except HubError:
            db.session.rollback()
            break
        closed.append(step.key)
    return closed


def superiors() -> list:
    office = operator_office()
    query = db.select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role.in_(SUPERIORS))
    if office is not None:
        query = query.where(User.organisation_id == office.id)
    return list(db.session.execute(query.distinct()).scalars())


def file_report(booking: Booking, user, **report) -> list[str]:
    """Close the booking with its report, audit it, tell the superiors, and close the workflow steps."""
    for key, value in report.items():
        setattr(booking, key, value)
    booking.status = BookingStatus.DONE.value
    booking.reported_by_id = user.id
    booking.reported_at = utcnow()
    booking.sequence = (booking.sequence or 0) + 1
    record_audit(
        "vidcon.booking_reported",
        actor=user,
        target_type="vidcon_booking",
        target_id=booking.id,
        details={"held": booking.held},
    )
    held_id = "terlaksana" if booking.held else "tidak terlaksana"
    held_en = "held" if booking.held else "not held"
    notify(
        superiors(),
        "vidcon_report",
        title_id=f"Laporan vidcon: {booking.item.title}",
        title_en=f"Video-conference report: {booking.item.title}",
        body_id=f"{booking.place}, {held_id}. {booking.report[:500]}",
        body_en=f"{booking.place}, {held_en}. {booking.report[:500]}",
        item_id=booking.item_id,
        url=f"/vidcon/bookings/{booking.id}",
    )
    db.session.commit()
    return close_steps(booking, user)


def cancel_booking(booking: Booking, user, reason: str) -> None:
    """Cancel a confirmed booking (the room is free again), audit it, tell the team and the requester."""
    booking.status = BookingStatus.CANCELLED.value
    booking.sequence = (booking.sequence or 0) + 1  # calendars learn of it (METHOD:CANCEL)
    record_audit(
        "vidcon.booking_cancelled",
        actor=user,
        target_type="vidcon_booking",
        target_id=booking.id,
        details={"reason": reason},
    )
    creator = db.session.get(User, booking.item.created_by_id)
    notify(
        [*team(), creator],
        "vidcon_cancelled",
        title_id=f"Vidcon dibatalkan: {booking.item.title}",
        title_en=f"Video conference cancelled: {booking.item.title}",
        body_id=reason,
        body_en=reason,
        item_id=booking.item_id,
        url=f"/vidcon/bookings/{booking.id}",
        data={"booking_id": booking.id},  # the e-mail carries the METHOD:CANCEL invitation
    )
    db.session.commit()


def team() -> list:
    """The technical team (Teknisi) of the operator office."""
    office = operator_office()
    query = db.select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "teknisi")
    if office is not None:
        query = query.where(User.organisation_id == office.id)
    return list(db.session.execute(query.distinct()).scalars())
