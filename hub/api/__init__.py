"""The JSON API: shared helpers for every area's ``/api/v1/…`` endpoints and the OpenAPI document.

An area adds endpoints on its own blueprint (``url_prefix="/api/v1"``), declares each
view's permission with :func:`hub.permissions.require` like any page, and may describe it
with :func:`api_doc`. ``/api/openapi.json`` lists every rule under ``/api/`` of the running
app, described or not (:mod:`hub.api.openapi`).

Errors are JSON: ``{"error": code, "message": "<Bahasa Indonesia> / <English>",
"message_id", "message_en", …details}`` with the HTTP status of the error (400 malformed
request (:mod:`hub.inputs`), 401, 403, 404, 409 conflict, 422 invalid or a failed check with
``problems``, 507 storage full).
"""

from __future__ import annotations

from flask import Flask, jsonify, request

from hub.inputs import json_object
from hub.workflow.errors import WorkflowError


def api_doc(summary: str = "", *, request_schema: dict | None = None, responses: dict | None = None, **extra):
    """Describe a view in the OpenAPI document (summary, JSON body schema, responses)."""

    def decorator(view):
        view._api_doc = {"summary": summary, "request": request_schema, "responses": responses or {}, **extra}
        return view

    return decorator


def json_body() -> dict:
    """The request's JSON object (:func:`hub.inputs.json_object`): 400 ``invalid_json`` or
    ``not_an_object`` when it is not one."""
    return json_object()


def error_response(exc: WorkflowError):
    return jsonify(exc.as_dict()), exc.status


def init_app(app: Flask) -> None:
    """Register the OpenAPI document and the JSON rendering of the workflow area's errors."""
    from hub.api.openapi import bp as openapi_bp
    from hub.items.api import bp as items_api
    from hub.notify.views import api as notify_api
    from hub.workflow.api import bp as workflow_api

    for blueprint in (openapi_bp, items_api, workflow_api, notify_api):
        app.register_blueprint(blueprint)

    @app.errorhandler(WorkflowError)
    def _workflow_error(exc: WorkflowError):
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return error_response(exc)
        from flask import render_template
        from flask_babel import get_locale

        lang = str(get_locale() or "id")
        return render_template("errors/error.html", title=str(exc.status), message=exc.message(lang)), exc.status
