"""The API describes itself: the generated OpenAPI document, the problem+json error shape, the
declared parameters and bodies, and the conformance check every API answer of the suite passes."""

from __future__ import annotations

import pytest
from flask import g, jsonify

from hub import hookimpl

PROBLEM = "application/problem+json"


class DeclaredPlugin:
    """An endpoint the way a plugin declares one: query and body schemas, an answer schema."""

    def __init__(self, answer=None):
        self.answer = answer

    @hookimpl
    def register_blueprints(self, app):
        from marshmallow import Schema, fields, validate

        from hub.sdk import ApiBlueprint, ApiPage, ApiPageArgs, require

        bp = ApiBlueprint("declared_api", __name__, url_prefix="/api/v1/declared")
        answer = self.answer

        class Body(Schema):
            title = fields.String(required=True, validate=validate.Length(min=1, max=20))
            count = fields.Integer(required=True, strict=True)

        class Thing(Schema):
            title = fields.String(required=True)
            count = fields.Integer(required=True)
            by = fields.String(required=True)

        class Things(ApiPage):
            things = fields.List(fields.Nested(Thing), required=True)

        @bp.get("")
        @require()
        @bp.arguments(ApiPageArgs, location="query")
        @bp.response(200, Things)
        def things(args):
            """Things, a page of them."""
            return {"things": [], "total": 0, "next_offset": None, **args}

        @bp.post("")
        @require()
        @bp.arguments(Body)
        @bp.response(201, Thing)
        def make(body):
            """Make a thing."""
            if answer is not None:
                return jsonify(answer), 201
            return {**body, "by": g.user.username}

        return [bp]


@pytest.fixture
def headers(app, make_user, make_org, api_headers):
    return api_headers(make_user("citra", roles=["pembuat_konten"], org=make_org("Dinas Pariwisata")))


def _spec(client):
    return client.get("/api/openapi.json").get_json()


def test_the_document_validates_and_every_operation_declares_its_success_answer(client):
    from openapi_spec_validator import validate

    spec = _spec(client)
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    undeclared = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            success = {code: answer for code, answer in op["responses"].items() if code.startswith("2")}
            described = [c for c, a in success.items() if c == "204" or (a.get("content") or {})]
            if not described:
                undeclared.append(f"{method.upper()} {path}")
            for code in ("401", "404"):
                if op.get("security") != [] or code == "404":
                    assert PROBLEM in op["responses"][code]["content"], f"{method} {path} {code}"
    assert not undeclared, f"operations without a 2xx schema: {undeclared}"


def test_every_api_route_is_in_the_document(app, client):
    spec = _spec(client)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = "".join("{" + part + "}" if dynamic else part for dynamic, part in rule._trace).lstrip("|")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"].get(path, {}), f"{method} {rule.rule}"


def test_a_401_says_how_to_authenticate(client):
    resp = client.get("/api/me")
    assert resp.status_code == 401 and resp.mimetype == PROBLEM
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="hub"'
    body = resp.get_json()
    assert (
        body["code"] == "login_required" and body["status"] == 401 and body["type"] == "urn:hub:problem:login_required"
    )
    resp = client.get("/api/me", headers={"Authorization": "Bearer not-a-token"})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="hub", error="invalid_token"'


def test_the_detail_is_in_the_callers_language(client, headers):
    body = client.get("/api/v1/no-such-thing", headers=headers).get_json()
    assert body["code"] == "not_found" and body["lang"] == "id" and body["detail"] == "Tidak ditemukan."
    english = client.get("/api/v1/no-such-thing", headers={**headers, "Accept-Language": "en-US,en;q=0.8"})
    assert english.get_json()["lang"] == "en" and english.get_json()["detail"] == "Not found."
    other = client.get("/api/v1/no-such-thing", headers={**headers, "Accept-Language": "fr"}).get_json()
    assert other["lang"] == "id"  # neither language asked for: the default


