"""The password policy and login throttling settings page (``settings.manage``); changes are audited."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hub.auth import settings
from hub.extensions import db
from hub.permissions import require

bp = Blueprint("security_settings", __name__, url_prefix="/admin")


@bp.route("/password-policy", methods=["GET", "POST"])
@require("settings.manage")
def password_policy():
    errors = []
    if request.method == "POST":
        try:
            settings.put("password_policy", dict(request.form), actor=g.user)
            settings.put("login_throttle", dict(request.form), actor=g.user)
            db.session.commit()
        except settings.SettingError as exc:
            db.session.rollback()
            errors.append(str(exc))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("security_settings.password_policy"))
    return render_template(
        "auth/policy.html",
        policy=settings.get("password_policy"),
        throttle=settings.get("login_throttle"),
        limits=settings.LIMITS,
        errors=errors,
    ), 422 if errors else 200
