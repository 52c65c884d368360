"""Error pages and JSON errors, in the person's language."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        titles = {403: _("You are not allowed to see this page."), 404: _("Page not found")}
        message = titles.get(exc.code, exc.description)
        if _wants_json():
            return jsonify(error=exc.name.lower().replace(" ", "_"), message=message), exc.code
        return render_template("errors/error.html", title=f"{exc.code} {exc.name}", message=message), exc.code

    @app.errorhandler(Exception)
    def _server_error(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side. The error has been logged; please try again.")
        if _wants_json():
            return jsonify(error="server_error", message=message), 500
        return render_template("errors/error.html", title="500", message=message), 500
