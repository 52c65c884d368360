"""The acting officials' page (``/delegations``) and API (``/api/v1/delegations``).

An official names who acts for them; a system administrator (``user.manage``) for anyone. The
page lists who acts for whom now, what starts later or ended lately, and revokes. The rules are
in :mod:`hub.workflow.delegations`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub.api import ApiBlueprint
from hub.api.schemas import PageArgs, page_of
from hub.extensions import db
from hub.models import User
from hub.permissions import has_permission, require
from hub.roles import ROLES, role_label
from hub.workflow import delegations
from hub.workflow.api_schemas import DelegationArgs, DelegationPage, DelegationSchema
from hub.workflow.delegation_audit import audit_boundaries
from hub.workflow.delegation_models import DelegationKind
from hub.workflow.errors import InvalidRequest, NotAllowed, WorkflowError

bp = Blueprint("delegations", __name__)
api = ApiBlueprint("delegations_api", __name__, url_prefix="/api/v1", description="Acting officials (Plh./Plt.)")


def _lang() -> str:
    return str(get_locale() or "id")


def _may_use(user) -> bool:
    """Officials (who decide steps) and system administrators."""
    return has_permission(user, "item.decide") or has_permission(user, "user.manage")


def _user(user_id, field: str) -> User:
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise InvalidRequest("Pengguna tidak ditemukan.", "User not found.", field=field)
    return user


def _create_from(data: dict):
    delegator = _user(data.get("delegator_id") or g.user.id, "delegator_id")
    delegate = _user(data.get("delegate_id"), "delegate_id")
    roles = data.get("roles") or []
    if isinstance(roles, str):
        roles = [roles]
    if not isinstance(roles, list):
        raise InvalidRequest("roles harus berupa daftar.", "roles must be a list.", field="roles")
    return delegations.create(
        delegator,
        delegate,
        roles,
        data.get("starts_on"),
        data.get("ends_on"),
        kind=str(data.get("kind") or DelegationKind.PLH.value),
        note=str(data.get("note") or ""),
        by=g.user,
    )


def _choices():
    """The officials the person may name an acting official for, and the candidates to act."""
    admin = has_permission(g.user, "user.manage")
    stmt = db.select(User).where(User.is_active.is_(True)).order_by(User.full_name, User.username)
    if not admin:
        stmt = stmt.where(User.organisation_id == g.user.organisation_id)
    people = db.session.execute(stmt).scalars().all()
    officials = [u for u in people if delegations.delegable_roles(u)] if admin else [g.user]
    candidates = [u for u in people if has_permission(u, "item.decide") and (admin or u.id != g.user.id)]
    return officials, candidates


@bp.route("/delegations", methods=["GET", "POST"])
@require()
def page():
    """Who acts for whom now (Plh./Plt.); name an acting official; revoke."""
    if not _may_use(g.user):
        abort(403)
    audit_boundaries()
    form = request.form
    if request.method == "POST":
        try:
            row = _create_from(
                {
                    "delegator_id": form.get("delegator_id"),
                    "delegate_id": form.get("delegate_id"),
                    "roles": form.getlist("roles"),
                    "kind": form.get("kind"),
                    "starts_on": form.get("starts_on"),
                    "ends_on": form.get("ends_on"),
                    "note": form.get("note"),
                }
            )
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message(_lang()), "error")
            return _render(form, exc.status)
        flash(
            _(
                "%(delegate)s acts as %(kind)s for %(official)s.",
                delegate=row.delegate.display_name,
                kind=row.kind_label(),
                official=row.delegator.display_name,
            ),
            "success",
        )
        return redirect(url_for("delegations.page"))
    return _render({})


def _render(form, status: int = 200):
    admin = has_permission(g.user, "user.manage")
    officials, candidates = _choices()
    mine = None if admin else g.user
    return render_template(
        "workflow/delegations.html",
        current=delegations.current(),
        others=delegations.upcoming_and_recent(mine),
        officials=officials,
        candidates=candidates,
        roles=[(code, role_label(code, _lang())) for code in ROLES if code in _delegable_codes(officials)],
        form=form,
        admin=admin,
        role_label=lambda code: role_label(code, _lang()),
        today=delegations.today(g.user.organisation_id),
        may_revoke=lambda row: delegations.may_manage(g.user, row.delegator) or row.delegate_id == g.user.id,
    ), status


def _delegable_codes(officials) -> set[str]:
    codes: set[str] = set()
    for user in officials:
        codes.update(delegations.delegable_roles(user))
    return codes


@bp.post("/delegations/<int:delegation_id>/revoke")
@require()
def revoke(delegation_id: int):
    """End a delegation now."""
    try:
        row = delegations.revoke(delegation_id, g.user)
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message(_lang()), "error")
        return redirect(url_for("delegations.page"))
    flash(
        _(
            "Revoked: %(delegate)s no longer acts for %(official)s.",
            delegate=row.delegate.display_name,
            official=row.delegator.display_name,
        ),
        "success",
    )
    return redirect(url_for("delegations.page"))


# --- API ---------------------------------------------------------------------------------------


@api.get("/delegations")
@require()
@api.arguments(PageArgs, location="query")
@api.response(200, DelegationPage)
def list_delegations(args):
    """Who acts for whom now (``current``, every one), and a page of the delegations that start
    later or ended in the last 30 days (``others``: yours, or every one for a system
    administrator); ``total`` counts those over all pages."""
    if not _may_use(g.user):
        raise NotAllowed("Anda tidak berwenang.", "You are not allowed to do this.")
    audit_boundaries()
    mine = None if has_permission(g.user, "user.manage") else g.user
    moment = delegations.now()
    rows, page = page_of(delegations.upcoming_and_recent_stmt(mine, moment), args, db.session)
    return {
        "current": [delegations.as_dict(d, moment) for d in delegations.current(moment)],
        "others": [delegations.as_dict(d, moment) for d in rows],
        **page,
    }


@api.post("/delegations")
@require()
@api.arguments(DelegationArgs)
@api.response(201, DelegationSchema)
def create_delegation(data):
    """Name an acting official (Plh./Plt.).

    ``delegate_id`` acts as holder of the official's ``roles`` from ``starts_on`` to ``ends_on``
    (inclusive days in the office's time zone). 403: not the official nor an administrator."""
    return delegations.as_dict(_create_from(data))


@api.post("/delegations/<int:delegation_id>/revoke")
@require()
@api.response(200, DelegationSchema)
def revoke_delegation(delegation_id: int):
    """End a delegation now (the official, the acting official or a system administrator)."""
    return delegations.as_dict(delegations.revoke(delegation_id, g.user))
