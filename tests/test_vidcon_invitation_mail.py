"""SOP 003 / issue 18: the confirmation e-mail carries the booking's calendar invitation (.ics, RFC 5545),
and the cancellation's e-mail carries METHOD:CANCEL for the same UID with a higher SEQUENCE."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from hub.extensions import db
from hub.models import User
from tests.mail_support import smtp_server  # noqa: F401 - the SMTP server fixture (smtp)
from tests.vidcon_support import publish

pytest_plugins = ["tests.vidcon_fixtures"]


@pytest.fixture
def app(make_app, smtp):  # the vidcon fixtures' app, with a real SMTP server
    app = make_app(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_STARTTLS=False,
        SMTP_FROM="hub@diskominfo.example.go.id",
        BASE_URL="https://hub.example.go.id",
    )
    with app.app_context():
        yield app


def _invitations(smtp, to: str) -> list[Calendar]:
    found = []
    for message in smtp.messages:
        if message["To"] != to:
            continue
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                found.append(Calendar.from_ical(part.get_content() if isinstance(part.get_content(), str)
                                                 else part.get_content().decode()))  # fmt: skip
    return found


def test_confirmation_and_cancellation_mails_carry_the_invitation(app, smtp, request_item, run_jobs):
    from hub_vidcon.models import Booking
    from hub_vidcon.workflow import cancel_booking

    item = request_item()
    requester = db.session.get(User, item.created_by_id)
    requester.email = "pemohon@dispar.example.go.id"
    db.session.commit()
    publish(item)
    run_jobs()
    [invite] = _invitations(smtp, requester.email)
    event = next(iter(invite.walk("VEVENT")))
    assert str(invite["METHOD"]) == "REQUEST" and str(event["STATUS"]) == "CONFIRMED"
    booking = db.session.execute(db.select(Booking).filter_by(item_id=item.id)).scalar_one()
    assert event.decoded("DTSTART") == booking.starts_at
    assert str(event["DTSTART"].params.get("TZID")) == "Asia/Makassar"
    mail = next(m for m in smtp.messages if m["To"] == requester.email)
    assert "Undangan kalender terlampir" in mail.get_body(("plain",)).get_content()

    cancel_booking(booking, requester, "Acara ditunda")
    run_jobs()
    invites = _invitations(smtp, requester.email)
    assert len(invites) == 2
    cancel = next(iter(invites[1].walk("VEVENT")))
    assert str(invites[1]["METHOD"]) == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["UID"]) == str(event["UID"]) and int(cancel["SEQUENCE"]) > int(event.get("SEQUENCE", 0))
