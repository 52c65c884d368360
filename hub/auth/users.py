"""User administration (``user.manage``): list, create, edit roles and office, disable,
reset a password or two-factor. Temporary passwords are shown once, to the administrator."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub.auth import service, totp
from hub.extensions import db
from hub.inputs import int_arg
from hub.models import Organisation, User
from hub.permissions import require
from hub.roles import ROLES

bp = Blueprint("users", __name__, url_prefix="/admin/users")
PAGE = 50


def _message(exc: service.AccountError) -> str:
    return exc.message_id if str(get_locale() or "id") == "id" else exc.message_en


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("")
@require("user.manage")
def index():
    query = db.select(User).order_by(User.username)
    org_id = int_arg("org")
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    if org_id:
        query = query.where(User.organisation_id == org_id)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(db.or_(db.func.lower(User.username).like(like), db.func.lower(User.full_name).like(like)))
    if status in ("active", "disabled"):
        query = query.where(User.is_active.is_(status == "active"))
    page = int_arg("page", 1, lo=1, hi=100_000)
    users = db.session.scalars(query.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    return render_template(
        "auth/users.html", users=users[:PAGE], more=len(users) > PAGE, page=page, orgs=orgs, org_id=org_id, q=q,
        status=status,
    )  # fmt: skip


def _form_values() -> dict:
    form = request.form
    return {
        "full_name": form.get("full_name", ""),
        "email": form.get("email", ""),
        "language": form.get("language", "id") if form.get("language") in ("id", "en") else "id",
        "nip": form.get("nip", ""),
        "position": form.get("position", ""),
        "roles": form.getlist("roles"),
        "organisation": db.session.get(Organisation, form.get("organisation_id", type=int) or 0),
    }


@bp.route("/new", methods=["GET", "POST"])
@require("user.manage")
def new():
    errors, values = [], {}
    if request.method == "POST":
        values = _form_values()
        if values["organisation"] is None:
            errors.append(_("Choose the user's office."))
        else:
            try:
                user, password = service.create_user(username=request.form.get("username", ""), actor=g.user, **values)
                db.session.commit()
            except service.AccountError as exc:
                db.session.rollback()
                errors.append(_message(exc))
            else:
                return render_template("auth/user_password.html", user=user, password=password, created=True), 201
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    return render_template(
        "auth/user_form.html", user=None, orgs=orgs, roles=ROLES, errors=errors, form=request.form
    ), 422 if errors else 200


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@require("user.manage")
def edit(user_id: int):
    user = _user_or_404(user_id)
    errors = []
    if request.method == "POST":
        values = _form_values()
        try:
            if values["organisation"] is None:
                raise service.AccountError("Pilih kantor pengguna.", "Choose the user's office.")
            service.update_profile(
                user, full_name=values["full_name"], email=values["email"], organisation=values["organisation"],
                language=values["language"], nip=values["nip"], position=values["position"], actor=g.user,
            )  # fmt: skip
            if g.user.id != user.id:
                service.set_roles(user, values["roles"], actor=g.user)
            db.session.commit()
        except service.AccountError as exc:
            db.session.rollback()
            errors.append(_message(exc))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    return render_template(
        "auth/user_form.html", user=user, orgs=orgs, roles=ROLES, errors=errors, form=None,
        enrolled=totp.is_enrolled(user),
    ), 422 if errors else 200  # fmt: skip


@bp.post("/<int:user_id>/active")
@require("user.manage")
def set_active(user_id: int):
    user = _user_or_404(user_id)
    try:
        service.set_active(user, request.form.get("active") == "1", actor=g.user)
        db.session.commit()
    except service.AccountError as exc:
        db.session.rollback()
        flash(_message(exc), "error")
    else:
        flash(_("The account is active.") if user.is_active else _("The account is disabled."), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.post("/<int:user_id>/reset-password")
@require("user.manage")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    password = service.reset_password(user, actor=g.user)
    db.session.commit()
    return render_template("auth/user_password.html", user=user, password=password, created=False)


@bp.post("/<int:user_id>/reset-2fa")
@require("user.manage")
def reset_two_factor(user_id: int):
    user = _user_or_404(user_id)
    service.reset_two_factor(user, actor=g.user)
    db.session.commit()
    flash(_("Two-factor authentication was reset; the user sets it up again at the next login."), "success")
    return redirect(url_for("users.edit", user_id=user.id))
