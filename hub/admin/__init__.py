"""Administration: the index of every administrative page, and the organisations pages.

The other administrative pages belong to their areas (users: auth; workflows and the
working calendar: workflow; channel accounts, screens and the like: the channel plugins);
the index links them through the navigation registry (``section="admin"``), so a link
appears once its page exists and only for people who may open it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hub.admin.logo import MAX_BYTES, LogoError, clean_logo, data_uri
from hub.extensions import db
from hub.models import Organisation, User
from hub.permissions import require
from hub.roles import ROLES
from hub.web.nav import visible_entries

bp = Blueprint("admin", __name__, url_prefix="/admin")

KINDS = ("operator", "requester")
#: the longest title an office may give a role
ROLE_TITLE_MAX = 100
#: the zones an Indonesian office is in (WIB, WITA, WIT)
OFFICE_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


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


def _form_errors(form) -> dict[str, str]:
    errors = {}
    if not form.get("name", "").strip():
        errors["name"] = _("Enter the office's name.")
    if form.get("kind") not in KINDS:
        errors["kind"] = _("Choose whether the office runs the channels or only sends requests.")
    tz = form.get("timezone", "").strip()
    if tz and tz not in available_timezones():
        errors["timezone"] = _("Unknown time zone; choose one from the list.")
    if any(len(form.get(f"role_title_{code}", "").strip()) > ROLE_TITLE_MAX for code in ROLES):
        errors["role_titles"] = _("A role title has at most %(max)d characters.", max=ROLE_TITLE_MAX)
    return errors


def _role_titles(form) -> dict[str, str]:
    """The office's own titles for roles (``role_title_<code>``); an empty field keeps the standard name."""
    titles = {}
    for code in ROLES:
        title = " ".join(form.get(f"role_title_{code}", "").split())
        if title:
            titles[code] = title
    return titles


@bp.route("/organisations/new", methods=["GET", "POST"], endpoint="organisation_new")
@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"], endpoint="organisation_edit")
@require("user.manage")
def organisation_form(org_id: int | None = None):
    org = db.session.get(Organisation, org_id) if org_id else Organisation(kind="requester")
    if org is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        errors = _form_errors(form)
        name = form.get("name", "").strip()
        same_name = db.select(Organisation).where(Organisation.name == name)
        if org.id is not None:
            same_name = same_name.where(Organisation.id != org.id)
        if db.session.scalar(same_name) is not None:
            errors["name"] = _("Another office already has this name.")
        logo = None
        upload = request.files.get("logo")
        if upload is not None and upload.filename:
            try:
                logo = clean_logo(upload.read(MAX_BYTES + 1))
            except LogoError as exc:
                errors["logo"] = str(exc)
        if not errors:
            org.name = name
            org.short_name = form.get("short_name", "").strip()[:50]
            org.kind = form["kind"]
            org.timezone = form.get("timezone", "").strip() or None
            org.role_titles = _role_titles(form)
            org.address = " ".join(form.get("address", "").split())[:300]
            org.city = " ".join(form.get("city", "").split())[:100]
            if form.get("remove_logo") == "1":
                org.logo = None
            elif logo is not None:
                org.logo = logo
            if org.timezone:
                ZoneInfo(org.timezone)
            created = org.id is None
            if created:
                db.session.add(org)
            db.session.flush()
            _audit("organisation.created" if created else "organisation.updated", org)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.organisations"))
    status = 422 if errors else 200
    return render_template(
        "admin/organisation_form.html", org=org, errors=errors, kinds=KINDS, zones=OFFICE_ZONES, roles=ROLES,
        title_max=ROLE_TITLE_MAX, logo_uri=data_uri(org.logo) if org.id else "",
    ), status  # fmt: skip


def _audit(action: str, org: Organisation) -> None:
    """Add the change to the audit trail (``hub.audit``) in the same transaction, when the trail exists."""
    try:
        from hub import audit
    except ImportError:  # the audit area is not installed in this build
        return
    audit.record(
        action,
        target_type="organisation",
        target_id=org.id,
        details={
            "name": org.name,
            "kind": org.kind,
            "timezone": org.timezone,
            "role_titles": org.role_titles or {},
            "address": org.address,
            "city": org.city,
            "logo_bytes": len(org.logo) if org.logo else 0,
        },
    )
