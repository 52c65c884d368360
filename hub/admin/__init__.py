"""Administration: the index of every administrative page, and the organisations pages.

The other administrative pages belong to their areas (users: auth; workflows and the
working calendar: workflow; channel accounts, screens and the like: the channel plugins);
the index links them through the navigation registry (``section="admin"``), so a link
appears once its page exists and only for people who may open it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub.admin import service
from hub.admin.logo import MAX_BYTES, LogoError, clean_logo, data_uri
from hub.admin.service import KINDS, OFFICE_ZONES, ROLE_TITLE_MAX
from hub.extensions import db
from hub.models import Organisation, User
from hub.permissions import require
from hub.roles import ROLES
from hub.web.nav import visible_entries

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@require()
def index():
    """Every administrative page the person may open; 403 when there is none."""
    links = visible_entries(g.user, "admin")
    if not links:
        abort(403)
    return render_template("admin/index.html", links=links)


@bp.get("/organisations")
@require("user.manage")
def organisations():
    rows = db.session.execute(
        db.select(Organisation, db.func.count(User.id))
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id)
        .order_by(Organisation.kind, Organisation.name)
    ).all()
    return render_template("admin/organisations.html", rows=rows)


def _form_values(form) -> dict:
    """The organisation form as :func:`hub.admin.service.save_organisation` takes it."""
    return {
        "name": form.get("name", ""),
        "short_name": form.get("short_name", ""),
        "kind": form.get("kind"),
        "timezone": form.get("timezone", ""),
        "role_titles": {code: form.get(f"role_title_{code}", "") for code in ROLES},
        "address": form.get("address", ""),
        "city": form.get("city", ""),
    }


@bp.route("/organisations/new", methods=["GET", "POST"], endpoint="organisation_new")
@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"], endpoint="organisation_edit")
@require("user.manage")
def organisation_form(org_id: int | None = None):
    org = db.session.get(Organisation, org_id) if org_id else Organisation(kind="requester")
    if org is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _form_values(request.form)
        lang = str(get_locale() or "id")
        errors = {f: (m[0] if lang == "id" else m[1]) for f, m in service.check_organisation(values, org).items()}
        logo = None
        upload = request.files.get("logo")
        if upload is not None and upload.filename:
            try:
                logo = clean_logo(upload.read(MAX_BYTES + 1))
            except LogoError as exc:
                errors["logo"] = str(exc)
        if not errors:
            service.save_organisation(org, values, logo=logo, remove_logo=request.form.get("remove_logo") == "1")
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.organisations"))
    status = 422 if errors else 200
    return render_template(
        "admin/organisation_form.html", org=org, errors=errors, kinds=KINDS, zones=OFFICE_ZONES, roles=ROLES,
        title_max=ROLE_TITLE_MAX, logo_uri=data_uri(org.logo) if org.id else "",
    ), status  # fmt: skip
