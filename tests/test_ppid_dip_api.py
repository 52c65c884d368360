"""``/api/v1/ppid/dip``: the public information list as JSON — public, filtered like the page, paged
with a total, ordered like the page, with a flat statement count, and a plugin's endpoint in the
OpenAPI document."""

from __future__ import annotations

import pytest

from tests.query_counter import count_statements


@pytest.fixture
def entries(app, make_item):
    from hub_website.models import DipEntry

    from hub.extensions import db

    def _add(n: int, **fields):
        made = []
        for i in range(n):
            item = make_item(title=f"Dokumen {i}", channels=())
            values = {"title": f"Laporan {i:03d}", "info_class": "berkala", "unit": "Bidang Anggaran", "year": 2025}
            entry = DipEntry(item_id=item.id, **{**values, **fields})
            db.session.add(entry)
            made.append(entry)
        db.session.commit()
        return made

    return _add


def test_the_list_is_public_paged_and_counted(client, entries):
    entries(5)
    first = client.get("/api/v1/ppid/dip?limit=2")
    assert first.status_code == 200, first.get_data(as_text=True)
    body = first.get_json()
    assert body["total"] == 5 and body["limit"] == 2 and body["offset"] == 0 and body["next_offset"] == 2
    assert [e["title"] for e in body["entries"]] == ["Laporan 000", "Laporan 001"]
    first_entry = body["entries"][0]
    assert first_entry["class"] == "berkala" and first_entry["class_label"]["en"] == "Periodic information"
    last = client.get("/api/v1/ppid/dip?limit=2&offset=4").get_json()
    assert [e["title"] for e in last["entries"]] == ["Laporan 004"] and last["next_offset"] is None


def test_filters_are_the_pages_and_withdrawn_or_excluded_entries_never_show(client, entries):
    import datetime as dt

    from hub.extensions import db

    entries(1, title="Rencana Kerja", unit="Sekretariat", year=2024, info_class="setiap-saat")
    (gone,) = entries(1, title="Ditarik")
    gone.withdrawn_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    entries(1, title="Rahasia", info_class="dikecualikan")
    db.session.commit()
    titles = lambda q: [e["title"] for e in client.get(f"/api/v1/ppid/dip?{q}").get_json()["entries"]]  # noqa: E731
    assert titles("") == ["Rencana Kerja"]
    assert titles("class=setiap-saat&year=2024") == ["Rencana Kerja"]
    assert titles("q=rencana") == ["Rencana Kerja"] and titles("q=tidakada") == []
    assert titles("unit=Sekretariat") == ["Rencana Kerja"]
    refused = client.get("/api/v1/ppid/dip?class=dikecualikan")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "class"
    assert client.get("/api/v1/ppid/dip?year=NaN").status_code == 400


def test_the_statement_count_does_not_grow_with_the_rows(client, entries):
    entries(2)
    with count_statements() as few:
        assert client.get("/api/v1/ppid/dip").status_code == 200
    entries(30)
    with count_statements() as many:
        assert len(client.get("/api/v1/ppid/dip").get_json()["entries"]) == 32
    assert len(many) == len(few), (len(few), len(many))


def test_the_plugins_endpoint_is_in_the_document_without_security(client):
    op = client.get("/api/openapi.json").get_json()["paths"]["/api/v1/ppid/dip"]["get"]
    assert op["security"] == [] and "401" not in op["responses"]
    assert {p["name"] for p in op["parameters"]} >= {"q", "class", "unit", "year", "limit", "offset"}
