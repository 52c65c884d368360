"""Helpers for the accounts tests: a probe plugin with a few protected routes."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from hub import hookimpl
from hub.permissions import require


class ProbePlugin:
    """Registers /api/probe (any logged-in user, GET and POST), /api/probe/admin (user.manage)
    and /probe/decide (item.decide), the way a plugin's blueprint would."""

    @hookimpl
    def register_blueprints(self, app):
        from marshmallow import Schema, fields

        from hub.sdk import ApiBlueprint

        class Who(Schema):
            user = fields.String(required=True)
            auth = fields.String(required=True)

        class Ok(Schema):
            ok = fields.Boolean(required=True)

        api = ApiBlueprint("probe_api", __name__)
        bp = Blueprint("probe", __name__)

        @api.route("/api/probe", methods=["GET", "POST"])
        @require()
        @api.response(200, Who)
        def probe():
            return jsonify(user=g.user.username, auth=g.auth)

        @api.get("/api/probe/admin")
        @require("user.manage")
        @api.response(200, Ok)
        def probe_admin():
            return jsonify(ok=True)

        @bp.post("/probe/decide")
        @require("item.decide")
        def probe_decide():
            return jsonify(decided=True)

        return [api, bp]


class UndeclaredPlugin:
    """A plugin whose view forgot its permission declaration."""

    @hookimpl
    def register_blueprints(self, app):
        bp = Blueprint("careless", __name__)

        @bp.get("/careless")
        def careless():
            return "anyone?"

        return [bp]


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("hub_session")
    return cookie.value if cookie else None
