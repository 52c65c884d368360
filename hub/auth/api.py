"""``/api/me``: who a token (or session) belongs to, and what it may do. A first API endpoint
for scripts to check their token with."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from hub.permissions import permissions_of, require

bp = Blueprint("api_auth", __name__, url_prefix="/api")


@bp.get("/me")
@require()
def me():
    user = g.user
    return jsonify(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        organisation_id=user.organisation_id,
        roles=sorted(user.role_codes),
        permissions=sorted(permissions_of(user)),
        auth=g.auth,
    )
