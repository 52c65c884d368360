"""One way to write a moment (hub.dates): Indonesian long and short forms, English forms, the
office's zone by its Indonesian name, the Indonesian decimal comma; pages use it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hub.dates import format_day, format_moment, format_number, format_percent, format_value

MOMENT = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)  # 08.30 in Jakarta, 09.30 in Makassar


@pytest.mark.parametrize(
    ("zone", "lang", "form", "expected"),
    [
        ("Asia/Jakarta", "id", "long", "Senin, 7 Desember 2026 pukul 08.30 WIB"),
        ("Asia/Jakarta", "id", "short", "7 Des 2026 08.30 WIB"),
        ("Asia/Makassar", "id", "long", "Senin, 7 Desember 2026 pukul 09.30 WITA"),
        ("Asia/Jayapura", "id", "short", "7 Des 2026 10.30 WIT"),
        ("Asia/Pontianak", "id", "short", "7 Des 2026 08.30 WIB"),
        ("Asia/Jakarta", "en", "long", "Monday, 7 December 2026 at 08:30 WIB"),
        ("Asia/Makassar", "en", "short", "7 Dec 2026 09:30 WITA"),
    ],
)
def test_moments_in_both_languages_and_the_three_zones(zone, lang, form, expected):
    assert format_moment(MOMENT, ZoneInfo(zone), lang, form) == expected


def test_days_numbers_and_cells():
    assert format_day(dt.date(2026, 12, 7), "id") == "7 Des 2026"
    assert format_day(dt.date(2026, 12, 7), "id", "long") == "Senin, 7 Desember 2026"
    assert format_day(dt.date(2026, 12, 7), "en", "long") == "Monday, 7 December 2026"
    assert format_number(100.0, "id") == "100,0" and format_number(1234.5, "en") == "1,234.5"
    assert format_number(1234.5, "id") == "1.234,5"
    assert format_percent(100.0, "id") == "100,0 %"
    assert format_value(None) == "—" and format_value(3) == "3"
    # a naive value is a stored UTC moment (SQLite gives them back without their zone)
    assert format_moment(MOMENT.replace(tzinfo=None), ZoneInfo("Asia/Jakarta"), "id") == "7 Des 2026 08.30 WIB"


def test_pages_show_the_readers_office_zone(app, client, login, make_org, make_user):
    from tests.web_support import make_item

    wita = make_org("Diskominfo Kaltara", kind="operator", timezone="Asia/Makassar")
    creator = make_user("citra", roles=["pembuat_konten"], org=wita)
    item = make_item(creator, "Festival Iraw Tengkayu", status="draft")
    item.created_at = MOMENT
    from hub.extensions import db

    db.session.commit()
    login(client, creator)
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "7 Des 2026 09.30 WITA" in html and 'title="Senin, 7 Desember 2026 pukul 09.30 WITA"' in html
    client.post("/lang", data={"lang": "en", "next": "/"})
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "7 Dec 2026 09:30 WITA" in html and "Monday, 7 December 2026 at 09:30 WITA" in html
