"""My account: sessions (end any), API tokens (create, shown once; revoke), recovery codes."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub import audit
from hub.auth import passwords, tokens, totp
from hub.auth.models import ApiToken, AuthSession
from hub.extensions import db
from hub.models.base import utcnow
from hub.permissions import require

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(**extra):
    user = g.user
    sessions = db.session.scalars(
        db.select(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None), AuthSession.expires_at > utcnow())
        .order_by(AuthSession.last_seen_at.desc())
    ).all()
    tokens = db.session.scalars(
        db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/account.html",
        sessions=sessions,
        current_session=g.get("auth_session"),
        tokens=tokens,
        now=utcnow(),
        codes_left=totp.recovery_codes_left(user),
        expires=passwords.expires_at(user),
        token_days=current_app.config["API_TOKEN_DAYS"],
        token_max_days=current_app.config["API_TOKEN_MAX_DAYS"],
        **extra,
    )


@bp.get("")
@require("account.self")
def index():
    return _page()


@bp.post("/sessions/<int:session_id>/end")
@require("account.self")
def end_session(session_id: int):
    row = db.session.get(AuthSession, session_id)
    if row is None or row.user_id != g.user.id:
        abort(404)
    if row.ended_at is None:
        row.ended_at, row.end_reason = utcnow(), "ended_by_user"
        audit.record(
            "auth.session_ended", actor=g.user, target_type="user", target_id=g.user.id, details={"session": row.id}
        )
        db.session.commit()
    flash(_("The session has been ended."), "success")
    if g.auth_session is not None and row.id == g.auth_session.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("account.index"))


@bp.post("/tokens")
@require("account.self")
def create_api_token():
    if g.get("auth") != "session":
        abort(403)
    name = request.form.get("name", "").strip()[:100]
    try:
        days = int(request.form.get("days") or current_app.config["API_TOKEN_DAYS"])
    except ValueError:
        days = 0
    lang = str(get_locale() or "id")
    errors = [m[0] if lang == "id" else m[1] for m in tokens.check_request(name, days).values()]
    if errors:
        return _page(errors=errors), 422
    token, value = tokens.issue(g.user, name, days, actor=g.user)
    db.session.commit()
    return _page(new_token=value, new_token_row=token), 201


@bp.post("/tokens/<int:token_id>/revoke")
@require("account.self")
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != g.user.id:
        abort(404)
    if tokens.revoke(token, actor=g.user):
        db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("account.index"))


@bp.post("/recovery-codes")
@require("account.self")
def new_recovery_codes():
    """Ten new recovery codes (the old ones stop working); asks for the password again."""
    from hub.auth.views import check_password_again

    problem, status = check_password_again(g.user, request.form.get("password", ""), "recovery_codes")
    if problem:
        return _page(errors=[problem]), status
    codes = totp.new_recovery_codes(g.user)
    audit.record("auth.recovery_codes_renewed", actor=g.user, target_type="user", target_id=g.user.id)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next=url_for("account.index"))
