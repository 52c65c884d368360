"""``/api/openapi.json``: an OpenAPI 3 document of every ``/api/`` route of the running app.

Built from the URL map, so a route cannot be missing from it: each rule becomes a path
(``<int:item_id>`` -> ``{item_id}``), each method an operation with the view's
docstring as its summary and description, the permission it declares, and what
:func:`hub.api.api_doc` adds (request body schema, responses).
"""

from __future__ import annotations

import inspect
import re

from flask import Blueprint, Flask, current_app, jsonify
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter

import hub
from hub.permissions import PUBLIC, declared_permission, public

bp = Blueprint("openapi", __name__)

_ARG = re.compile(r"<(?:[^>:]+:)?([A-Za-z_][A-Za-z0-9_]*)>")

ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string", "description": "Bahasa Indonesia / English"},
        "message_id": {"type": "string"},
        "message_en": {"type": "string"},
        "problems": {
            "type": "array",
            "description": "a channel check's problems, or a workflow definition's (strings with their path)",
            "items": {"oneOf": [{"$ref": "#/components/schemas/Problem"}, {"type": "string"}]},
        },
    },
    "required": ["error", "message"],
}
PROBLEM = {
    "type": "object",
    "properties": {
        "channel": {"type": "string"},
        "field": {"type": "string"},
        "rule": {"type": "string"},
        "severity": {"type": "string", "enum": ["error", "warning"]},
        "message": {"type": "object", "properties": {"id": {"type": "string"}, "en": {"type": "string"}}},
    },
}
STANDARD = {
    "400": "Malformed request: not valid JSON, not a JSON object, a bad query parameter (hub.inputs)",
    "401": "Not logged in / no valid token",
    "403": "Not allowed",
    "404": "Not found (or not visible to you)",
    "409": "Conflict: decided or changed by someone else meanwhile",
    "422": "Invalid input or a failed check (see problems)",
}


def _parameter(name: str, converter) -> dict:
    schema: dict = {"type": "string"}
    if isinstance(converter, IntegerConverter):
        schema = {"type": "integer", "format": "int32"}
        if converter.min is not None:
            schema["minimum"] = converter.min
        if converter.max is not None:
            schema["maximum"] = converter.max
    elif isinstance(converter, FloatConverter):
        schema = {"type": "number"}
    elif isinstance(converter, AnyConverter):
        schema = {"type": "string", "enum": sorted(converter.items)}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def openapi_path(rule) -> str:
    return _ARG.sub(lambda m: "{" + m.group(1) + "}", rule.rule)


def _operation(rule, method: str, view) -> dict:
    doc = inspect.getdoc(view) or ""
    summary, _, description = doc.partition("\n")
    extra = getattr(view, "_api_doc", {}) or {}
    permission = declared_permission(view)
    responses = (
        {"204": {"description": "Done, nothing to return"}} if method == "DELETE" else {"200": {"description": "OK"}}
    )
    for code, text in {**STANDARD, **{str(k): v for k, v in extra.get("responses", {}).items()}}.items():
        responses[code] = {"description": text}
        if code[0] in "45":
            responses[code]["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    op = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "summary": extra.get("summary") or summary or rule.endpoint,
        "description": description.strip(),
        "tags": [rule.endpoint.split(".")[0]],
        "parameters": [_parameter(name, conv) for name, conv in rule._converters.items()],
        "responses": responses,
    }
    if permission == PUBLIC:
        op["security"] = []
    else:
        op["x-hub-permissions"] = [p for p in (permission or ()) if p != "authenticated"]
    if extra.get("request") and method in ("POST", "PUT", "PATCH"):
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": extra["request"]}}}
    return op


def build_spec(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(openapi_path(rule), {})[method.lower()] = _operation(rule, method, view)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Hub Publikasi API / Publishing hub API",
            "version": hub.__version__,
            "description": "Items, uploads, submissions, inbox, decisions, workflows and publication status. "
            "Authenticate with `Authorization: Bearer <token>` (an API token) or the session cookie "
            "(then send the CSRF token on POST, PUT, PATCH and DELETE).",
        },
        "servers": [{"url": app.config.get("BASE_URL", "/")}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")},
            },
            "schemas": {"Error": ERROR, "Problem": PROBLEM},
        },
    }


@bp.get("/api/openapi.json")
@public
def openapi_json():
    """The OpenAPI 3 document of this hub's JSON API."""
    return jsonify(build_spec(current_app._get_current_object()))
