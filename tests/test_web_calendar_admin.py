"""The calendar page and the administration pages (index, organisations)."""

from __future__ import annotations

import datetime as dt

import pytest

from hub import hookimpl
from hub.calendar.entries import CalendarEntry
from hub.extensions import db
from hub.models import Organisation
from tests.web_support import make_item, make_publication, sign_in_factory


@pytest.fixture
def sign_in(request, app, client):
    return sign_in_factory(request, app, client)


def test_calendar_shows_scheduled_publications_on_their_local_day(client, make_user, make_org, sign_in):
    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Pekan Budaya", channels=("website",), status="approved")
    # 2026-11-27 20:30 UTC is 28 November 03:30 in Jakarta
    make_publication(item, "website", "queued", scheduled_at=dt.datetime(2026, 11, 27, 20, 30, tzinfo=dt.UTC))
    other_org = make_org("Dinas Pariwisata", kind="requester")
    outsider = make_user("opd", roles=["pemohon"], org=other_org)
    theirs = make_item(outsider, "Konten OPD", channels=("x",), status="approved")
    make_publication(theirs, "x", "published", published_at=dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC))

    sign_in(creator)
    html = client.get("/calendar?month=2026-11").get_data(as_text=True)
    cell = html.split('datetime="') if False else html
    day28 = cell.split("Sab 28 Nov")[1].split("</td>")[0]
    assert "Pekan Budaya" in day28 and "03.30" in day28
    assert "Konten OPD" not in html  # another office's item, and no item.view_all
    assert "Pekan Budaya" not in client.get("/calendar?month=2026-12").get_data(as_text=True)

    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    html = client.get("/calendar?month=2026-11").get_data(as_text=True)
    assert "Konten OPD" in html.split("Sel 3 Nov")[1].split("</td>")[0]


class WindowPlugin:
    def __init__(self):
        self.calls = []

    @hookimpl
    def calendar_entries(self, start, end, user):
        self.calls.append((start, end, user.username))
        return [
            CalendarEntry(
                dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC),
                dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC),
                "Tayang: Festival Danau",
                kind="window",
                channel="videotron",
            ),
            CalendarEntry(dt.datetime(2027, 1, 5, tzinfo=dt.UTC), dt.datetime(2027, 1, 5, tzinfo=dt.UTC), "Januari"),
        ]


def test_plugins_add_calendar_entries_spanning_days(make_app, make_user, request):
    plugin = WindowPlugin()
    app = make_app(EXTRA_PLUGINS=[plugin])
    client = app.test_client()
    sign_in = sign_in_factory(request, app, client)
    with app.app_context():
        sign_in(make_user("citra", roles=["pembuat_konten"]))
        html = client.get("/calendar?month=2026-11").get_data(as_text=True)
    start, end, who = plugin.calls[0]
    assert (start, end, who) == (
        dt.datetime(2026, 10, 31, 17, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC),
        "citra",
    )
    for day in ("Sab 21 Nov", "Min 22 Nov", "Sen 23 Nov"):
        assert "Tayang: Festival Danau" in html.split(day)[1].split("</td>")[0]
    assert "Tayang: Festival Danau" not in html.split("Sel 24 Nov")[1].split("</td>")[0]
    assert "Januari" not in html


def test_calendar_ignores_a_malformed_month(client, make_user, sign_in):
    sign_in(make_user("citra", roles=["pembuat_konten"]))
    assert client.get("/calendar?month=bogus").status_code == 200


def test_admin_creates_and_edits_organisations(app, client, make_user, sign_in):
    admin = make_user("sysadmin", roles=["system_admin"])
    sign_in(admin)
    resp = client.post("/admin/organisations/new", data={"name": "", "kind": "requester"})
    assert resp.status_code == 422 and "Isi nama kantor." in resp.get_data(as_text=True)
    resp = client.post(
        "/admin/organisations/new",
        data={
            "name": "Dinas Perhubungan Kalbar",
            "short_name": "Dishub",
            "kind": "requester",
            "timezone": "Asia/Pontianak",
        },
    )
    assert resp.status_code == 302
    org = db.session.scalar(db.select(Organisation).filter_by(name="Dinas Perhubungan Kalbar"))
    assert org.short_name == "Dishub" and org.kind == "requester" and org.timezone == "Asia/Pontianak"
    listing = client.get("/admin/organisations").get_data(as_text=True)
    assert "Dinas Perhubungan Kalbar" in listing and "Mengirim permohonan" in listing
    dup = client.post("/admin/organisations/new", data={"name": "Dinas Perhubungan Kalbar", "kind": "requester"})
    assert dup.status_code == 422 and "sudah dipakai" in dup.get_data(as_text=True)
    clash = client.post(f"/admin/organisations/{org.id}", data={"name": admin.organisation.name, "kind": "requester"})
    assert clash.status_code == 422 and "sudah dipakai" in clash.get_data(as_text=True)
    bad_zone = client.post(
        f"/admin/organisations/{org.id}", data={"name": "X", "kind": "requester", "timezone": "Mars/Olympus"}
    )
    assert bad_zone.status_code == 422
    client.post(f"/admin/organisations/{org.id}", data={"name": "Dishub Kalbar", "kind": "operator", "timezone": ""})
    db.session.refresh(org)
    assert (org.name, org.kind, org.timezone) == ("Dishub Kalbar", "operator", None)


def test_only_user_managers_reach_organisations(client, make_user, sign_in):
    sign_in(make_user("kadis", roles=["kepala_dinas"]))
    assert client.get("/admin/organisations").status_code == 403
    assert client.post("/admin/organisations/new", data={"name": "X", "kind": "requester"}).status_code == 403
