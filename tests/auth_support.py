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
        bp = Blueprint("probe", __name__)

        @bp.route("/api/probe", methods=["GET", "POST"])
        @require()
        def probe():
            return jsonify(user=g.user.username, auth=g.auth)

        @bp.get("/api/probe/admin")
        @require("user.manage")
        def probe_admin():
            return jsonify(ok=True)

        @bp.post("/probe/decide")
        @require("item.decide")
        def probe_decide():
            return jsonify(decided=True)

        return [bp]


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
