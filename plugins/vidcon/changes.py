"""Moving a booking: the requester asks, the Kepala Bidang decides (SOP 003: the Kepala Bidang
forwards requests to the team), the room is checked again each time.

The request is kept on the booking (``pending_move``) while the booking stays as it was; when the
Kepala Bidang approves, the booking takes the new time and room in one update that the database's
no-overlap guard checks too, ``sequence`` is raised (calendars update the event), the request's
options follow, and the reminders are queued again. Both steps are audited.
"""

from __future__ import annotations

from hub_vidcon.booking import check_request, parse_request
from hub_vidcon.models import Booking, BookingStatus
from sqlalchemy.exc import IntegrityError

from hub.sdk import Problem, User, UserRole, db, notify, record_audit, refresh_due_times, utcnow

MOVE_KEYS = ("date", "start", "end", "room")
#: the rules a move is held to (the request's other details were checked already)
MOVE_RULES = {
    "vidcon.required",
    "vidcon.room_unknown",
    "vidcon.date_format",
    "vidcon.time_format",
    "vidcon.end_after_start",
    "vidcon.service_hours",
    "vidcon.in_past",
    "vidcon.room_taken",
}


def _options(booking: Booking, move: dict) -> dict:
    target = booking.item.target("vidcon")
    return {**(target.options if target else {}), **{k: move.get(k, "") for k in MOVE_KEYS}}


def check_move(booking: Booking, move: dict) -> tuple[object, list[Problem]]:
    req, problems = parse_request(_options(booking, move))
    if req is None:
        return None, problems
    problems = [
        p
        for p in check_request(req, phase="move", exclude_item_id=booking.item_id)
        if p.rule in MOVE_RULES and p.severity == "error"
    ]
    if req.starts_at <= utcnow():
        problems.append(
            Problem(
                "vidcon",
                "vidcon.date",
                "vidcon.in_past",
                "Waktu rapat sudah lewat; pilih tanggal yang akan datang.",
                "The meeting time has passed; choose a future date.",
            )
        )
    return req, problems


def heads() -> list:
    from hub_vidcon.booking import operator_office

    office = operator_office()
    query = db.select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "kepala_bidang")
    if office is not None:
        query = query.where(User.organisation_id == office.id)
    return list(db.session.execute(query.distinct()).scalars())


def ask_move(booking: Booking, user, move: dict, reason: str) -> list[Problem]:
    """Record the requester's move request (after checking it); returns the problems (nothing stored then)."""
    _req, problems = check_move(booking, move)
    if problems:
        return problems
    booking.pending_move = {
        **{k: str(move.get(k, "")) for k in MOVE_KEYS},
        "reason": reason,
        "by": user.id,
        "at": utcnow().isoformat(),
    }
    record_audit(
        "vidcon.move_requested",
        actor=user,
        target_type="vidcon_booking",
        target_id=booking.id,
        details={"move": booking.pending_move},
    )
    notify(
        heads(),
        "vidcon_move",
        title_id=f"Permintaan pindah jadwal vidcon: {booking.item.title}",
        title_en=f"Video conference move requested: {booking.item.title}",
        body_id=f"{move.get('date')} {move.get('start')}–{move.get('end')}. {reason}",
        body_en=f"{move.get('date')} {move.get('start')}–{move.get('end')}. {reason}",
        item_id=booking.item_id,
        url=f"/vidcon/bookings/{booking.id}",
    )
    db.session.commit()
    return []


def decide_move(booking: Booking, user, approve: bool) -> list[Problem]:
    """The Kepala Bidang approves (the booking moves) or declines the waiting move."""
    move = booking.pending_move or {}
    problems: list[Problem] = []
    if approve:
        req, problems = check_move(booking, move)
        if not problems:
            try:
                with db.session.begin_nested():
                    booking.starts_at, booking.ends_at = req.starts_at, req.ends_at
                    booking.room_id = req.room.id if req.room is not None else None
                    booking.place = req.place
                    db.session.flush()
            except IntegrityError:
                from hub_vidcon.booking import taken_problem

                db.session.refresh(booking)
                problems = [taken_problem(req, None)]
        if problems:
            return problems
        target = booking.item.target("vidcon")
        if target is not None:
            target.options = {**target.options, **{k: move[k] for k in MOVE_KEYS}}
        booking.sequence = (booking.sequence or 0) + 1
        # the steps anchored to the meeting (preparation before it starts, the report after it ends) follow it
        refresh_due_times(booking.item)
    booking.pending_move = None
    record_audit(
        "vidcon.move_approved" if approve else "vidcon.move_declined",
        actor=user,
        target_type="vidcon_booking",
        target_id=booking.id,
        details={"move": move},
    )
    creator = db.session.get(User, booking.item.created_by_id)
    notify(
        [creator],
        "vidcon_move",
        title_id=f"Pindah jadwal {'disetujui' if approve else 'ditolak'}: {booking.item.title}",
        title_en=f"Move {'approved' if approve else 'declined'}: {booking.item.title}",
        item_id=booking.item_id,
        url=f"/vidcon/bookings/{booking.id}",
        data={"booking_id": booking.id} if approve else None,  # the e-mail carries the updated invitation
    )
    db.session.commit()
    if approve and booking.status == BookingStatus.CONFIRMED.value:
        from hub_vidcon.reminders import schedule

        try:
            schedule(booking)
        except Exception:  # noqa: BLE001 - the queue being down must not undo the move
            pass
    return []
