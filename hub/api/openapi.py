"""``/api/openapi.json``: the OpenAPI 3.1 document of every ``/api/`` route of the running app.

flask-smorest (apispec + marshmallow) generates it from each :class:`hub.api.ApiBlueprint`
view's declarations (``arguments``, ``response``); this module then walks the URL map so
a route cannot be missing from it, and adds to every operation what the hub knows beside:
the permission it declares (``x-hub-permissions``, or no security for a public one) and the
problem+json answers every operation may give (401, 403, 404, 400/422 where it reads input).
"""

from __future__ import annotations

import copy
import inspect
import re

from flask import Flask, current_app, jsonify

from hub.api import ApiBlueprint
from hub.api.problems import PROBLEM_MIME
from hub.api.schemas import fields, ma
from hub.permissions import PUBLIC, declared_permission, public

bp = ApiBlueprint("openapi", __name__, description="This document")


class OpenApiDocument(ma.Schema):
    """An OpenAPI 3.1 document."""

    class Meta:
        unknown = ma.INCLUDE

    openapi = fields.String(required=True)
    info = fields.Dict(required=True)
    paths = fields.Dict(required=True)
    components = fields.Dict()


_ARG = re.compile(r"<(?:[^>:]+:)?([A-Za-z_][A-Za-z0-9_]*)>")

#: the problem answers any operation may give, with what they mean
STANDARD = {
    "400": "Malformed request: not valid JSON, not a JSON object, a query or path parameter that does not fit",
    "401": "Not logged in, or no valid token (see WWW-Authenticate)",
    "403": "Not allowed",
    "404": "Not found (or not visible to you)",
    "409": "Conflict: decided or changed by someone else meanwhile",
    "422": "Invalid input or a failed check (see errors, problems)",
}


def openapi_path(rule) -> str:
    return _ARG.sub(lambda m: "{" + m.group(1) + "}", rule.rule)


def _problem_response(text: str) -> dict:
    return {"description": text, "content": {PROBLEM_MIME: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _complete(op: dict, rule, method: str, view) -> dict:
    """Add to an operation what the hub knows of its view: permissions, errors, a summary."""
    doc = inspect.getdoc(view) or ""
    summary, _, description = doc.partition("\n")
    op.setdefault("operationId", f"{rule.endpoint}.{method.lower()}")
    op.setdefault("summary", summary or rule.endpoint)
    if description.strip():
        op.setdefault("description", description.strip())
    op.setdefault("tags", [rule.endpoint.split(".")[0]])
    permission = declared_permission(view)
    if permission == PUBLIC:
        op["security"] = []
    else:
        op["x-hub-permissions"] = [p for p in (permission or ()) if p != "authenticated"]
    responses = op.setdefault("responses", {})
    for code, text in STANDARD.items():
        if permission == PUBLIC and code in ("401", "403"):
            continue
        answer = responses.get(code)
        if answer is None or "content" not in answer or "application/json" in answer.get("content", {}):
            responses[code] = _problem_response((answer or {}).get("description") or text)
    if permission != PUBLIC:
        responses["401"]["headers"] = {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="hub"'}
        }
    return op


def build_spec(app: Flask) -> dict:
    """The document: flask-smorest's, checked against the URL map and completed (see the module doc)."""
    from hub.api import api_of
    from hub.api.schemas import ProblemSchema

    api = api_of(app)
    document = api.document()
    if "Problem" not in document.components.schemas:
        document.components.schema("Problem", schema=ProblemSchema)
    spec = copy.deepcopy(document.to_dict())
    spec.get("components", {}).get("schemas", {}).pop("PaginationMetadata", None)  # flask-smorest's, unused
    spec["paths"] = {path: ops for path, ops in spec.get("paths", {}).items() if path.startswith("/api/")}
    for ops in spec["paths"].values():  # flask-smorest puts path parameters on the path: each operation gets them
        shared = ops.pop("parameters", None) or []
        for op in ops.values():
            own = {(p["name"], p["in"]) for p in op.get("parameters", [])}
            op["parameters"] = [p for p in shared if (p["name"], p["in"]) not in own] + op.get("parameters", [])
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        ops = spec["paths"].setdefault(openapi_path(rule), {})
        for method in sorted((rule.methods or set()) - {"OPTIONS"}):
            if method == "HEAD" and "head" not in ops:  # implied by GET; listed only where declared
                continue
            op = ops.setdefault(method.lower(), _undeclared(app, rule, method))
            _complete(op, rule, method, view)
    spec["info"]["description"] = (
        "Items, uploads, submissions, inbox, decisions, workflows, publications, people and offices. "
        "Authenticate with `Authorization: Bearer <token>` (an API token) or the session cookie "
        "(then send the CSRF token on POST, PUT, PATCH and DELETE). Errors are RFC 9457 "
        "`application/problem+json`; `detail` is in the language of `Accept-Language` (id or en)."
    )
    spec["servers"] = [{"url": app.config.get("BASE_URL", "/")}]
    spec["security"] = [{"bearer": []}, {"session": []}]
    spec.setdefault("components", {}).setdefault("securitySchemes", {}).update(
        {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")},
        }
    )
    return spec


def _undeclared(app: Flask, rule, method: str) -> dict:
    """A route on a plain blueprint: listed with its path parameters, without an answer schema
    (the document's test and the conformance check then point at it)."""
    from hub.api import api_of

    return {
        "parameters": api_of(app).flask_plugin.rule_to_params(rule),
        "responses": {"204" if method == "DELETE" else "200": {"description": "OK"}},
    }


#: documents already built, by what they are built from (see :func:`cached_spec`)
_BUILT: dict[tuple, tuple[dict, tuple]] = {}


def cached_spec(app: Flask) -> dict:
    """The app's document, built once per app and shared by apps built the same way.

    Apps of one process with the same ``/api/`` routes on the same view functions (and the same
    server URL and cookie name) have the same document: the tests build an app per test, so
    the document is built once per distinct set of routes, not per test. The cache keeps the
    view functions it was keyed by alive, so an ``id`` is never reused for another view.
    """
    spec = app.extensions.get("hub_openapi")
    if spec is None:
        rules = sorted((r for r in app.url_map.iter_rules() if r.rule.startswith("/api/")), key=lambda r: r.rule)
        views = tuple(app.view_functions[r.endpoint] for r in rules)
        key = (
            tuple(
                (r.rule, r.endpoint, tuple(sorted(r.methods or ())), id(v)) for r, v in zip(rules, views, strict=True)
            ),
            app.config.get("BASE_URL", "/"),
            app.config.get("SESSION_COOKIE_NAME"),
        )
        if key not in _BUILT:
            if len(_BUILT) >= 32:
                _BUILT.clear()
            _BUILT[key] = (build_spec(app), views)
        spec = app.extensions["hub_openapi"] = _BUILT[key][0]
    return spec


@bp.get("/api/openapi.json")
@public
@bp.response(200, OpenApiDocument)
def openapi_json():
    """The OpenAPI 3.1 document of this hub's JSON API."""
    return jsonify(cached_spec(current_app._get_current_object()))
