"""Managing screens and screen groups, and the player secret of each screen."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, flash, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from hub_videotron.config import now
from hub_videotron.models import PlaylistEntry, Screen, ScreenGroup
from hub_videotron.playlist import playlist_for
from hub_videotron.records import INCIDENT_KINDS, Incident, PlayRecord
from hub_videotron.screens import has_live_token, is_online, issue_token, player_url, revoke_tokens
from hub_videotron.views import bp

from hub.sdk import Item, db, has_permission, record_audit, require

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
NUMBERS = {"width_px": int, "height_px": int, "width_m": float, "height_m": float}


def _screen_or_404(screen_id: int) -> Screen:
    return db.session.get(Screen, screen_id) or abort(404)


@bp.get("/screens")
@require("screen.monitor")
def screens():
    rows = db.session.scalars(db.select(Screen).order_by(Screen.city, Screen.name)).all()
    groups = db.session.scalars(db.select(ScreenGroup).order_by(ScreenGroup.name)).all()
    return render_template("videotron/screens.html", screens=rows, groups=groups, online=is_online)


@bp.get("/screens.json")
@require("item.create")
def screens_json():
    """Screens and groups a creator can target (for item forms): codes, names, places."""
    rows = db.session.scalars(db.select(Screen).where(Screen.active.is_(True)).order_by(Screen.name)).all()
    groups = db.session.scalars(db.select(ScreenGroup).order_by(ScreenGroup.name)).all()
    return jsonify(
        screens=[{"code": s.code, "name": s.name, "city": s.city, "location": s.location} for s in rows],
        groups=[{"code": gr.code, "name": gr.name, "screens": [s.code for s in gr.screens]} for gr in groups],
    )


def _apply_form(screen: Screen, form) -> list[str]:
    errors = []
    code = form.get("code", "").strip().lower()
    if not CODE.match(code):
        errors.append(_("The code must be 2–60 lowercase letters, digits or dashes."))
    elif db.session.scalar(db.select(Screen.id).where(Screen.code == code, Screen.id != (screen.id or 0))):
        errors.append(_("Another screen already uses this code."))
    name = form.get("name", "").strip()
    if not name:
        errors.append(_("The name is required."))
    for key, cast in NUMBERS.items():
        try:
            value = cast(form.get(key, ""))
            if value <= 0:
                raise ValueError
            setattr(screen, key, value)
        except ValueError:
            errors.append(_("Sizes and resolutions must be positive numbers."))
            break
    for key, limit in (("latitude", 90), ("longitude", 180)):
        raw = form.get(key, "").strip().replace(",", ".")
        try:
            value = float(raw) if raw else None
            if value is not None and abs(value) > limit:
                raise ValueError
            setattr(screen, key, value)
        except ValueError:
            errors.append(_("Coordinates must be decimal degrees, e.g. -0.9471 and 100.4172."))
    zone = form.get("timezone", "").strip()
    try:
        if zone:
            ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(_("Unknown time zone; use a name such as Asia/Jakarta."))
    orientation = form.get("orientation", "landscape")
    screen.code, screen.name, screen.timezone = code, name, zone or None
    screen.location = form.get("location", "").strip()[:300]
    screen.city = form.get("city", "").strip()[:100]
    screen.orientation = orientation if orientation in ("landscape", "portrait") else "landscape"
    screen.active = form.get("active") == "on"
    screen.notes = form.get("notes", "").strip()
    chosen = {int(x) for x in form.getlist("groups") if x.isdigit()}
    screen.groups = list(db.session.scalars(db.select(ScreenGroup).where(ScreenGroup.id.in_(chosen)))) if chosen else []
    return errors


def _form_page(screen: Screen, errors: list[str], status: int = 200):
    groups = db.session.scalars(db.select(ScreenGroup).order_by(ScreenGroup.name)).all()
    return render_template("videotron/screen_form.html", screen=screen, groups=groups, errors=errors), status


@bp.route("/screens/new", methods=["GET", "POST"])
@require("screen.manage")
def screen_new():
    screen = Screen(code="", name="", active=True, width_px=1920, height_px=1080, width_m=6.0, height_m=4.0)
    if request.method == "GET":
        return _form_page(screen, [])
    with db.session.no_autoflush:
        errors = _apply_form(screen, request.form)
    if errors:
        db.session.rollback()
        return _form_page(screen, errors, 422)
    db.session.add(screen)
    db.session.flush()
    record_audit(
        "videotron.screen_created", target_type="videotron_screen", target_id=screen.id, details={"code": screen.code}
    )
    db.session.commit()
    flash(_("Screen saved. Give it a player link next."), "success")
    return redirect(url_for(".screen", screen_id=screen.id))


@bp.route("/screens/<int:screen_id>/edit", methods=["GET", "POST"])
@require("screen.manage")
def screen_edit(screen_id: int):
    screen = _screen_or_404(screen_id)
    if request.method == "GET":
        return _form_page(screen, [])
    with db.session.no_autoflush:
        errors = _apply_form(screen, request.form)
    if errors:
        page = _form_page(screen, errors, 422)
        db.session.rollback()
        return page
    record_audit(
        "videotron.screen_changed", target_type="videotron_screen", target_id=screen.id, details={"code": screen.code}
    )
    db.session.commit()
    flash(_("Screen saved."), "success")
    return redirect(url_for(".screen", screen_id=screen.id))


@bp.get("/screens/<int:screen_id>")
@require("screen.monitor")
def screen(screen_id: int):
    screen = _screen_or_404(screen_id)
    at = now()
    upcoming = db.session.scalars(
        db.select(PlaylistEntry)
        .where(PlaylistEntry.screen_id == screen.id, PlaylistEntry.removed_at.is_(None), PlaylistEntry.ends_at > at)
        .order_by(PlaylistEntry.starts_at, PlaylistEntry.id)
    ).all()
    incidents = db.session.scalars(
        db.select(Incident).where(Incident.screen_id == screen.id).order_by(Incident.opened_at.desc()).limit(20)
    ).all()
    plays = db.session.scalars(
        db.select(PlayRecord).where(PlayRecord.screen_id == screen.id).order_by(PlayRecord.started_at.desc()).limit(20)
    ).all()
    return render_template(
        "videotron/screen.html",
        screen=screen,
        playing=playlist_for(screen, at),
        upcoming=upcoming,
        incidents=incidents,
        plays=plays,
        kinds=INCIDENT_KINDS,
        online=is_online(screen, at),
        has_link=has_live_token(screen),
        can_manage=has_permission(g.user, "screen.manage"),
    )


@bp.post("/screens/<int:screen_id>/secret")
@require("screen.manage")
def screen_secret(screen_id: int):
    """Issue a new player link (the old one stops) or revoke the link."""
    screen = _screen_or_404(screen_id)
    if request.form.get("action") == "revoke":
        revoke_tokens(screen, by=g.user)
        record_audit("videotron.secret_revoked", target_type="videotron_screen", target_id=screen.id)
        db.session.commit()
        flash(_("The player link was revoked; the screen stops at its next check."), "success")
        return redirect(url_for(".screen", screen_id=screen.id))
    token = issue_token(screen, by=g.user)
    record_audit("videotron.secret_issued", target_type="videotron_screen", target_id=screen.id)
    db.session.commit()
    # shown once, never stored in clear or put in the session
    response = make_response(render_template("videotron/secret.html", screen=screen, url=player_url(token)))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/groups", methods=["GET", "POST"])
@require("screen.manage")
def groups():
    if request.method == "POST":
        code, name = request.form.get("code", "").strip().lower(), request.form.get("name", "").strip()
        if not CODE.match(code) or not name:
            flash(_("A group needs a code (lowercase letters, digits, dashes) and a name."), "error")
        elif db.session.scalar(db.select(ScreenGroup.id).where(ScreenGroup.code == code)):
            flash(_("Another group already uses this code."), "error")
        else:
            group = ScreenGroup(code=code, name=name, description=request.form.get("description", "").strip()[:500])
            db.session.add(group)
            db.session.flush()
            record_audit("videotron.group_created", target_type="videotron_screen_group", target_id=group.id)
            db.session.commit()
            flash(_("Group saved. Add screens to it from each screen's form."), "success")
        return redirect(url_for(".groups"))
    rows = db.session.scalars(db.select(ScreenGroup).order_by(ScreenGroup.name)).all()
    return render_template("videotron/groups.html", groups=rows)


@bp.get("/items/<int:item_id>")
@require()
def item_screens(item_id: int):
    """Where an item plays: its entries per screen, their windows, and the plays so far."""
    item = db.session.get(Item, item_id) or abort(404)
    if not has_permission(g.user, "item.view_all") and item.organisation_id != g.user.organisation_id:
        abort(403)
    entries = db.session.scalars(
        db.select(PlaylistEntry).where(PlaylistEntry.item_id == item.id).order_by(PlaylistEntry.id)
    ).all()
    counts = dict(
        db.session.execute(
            db.select(PlayRecord.screen_id, db.func.count(PlayRecord.id))
            .where(PlayRecord.item_id == item.id, PlayRecord.completed.is_(True))
            .group_by(PlayRecord.screen_id)
        ).all()
    )
    from hub_videotron.approval import MARKS, may_mark
    from hub_videotron.media import versions_of

    return render_template(
        "videotron/item.html",
        item=item,
        entries=entries,
        counts=counts,
        at=now(),
        versions=versions_of(entries),
        can_request=has_permission(g.user, "publication.manage"),
        marks=MARKS,
        can_mark=may_mark(g.user, item),
    )


@bp.post("/items/<int:item_id>/marks")
@require("item.decide")
def item_marks(item_id: int):
    """The approver marks the item urgent (serta-merta) or a public-need exception, or clears the marks."""
    from hub_videotron.approval import MARKS, deciding_step, may_mark, set_marks

    item = db.session.get(Item, item_id) or abort(404)
    if deciding_step(item) is None:
        flash(_("This item is not waiting for a decision; its marks can no longer change."), "error")
        return item_screens(item.id), 409
    if not may_mark(g.user, item):
        abort(403)
    changed = set_marks(item, g.user, {mark: request.form.get(mark) == "1" for mark in MARKS})
    db.session.commit()
    flash(_("Marks saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for(".item_screens", item_id=item.id))


@bp.post("/items/<int:item_id>/versions")
@require("publication.manage")
def item_versions(item_id: int):
    """An admin asks for the item's video conformed to each of its screens (size and one-minute limit)."""
    from hub_videotron.media import request_screen_versions

    from hub.sdk import MediaError

    item = db.session.get(Item, item_id) or abort(404)
    try:
        keys = request_screen_versions(item)
    except MediaError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".item_screens", item_id=item.id))
    if not keys:
        flash(_("This item is not on any screen yet."), "error")
    else:
        record_audit(
            "videotron.versions_requested",
            target_type="item",
            target_id=item.id,
            details={"renditions": [k for k, _s in keys]},
        )
        db.session.commit()
        flash(_("Screen versions requested; screens play them once they are ready."), "success")
    return redirect(url_for(".item_screens", item_id=item.id))
