"""``/api/me``: who a token (or session) belongs to, and what it may do. The first call a
script makes, to check its token."""

from __future__ import annotations

from flask import g

from hub.api import ApiBlueprint
from hub.api.schemas import fields, ma
from hub.permissions import permissions_of, require

bp = ApiBlueprint("api_auth", __name__, url_prefix="/api", description="Who is calling")


class MeSchema(ma.Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    organisation_id = fields.Integer(required=True, allow_none=True)
    roles = fields.List(fields.String(), required=True)
    permissions = fields.List(fields.String(), required=True)
    auth = fields.String(required=True, metadata={"description": "session or token"})


@bp.get("/me")
@require()
@bp.response(200, MeSchema)
def me():
    """Who you are: your account, roles and permissions, and how you authenticated."""
    user = g.user
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "organisation_id": user.organisation_id,
        "roles": sorted(user.role_codes),
        "permissions": sorted(permissions_of(user)),
        "auth": g.auth,
    }
