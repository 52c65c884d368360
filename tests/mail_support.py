"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): what the hub's e-mails look like when
they arrive. ``smtp`` is the fixture (import ``smtp_server``); recipients starting with "bounce"
are refused with 550."""

from __future__ import annotations

import email
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import free_port


class Mailbox:
    """An SMTP server's handler: refuses recipients starting with "bounce" (550), keeps the rest."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's API
        if address.startswith("bounce"):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture(name="smtp")
def smtp_server():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()