def test_a_person_who_chose_english_reads_english(client, make_user, make_org, api_headers):
    from hub.extensions import db

    person = make_user("eko", roles=["pembuat_konten"], org=make_org("Dinas Pariwisata"))
    person.language = "en"
    db.session.commit()
    body = client.get("/api/v1/no-such-thing", headers=api_headers(person)).get_json()
    assert body["lang"] == "en" and body["detail"] == "Not found."


@pytest.mark.parametrize("hub_plugins", [[DeclaredPlugin()]])
def test_declared_parameters_and_bodies_are_validated(client, headers, hub_plugins):
    ok = client.get("/api/v1/declared?limit=5", headers=headers)
    assert ok.status_code == 200 and ok.get_json()["limit"] == 5 and ok.get_json()["offset"] == 0
    for query in ("limit=0", "limit=201", "limit=abc", "offset=-1", f"offset={10**20}"):
        resp = client.get(f"/api/v1/declared?{query}", headers=headers)
        assert resp.status_code == 400 and resp.mimetype == PROBLEM, query
        body = resp.get_json()
        assert body["code"] == "bad_parameter" and body["parameter"] == query.split("=")[0]
        assert query.split("=")[0] in body["errors"]["query"]

    made = client.post("/api/v1/declared", json={"title": "Pekan Budaya", "count": 3}, headers=headers)
    assert made.status_code == 201 and made.get_json() == {"title": "Pekan Budaya", "count": 3, "by": "citra"}

    resp = client.post("/api/v1/declared", json={"title": "", "count": "3", "extra": 1}, headers=headers)
    assert resp.status_code == 422 and resp.mimetype == PROBLEM
    body = resp.get_json()
    assert body["code"] == "invalid" and set(body["errors"]["json"]) == {"title", "count", "extra"}

    resp = client.post(
        "/api/v1/declared", data='{"title": "a", "count": NaN}', headers=headers, content_type="application/json"
    )
    assert resp.status_code == 400 and resp.get_json()["code"] == "invalid_json"  # the hub's own JSON reader

    anonymous = client.post("/api/v1/declared", json={"title": ""})
    assert anonymous.status_code == 401  # who may call it is checked before what was sent


@pytest.mark.parametrize("hub_plugins", [[DeclaredPlugin()]])
def test_a_plugins_endpoint_is_documented_like_the_cores(client, hub_plugins):
    spec = _spec(client)
    listing = spec["paths"]["/api/v1/declared"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"limit", "offset"} <= names
    answer = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/Things"}
    things = spec["components"]["schemas"]["Things"]
    assert {"total", "limit", "offset", "next_offset", "things"} <= set(things["required"])
    body = spec["paths"]["/api/v1/declared"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Body"}


def test_an_answer_that_drifts_from_its_declaration_is_caught(make_app, make_user, make_org, api_headers):
    """The conformance check make_app installs, on an endpoint that answers what it does not declare."""
    from hub.testing.openapi import watch_api_answers

    app = make_app(EXTRA_PLUGINS=[DeclaredPlugin(answer={"title": 5})], API_CONFORMANCE=False)
    found: list[str] = []
    watch_api_answers(app, found)
    with app.app_context():
        headers = api_headers(make_user("citra", roles=["pembuat_konten"], org=make_org("Dinas Pariwisata")))
    client = app.test_client()
    assert client.post("/api/v1/declared", json={"title": "a", "count": 1}, headers=headers).status_code == 201
    assert any("POST /api/v1/declared -> 201" in f and "/title" in f for f in found), found
    assert any("'count' is a required property" in f or "count" in f for f in found), found
    found.clear()
    client.get("/api/v1/declared?limit=2", headers=headers)
    assert found == []


def test_hub_openapi_prints_the_served_document(runner, client, tmp_path):
    import json

    served = _spec(client)
    printed = json.loads(runner.invoke(args=["openapi"]).output)
    assert printed["paths"].keys() == served["paths"].keys() and printed["openapi"] == "3.1.0"
    result = runner.invoke(args=["openapi", "--output", str(tmp_path / "api.json")])
    assert result.exit_code == 0 and "operasi / operations" in result.output
    assert json.loads((tmp_path / "api.json").read_text())["info"] == served["info"]
