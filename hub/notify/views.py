"""My notifications: the page ``/notifications`` and ``/api/v1/notifications``; my choices of media
(``/account/notifications``); failed and refused deliveries for the admin (``/admin/notifications``)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from hub.api import ApiBlueprint
from hub.api.schemas import IdEn, Page, PageArgs, fields, ma, page_of
from hub.extensions import db
from hub.inputs import int_arg
from hub.models import utcnow
from hub.notify.models import Notification
from hub.permissions import require

bp = Blueprint("notify", __name__)
api = ApiBlueprint("notify_api", __name__, url_prefix="/api/v1", description="Your notifications")


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


class NotificationSchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    item_id = fields.Integer(required=True, allow_none=True)
    title = fields.Nested(IdEn, required=True)
    body = fields.Nested(IdEn, required=True)
    url = fields.String(required=True, allow_none=True)
    created_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    read_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    email_status = fields.String(required=True, allow_none=True)


class NotificationArgs(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "only the unread ones"})


class NotificationPage(Page):
    notifications = fields.List(fields.Nested(NotificationSchema), required=True)
    unread = fields.Integer(required=True, metadata={"description": "how many of yours are unread (every page)"})


class NotificationsMarked(ma.Schema):
    marked = fields.Integer(required=True, metadata={"description": "how many were marked read now"})


@api.get("/notifications")
@require()
@api.arguments(NotificationArgs, location="query")
@api.response(200, NotificationPage)
def list_notifications(args):
    """Your notifications, newest first (``unread=1`` for the unread ones only); ``total`` counts
    those over all pages, ``unread`` every unread one of yours."""
    stmt = db.select(Notification).where(Notification.user_id == g.user.id)
    if args["unread"]:
        stmt = stmt.where(Notification.read_at.is_(None))
    notes, page = page_of(stmt.order_by(Notification.id.desc()), args, db.session)
    unread = (
        page["total"]
        if args["unread"]
        else db.session.execute(
            db.select(db.func.count(Notification.id)).where(
                Notification.user_id == g.user.id, Notification.read_at.is_(None)
            )
        ).scalar_one()
    )
    return {"notifications": [n.as_dict() for n in notes], "unread": unread, **page}


@api.post("/notifications/<int:note_id>/read")
@require()
@api.response(200, NotificationsMarked)
def mark_one(note_id: int):
    """Mark one of your notifications as read."""
    return {"marked": _mark_read(note_id)}


@api.post("/notifications/read")
@require()
@api.response(200, NotificationsMarked)
def mark_all():
    """Mark all your notifications as read."""
    return {"marked": _mark_read()}


# --- my notification choices, and the admin's view of deliveries ---------------------------------------


def _lang() -> str:
    return "en" if str(get_locale() or "id") == "en" else "id"


GROUP_LABELS = {
    "assigned": _l("Assigned to me"),
    "returned": _l("Returned or rejected"),
    "overdue": _l("Overdue"),
    "escalated": _l("Escalated"),
    "published": _l("Published"),
    "failed": _l("Failed"),
}


def turned_off(user) -> dict:
    """The media a refusal turned off for ``user`` (for the account page)."""
    from hub.notify.models import NotifyPreference
    from hub.notify.notifiers import notifiers

    pref = db.session.get(NotifyPreference, user.id)
    if pref is None or not pref.disabled:
        return {}
    known = notifiers()
    return {
        code: {**off, "label": known[code].label(_lang()) if code in known else code}
        for code, off in pref.disabled.items()
    }


@bp.route("/account/notifications", methods=["GET", "POST"])
@require("account.self")
def preferences_page():
    """Which media carry which kinds of notification to me, quiet hours, the daily digest."""
    from hub.notify.deliveries import chosen, office_default, preference_for
    from hub.notify.models import NotifyPreference
    from hub.notify.notifiers import KIND_GROUPS, outside_media

    media = [n for n in outside_media() if n.available()]
    if request.method == "POST":
        pref = preference_for(g.user)
        pref.media = {n.code: [k for k in KIND_GROUPS if request.form.get(f"{n.code}:{k}")] for n in media}
        pref.quiet_hours = bool(request.form.get("quiet_hours"))
        pref.digest = bool(request.form.get("digest"))
        enable = request.form.get("enable")
        if enable:
            from hub.notify.deliveries import enable_medium

            enable_medium(g.user, enable)
        db.session.commit()
        flash(_("Notification choices saved."), "success")
        return redirect(url_for("notify.preferences_page"))
    pref = db.session.get(NotifyPreference, g.user.id)
    default = office_default()
    addresses = {n.code: n.addresses([g.user]).get(g.user.id) for n in media}
    grid = {
        (n.code, k): chosen(pref, default, n.code, k) or _disabled_choice(pref, default, n.code, k)
        for n in media
        for k in KIND_GROUPS
    }
    return render_template(
        "notify/preferences.html",
        media=media,
        groups=[(k, GROUP_LABELS[k]) for k in KIND_GROUPS],
        grid=grid,
        addresses=addresses,
        pref=pref,
        disabled=(pref.disabled if pref is not None else {}) or {},
        lang=_lang(),
    )


def _disabled_choice(pref, default, medium: str, group: str) -> bool:
    """A medium a refusal turned off keeps its ticks (shown, not used) until it is turned on again."""
    if pref is None or medium not in (pref.disabled or {}):
        return False
    media = pref.media if pref.media is not None else default
    return group in (media.get(medium) or [])


@bp.route("/admin/notifications", methods=["GET", "POST"])
@require("settings.manage")
def admin_page():
    """The office default (which media carry which kinds for people who chose nothing), deliveries
    that failed or were refused, and the media turned off for people."""
    from hub.models import Setting, User
    from hub.notify.deliveries import office_default
    from hub.notify.models import DeliveryStatus, NotificationDelivery, NotifyPreference
    from hub.notify.notifiers import KIND_GROUPS, notifiers, outside_media

    if request.method == "POST":
        value = {n.code: [k for k in KIND_GROUPS if request.form.get(f"{n.code}:{k}")] for n in outside_media()}
        row = db.session.get(Setting, ("notify", "default_media"))
        if row is None:
            db.session.add(Setting(namespace="notify", key="default_media", value=value))
        else:
            row.value = value
        from hub.audit import record

        record("notify.default_media", actor=g.user, target_type="setting", target_id=None, details=value)
        db.session.commit()
        flash(_("Office default saved."), "success")
        return redirect(url_for("notify.admin_page"))
    default = office_default()

    problems = list(
        db.session.execute(
            db.select(NotificationDelivery, User)
            .join(User, User.id == NotificationDelivery.user_id)
            .where(NotificationDelivery.status.in_([DeliveryStatus.REFUSED.value, DeliveryStatus.FAILED.value]))
            .order_by(NotificationDelivery.id.desc())
            .limit(100)
        ).all()
    )
    turned_off = [
        (p, u)
        for p, u in db.session.execute(
            db.select(NotifyPreference, User).join(User, User.id == NotifyPreference.user_id).order_by(User.id)
        ).all()
        if p.disabled
    ]
    return render_template(
        "notify/admin.html",
        problems=problems,
        turned_off=turned_off,
        media=notifiers(),
        outside=outside_media(),
        groups=[(k, GROUP_LABELS[k]) for k in KIND_GROUPS],
        default=default,
        lang=_lang(),
    )
