"""Bad input gets a clear 4xx answer, never a 500: huge ids, strict JSON, NUL characters,
405 with ``Allow``, and a 500 page that still renders after a database error."""

from __future__ import annotations

import pytest
from flask import Blueprint, g

from hub.extensions import db
from hub.models import Organisation
from hub.permissions import public


@pytest.fixture
def creator(make_user, make_org):
    return make_user("citra", roles=["pembuat_konten"], org=make_org("Dinas Pariwisata", kind="requester"))


@pytest.fixture
def headers(creator, api_headers):
    return api_headers(creator)


# --- huge integers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/items/2147483648",  # PostgreSQL integer + 1
        "/api/v1/items/9223372036854775808",  # SQLite 2^63
        "/api/v1/items/99999999999999999999999999",
        "/api/v1/media/2147483648",
        "/api/v1/items/2147483648/timeline",
    ],
)
def test_an_id_too_large_for_the_database_is_a_404(client, headers, path):
    resp = client.get(path, headers=headers)
    assert resp.status_code == 404, resp.get_data(as_text=True)
    assert resp.get_json()["code"] == "not_found"


def test_the_largest_id_still_matches_the_route(client, headers):
    resp = client.get("/api/v1/items/2147483647", headers={**headers, "Accept-Language": "en"})
    assert resp.status_code == 404 and resp.get_json()["detail"] == "Item not found."  # the view's own 404


def test_a_huge_year_on_the_public_dip_page_is_a_400(client):
    resp = client.get("/ppid/dip?year=99999999999")
    assert resp.status_code == 400
    assert "year" in resp.get_data(as_text=True)
    assert client.get("/ppid/dip?year=2026").status_code == 200
    assert client.get("/ppid/dip").status_code == 200


@pytest.mark.parametrize("query", ["offset=99999999999999999999", "offset=abc", "limit=1e9", "offset=-1"])
def test_a_bad_query_integer_is_a_400_naming_the_parameter(client, headers, query):
    resp = client.get(f"/api/v1/items?{query}", headers=headers)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["code"] == "bad_parameter" and list(body["errors"]["query"]) == [query.split("=")[0]]
    assert resp.mimetype == "application/problem+json" and body["detail"]


def test_query_integers_in_range_still_work(client, headers):
    resp = client.get("/api/v1/items?limit=200&offset=0", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["limit"] == 200
    too_many = client.get("/api/v1/items?limit=500", headers=headers)  # the declared range is 1..200
    assert too_many.status_code == 400 and "limit" in too_many.get_json()["errors"]["query"]


def test_the_openapi_document_gives_path_ids_their_range(client):
    spec = client.get("/api/openapi.json").get_json()
    path = spec["paths"]["/api/v1/items/{item_id}"]
    (param,) = path["get"].get("parameters") or path["parameters"]  # on the operation or the path
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


# --- JSON bodies -------------------------------------------------------------------------------------

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"name": "a.mp4", "size": NaN}', "invalid_json"),
        ('{"name": "a.mp4", "size": Infinity}', "invalid_json"),
        ('{"name": "a.mp4", "size": -Infinity}', "invalid_json"),
        ("[" * 100_000 + "]" * 100_000, "invalid_json"),  # RecursionError in the parser
        ('{"a": ' * 100 + "1" + "}" * 100, "invalid_json"),  # parses, but nests too deeply
        ('{"name": "a\\u0000.mp4", "size": 10}', "invalid_json"),  # NUL: PostgreSQL refuses it
        ('{"name": "a\\ud800.mp4", "size": 10}', "invalid_json"),  # a lone surrogate: no database stores it
        ('{"name": ', "invalid_json"),
        (b'{"name": "\xff"}', "invalid_json"),
        ("[1, 2]", "not_an_object"),
        ('"a string"', "not_an_object"),
        ("42", "not_an_object"),
        ("null", "not_an_object"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/uploads", "/api/v1/media/drive", "/api/v1/items", "/social/count"])
def test_malformed_json_is_a_400_with_a_code(client, headers, creator, login, path, body, code):
    if not path.startswith("/api/"):  # a page endpoint: the session, not a token
        login(client, creator)
        headers = {"Accept": "application/json"}
    resp = client.post(path, data=body, headers={**headers, **JSON})
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    data = resp.get_json()
    assert data["code"] == code and data["detail"]
    if path.startswith("/api/"):
        assert resp.mimetype == "application/problem+json"


def test_a_json_decision_body_that_is_a_list_is_a_400(client, headers):
    resp = client.post("/api/v1/items/1/submit", data="[]", headers={**headers, **JSON})
    assert resp.status_code in (400, 404)  # never a 500, whichever check comes first


def test_the_x_counter_still_counts(client, creator, login):
    login(client, creator)
    resp = client.post("/social/count", json={"text": "halo"})
    assert resp.status_code == 200 and resp.get_json()["length"] == 4


# --- NUL characters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/items?status=a%00b", "/api/v1/items?x%00=1", "/api/v1/uploads/ab%00cd", "/ppid/dip?q=%00"]
)
def test_a_nul_in_the_path_or_query_is_a_400(client, headers, url):
    resp = client.get(url, headers=headers)
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    if url.startswith("/api/"):
        assert resp.get_json()["code"] == "invalid_text"


