"""My notifications: the page ``/notifications`` and ``/api/v1/notifications``."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import update

from hub.extensions import db
from hub.inputs import int_arg
from hub.models import utcnow
from hub.notify.models import Notification
from hub.permissions import require

bp = Blueprint("notify", __name__)
api = Blueprint("notify_api", __name__, url_prefix="/api/v1")


def _mine(limit: int = 100, unread_only: bool = False) -> list[Notification]:
    stmt = db.select(Notification).where(Notification.user_id == g.user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(db.session.execute(stmt.order_by(Notification.id.desc()).limit(limit)).scalars())


def _mark_read(note_id: int | None = None) -> int:
    stmt = update(Notification).where(Notification.user_id == g.user.id, Notification.read_at.is_(None))
    if note_id is not None:
        stmt = stmt.where(Notification.id == note_id)
    count = db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return count


@bp.get("/notifications")
@require()
def page():
    """My notifications, newest first."""
    return render_template("workflow/notifications.html", notes=_mine(), lang=str(get_locale() or "id"))


@bp.post("/notifications/read")
@require()
def read_all():
    """Mark every notification (or the one named by ``id``) as read."""
    note_id = int_arg("id", source=request.form)
    _mark_read(note_id)
    target = f"/notifications#n{note_id}" if note_id else url_for("notify.page")
    return redirect(target)


@api.get("/notifications")
@require()
def list_notifications():
    """Your notifications, newest first (``unread=1`` for the unread ones only, ``limit`` up to 200)."""
    limit = min(max(int_arg("limit", 50), 1), 200)
    notes = _mine(limit, unread_only=request.args.get("unread") in ("1", "true"))
    unread = db.session.execute(
        db.select(db.func.count(Notification.id)).where(
            Notification.user_id == g.user.id, Notification.read_at.is_(None)
        )
    ).scalar_one()
    return jsonify(notifications=[n.as_dict() for n in notes], unread=unread)


@api.post("/notifications/<int:note_id>/read")
@require()
def mark_one(note_id: int):
    """Mark one of your notifications as read."""
    return jsonify(marked=_mark_read(note_id))


@api.post("/notifications/read")
@require()
def mark_all():
    """Mark all your notifications as read."""
    return jsonify(marked=_mark_read())
