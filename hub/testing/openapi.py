"""Every API answer a test receives is checked against the OpenAPI document the app serves.

:func:`watch_api_answers` hooks an app (``make_app`` does it for every app a test builds):
after each request under ``/api/`` it looks up the operation of the matched route, and
records a violation when the status is not one the operation lists, when the content type
is not the one it declares, when a JSON body does not validate against the declared schema
(JSON Schema 2020-12, as OpenAPI 3.1 says), or when a 401 has no ``WWW-Authenticate``.
``make_app`` fails the test at teardown listing them, so a declaration cannot drift from
what the endpoint really answers, across every API call of the suite.

``make_app(API_CONFORMANCE=False)`` turns the check off for an app (a test that breaks
answers on purpose).
"""

from __future__ import annotations

import json


class AnswerCheck:
    """The document of one app, and the validators of its response schemas (built on first use)."""

    def __init__(self, app):
        self.app = app
        self._spec = None
        self._validators: dict = {}

    @property
    def spec(self) -> dict:
        if self._spec is None:
            from hub.api.openapi import cached_spec

            self._spec = cached_spec(self.app)
        return self._spec

    def _validator(self, key, schema: dict):
        validator = self._validators.get(key)
        if validator is None:
            import jsonschema_rs

            root = {**schema, "components": self.spec.get("components", {})}
            validator = self._validators[key] = jsonschema_rs.Draft202012Validator(root)
        return validator

    def problems(self, method: str, rule, status: int, mimetype: str, headers, body: bytes) -> list[str]:
        from hub.api.openapi import openapi_path

        path = openapi_path(rule)
        operations = self.spec["paths"].get(path) or {}
        operation = operations.get(method.lower())
        if operation is None and method == "HEAD":  # Flask answers HEAD on every GET route: the GET's answers
            operation = operations.get("get")
        where = f"{method} {path} -> {status}"
        if operation is None:
            return [f"{where}: the operation is not in the OpenAPI document"]
        responses = operation.get("responses", {})
        answer = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if answer is None:
            return [f"{where}: status {status} is not among the documented {sorted(responses)}"]
        found = []
        if status == 401 and not headers.get("WWW-Authenticate"):
            found.append(f"{where}: a 401 without WWW-Authenticate")
        content = answer.get("content") or {}
        if not content:
            if body and status != 204 and mimetype in ("application/json", "application/problem+json"):
                found.append(f"{where}: answered a {mimetype} body where the document declares none")
            return found
        if mimetype not in content and "*/*" not in content:
            declared = sorted(content)
            if not any(d.endswith("/*") and mimetype.startswith(d[:-1]) for d in declared):
                found.append(f"{where}: content type {mimetype!r}, the document says {declared}")
            return found
        schema = (content.get(mimetype) or {}).get("schema")
        if schema is None or not mimetype.endswith("json"):
            return found
        try:
            instance = json.loads(body or b"null")
        except ValueError:
            return [*found, f"{where}: the body is not JSON"]
        validator = self._validator((path, method, status, mimetype), schema)
        for error in list(validator.iter_errors(instance))[:5]:
            location = "/".join(str(p) for p in error.instance_path)
            found.append(f"{where}: at /{location}: {error.message[:300]}")
        return found


def watch_api_answers(app, failures: list[str]) -> None:
    """Check every ``/api/`` answer of ``app`` against its document; violations go to ``failures``."""
    from flask import request

    check = AnswerCheck(app)

    @app.after_request
    def _check_answer(response):
        if not request.path.startswith("/api/") or request.url_rule is None:
            return response
        if response.direct_passthrough or response.is_streamed:
            body = b""
        else:
            body = response.get_data()
        failures.extend(
            check.problems(
                request.method, request.url_rule, response.status_code, response.mimetype or "", response.headers, body
            )
        )
        return response
