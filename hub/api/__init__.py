"""The JSON API: every area's ``/api/…`` endpoints, declared with flask-smorest and marshmallow.

An area (or a plugin, through ``hub.sdk``) puts its endpoints on an :class:`ApiBlueprint`
and declares each operation where it is written::

    bp = ApiBlueprint("items_api", __name__, url_prefix="/api/v1")

    @bp.get("/items")
    @require()                                    # who may call it (checked first: 401/403)
    @bp.arguments(ItemListArgs, location="query")  # parsed and validated from this declaration
    @bp.response(200, ItemPageSchema)              # what it answers, in the OpenAPI document
    def list_items(args): ...

The OpenAPI 3.1 document (``/api/openapi.json``, :mod:`hub.api.openapi`) is generated from
those declarations. A view may return a dict (dumped through its response schema) or a
ready ``Response`` (``jsonify``), which is sent as it is; the test suite checks every API
answer against the document (``hub.testing``), so a declaration cannot drift from the answer.

Errors are RFC 9457 ``application/problem+json`` (:mod:`hub.api.problems`): a body that is
not valid JSON is 400 ``invalid_json``; a query or path parameter that does not fit its
declaration is 400 ``bad_parameter``; a JSON body that does not fit is 422 ``invalid``
with ``errors`` (``{"json": {field: [messages]}}``); a rule of the hub is 4xx with its own
code. Lists take ``limit`` and ``offset`` (or a cursor where declared) and answer ``total``.
"""

from __future__ import annotations

import flask_smorest
from flask import Flask, current_app
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

import hub
from hub.api.schemas import ProblemSchema
from hub.inputs import BadInput, json_object

__all__ = ["ApiBlueprint", "register", "api_of"]


class HubParser(FlaskParser):
    """webargs' Flask parser, reading JSON through :func:`hub.inputs.json_object` (no ``NaN``,
    no NUL, bounded depth) and refusing with the hub's own errors."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return json_object()

    def handle_error(self, error, req, schema, *, error_status_code=None, error_headers=None):
        messages = error.messages if isinstance(error.messages, dict) else {"json": error.messages}
        others = [loc for loc in messages if loc not in ("json", "form", "files")]
        if others:  # the query string, the path, a header: the request is malformed
            fields_at_fault = messages[others[0]]
            name = next(iter(fields_at_fault), "") if isinstance(fields_at_fault, dict) else ""
            raise BadInput(
                "bad_parameter",
                f"Parameter {name} tidak valid; lihat errors.",
                f"The parameter {name} is not valid; see errors.",
                parameter=name,
                errors=messages,
            )
        raise BadInput(
            "invalid",
            "Isian tidak valid; lihat errors.",
            "The input is not valid; see errors.",
            status=422,
            errors=messages,
        )


class ApiBlueprint(flask_smorest.Blueprint):
    """A blueprint of JSON API endpoints: ``arguments``/``response`` declare and validate them."""

    ARGUMENTS_PARSER = HubParser()


class HubApi(flask_smorest.Api):
    """flask-smorest's ``Api``; errors are answered by :mod:`hub.errors` (problem+json), not by it.

    A blueprint's operations are written into the document when the document is first asked
    for (:meth:`document`), not while the app is built: building an app (every worker, every
    test) does not pay for the conversion of every schema.
    """

    DEFAULT_ERROR_RESPONSE_NAME = None
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self.__dict__.setdefault("_undocumented", []).append((blp, name, parameters))

    def document(self):
        """The apispec ``APISpec`` with every registered blueprint's operations in it."""
        pending = self.__dict__.get("_undocumented") or []
        while pending:
            blp, name, parameters = pending.pop(0)
            blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
            self.spec.tag({"name": name, "description": blp.description})
        return self.spec


def api_of(app: Flask) -> HubApi:
    """The app's :class:`HubApi`, made on first use."""
    api = app.extensions.get("hub_api")
    if api is None:
        app.config.setdefault("API_TITLE", "Hub Publikasi API / Publishing hub API")
        app.config.setdefault("API_VERSION", hub.__version__)
        app.config.setdefault("OPENAPI_VERSION", "3.1.0")
        api = HubApi(app)
        app.extensions["hub_api"] = api
    return api


def register(app: Flask, blueprint) -> None:
    """Register a blueprint: an :class:`ApiBlueprint` also into the OpenAPI document."""
    if isinstance(blueprint, flask_smorest.Blueprint):
        api_of(app).register_blueprint(blueprint)
    else:
        app.register_blueprint(blueprint)


def init_app(app: Flask) -> None:
    """Register the OpenAPI document and the core API blueprints of the workflow area."""
    from hub.api.openapi import bp as openapi_bp
    from hub.items.api import bp as items_api
    from hub.notify.views import api as notify_api
    from hub.workflow.api import bp as workflow_api

    for blueprint in (openapi_bp, items_api, workflow_api, notify_api):
        register(app, blueprint)


def current_api() -> HubApi:
    return api_of(current_app)
