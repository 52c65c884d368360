"""Schemathesis over the whole OpenAPI document the app serves (``/api/openapi.json``).

Every operation is called with generated (valid and invalid) input, as a content creator,
a verifier and a system administrator (real API tokens); no answer may be a server error,
and every answer must be one the document lists (status code) with the content type it
says. Bounded for CI: a few derandomized examples per operation, no shrinking.
"""

from __future__ import annotations

import os
import time

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

#: examples per operation and role set; raise locally (HUB_SCHEMATHESIS_EXAMPLES=50) for a deeper run
EXAMPLES = int(os.environ.get("HUB_SCHEMATHESIS_EXAMPLES", "15"))
STATUSES: dict[int, int] = {}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api(make_app, make_user, make_org, api_headers):
    """The app (no app context left open: each call runs like a real request) and a token per role."""
    from hub.extensions import db

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        office = make_org("Diskominfotik", kind="operator")
        requester = make_org("Dinas Pariwisata", kind="requester")
        people = {
            "creator": make_user("citra", roles=["pembuat_konten"], org=requester),
            "verifier": make_user("vera", roles=["verifikator"], org=office),
            "admin": make_user("adi", roles=["system_admin"], org=office),
        }
        headers = {role: api_headers(user) for role, user in people.items()}
        # something for the small ids to find: drafts and items in review, with and without channels
        from tests.web_support import make_item, make_publication

        make_item(people["creator"], "Draf", status="draft", channels=())
        reviewed = make_item(people["creator"], "Pekan Budaya", status="in_review", channels=("website", "x"))
        make_item(people["creator"], "Terbit", status="approved", channels=("website",))
        make_publication(reviewed, "website", status="published")
        db.session.remove()
    app.testing = False  # errors are answered, as in production, not raised into the test
    return app, headers


def _fuzz(operation, headers: dict, failures: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        small = {k: v % 4 if isinstance(v, int) else v for k, v in (case.path_parameters or {}).items()}
        for role, auth in headers.items():
            try:
                if small != case.path_parameters:  # once with an id that exists, once as generated
                    generated, case.path_parameters = case.path_parameters, small
                    try:
                        response = case.call_and_validate(headers=dict(auth), checks=CHECKS)
                        STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
                    finally:
                        case.path_parameters = generated
                response = case.call_and_validate(headers=dict(auth), checks=CHECKS)
                STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
            except BaseException as exc:  # noqa: BLE001 - collected, so one run lists every failing operation
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                failures.append(f"{operation.method.upper()} {operation.path} as {role}: {exc}"[:1500])
                return

    run()


def test_no_operation_of_the_api_answers_a_server_error(api):
    app, headers = api
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operations += 1
        _fuzz(result.ok(), headers, failures)
    elapsed = time.monotonic() - started
    print(f"schemathesis: {operations} operations x 3 roles, {EXAMPLES} examples each, {elapsed:.1f} s: {STATUSES}")
    for failure in dict.fromkeys(failures):
        print(failure, end="\n\n")
    assert operations > 20  # the whole document, not a part of it
    assert not failures, "\n\n".join(dict.fromkeys(failures))
