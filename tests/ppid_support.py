"""Shared set-up of the PPID request tests: an SMTP server (aiosmtpd), the operator office, a
request filed through the public form, the clock's dates."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from tests.mail_support import smtp_server  # noqa: F401 - the SMTP server fixture (smtp), imported with the others

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB).astimezone(dt.UTC)


@pytest.fixture(name="app")
def ppid_app(make_app, smtp):
    app = make_app(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_STARTTLS=False,
        SMTP_FROM="ppid@diskominfo.example.go.id",
        BASE_URL="https://hub.example.go.id",
    )
    with app.app_context():
        yield app


FORM = {
    "requester_kind": "person",
    "name": "Rahmat Hidayat",
    "nik": "1371012304850002",
    "address": "Jl. Sudirman No. 17, Padang",
    "email": "rahmat.warga@example.com",
    "phone": "+62 812 7700 1234",
    "info_requested": "Realisasi anggaran belanja modal 2025 per kegiatan",
    "purpose": "Penelitian skripsi",
    "receive_how": "electronic",
    "deliver_how": "email",
}


def file_request(client, **changes):
    """Fill in the public form as a person would (answering the sum); returns the response."""
    page = client.get("/ppid/request").get_data(as_text=True)
    a, b = (int(x) for x in re.search(r"(\d+) \+ (\d+)", page).groups())
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    data = {**FORM, "challenge_token": token, "challenge": str(a + b), **changes}
    return client.post("/ppid/request", data=data)


def tracking_link(page: str) -> str:
    return re.search(r'href="https://hub\.example\.go\.id(/ppid/track/\d+/[^"]+)"', page).group(1)