def test_a_nul_in_a_form_is_a_400(client, creator, login):
    login(client, creator)
    resp = client.post("/notifications/read", data={"id": "1\x00"})
    assert resp.status_code == 400 and "NUL" in resp.get_data(as_text=True)


# --- 405 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("put", "/api/v1/items"), ("delete", "/healthz"), ("post", "/ppid/dip")])
def test_a_405_names_the_allowed_methods(client, headers, method, path):
    resp = getattr(client, method)(path, headers=headers)
    assert resp.status_code == 405
    allowed = {m.strip() for m in resp.headers["Allow"].split(",")}
    assert "GET" in allowed and method.upper() not in allowed


# --- the 500 page after a database error -------------------------------------------------------------


def test_the_500_page_renders_after_a_failed_statement(app, client, creator, login):
    """A statement fails mid-request (on PostgreSQL the transaction is then aborted): the error
    handler rolls back, so the page (which loads the user and the navigation) still renders."""
    bp = Blueprint("boom", __name__)

    @bp.get("/boom")
    @public
    def boom():
        g.user.full_name = "x"  # a change of the request's own objects, then a failed flush
        db.session.add(Organisation(name=None))  # NOT NULL: the flush fails, the session must be rolled back
        db.session.flush()
        return "unreachable"

    app.register_blueprint(bp)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer like production instead of raising into the test
    login(client, creator)
    resp = client.get("/boom")
    assert resp.status_code == 500
    page = resp.get_data(as_text=True)
    assert "<html" in page.lower() and 'action="/logout"' in page, page[:500]  # the person's menu
    resp = client.get("/boom", headers={"Accept": "application/json"})
    assert resp.status_code == 500 and resp.get_json()["code"] == "server_error"
    assert client.get("/api/v1/items").status_code == 200  # the next request on this process works


@pytest.mark.parametrize("value", [2**31, 2**63, 2**70])
def test_an_id_too_large_in_a_json_body_is_a_400(client, make_user, make_org, api_headers, value):
    """PostgreSQL refuses 2^31 in an integer column, SQLite 2^63: a 400, never a 500."""
    verifier = make_user("vera", roles=["verifikator"], org=make_org("Diskominfotik", kind="operator"))
    headers = api_headers(verifier)
    resp = client.post("/api/v1/items", json={"title": "Pekan Budaya", "organisation_id": value}, headers=headers)
    assert resp.status_code in (400, 403, 422), resp.get_data(as_text=True)[:300]
    resp = client.post("/api/v1/items/1/assets", json={"asset_id": value}, headers=headers)
    assert resp.status_code in (400, 404, 422), resp.get_data(as_text=True)[:300]
