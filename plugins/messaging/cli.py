"""``hub messaging telegram-poll``: receive Telegram updates by long polling (a hub without a public address)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext


@click.group("messaging")
def messaging():
    """Telegram and WhatsApp notifications."""


@messaging.command("telegram-poll")
@click.option("--once", is_flag=True, help="Fetch the waiting updates once and stop.")
@click.option("--timeout", default=50, show_default=True, help="Seconds Telegram holds each request open.")
@with_appcontext
def telegram_poll(once: bool, timeout: int):
    """Fetch updates with getUpdates (links, /stop) instead of a webhook."""
    from hub_messaging.telegram import TelegramError, call, poll_once

    call("deleteWebhook", {})  # getUpdates is refused while a webhook is set
    while True:
        try:
            count = poll_once(timeout=0 if once else timeout)
        except TelegramError as exc:
            click.echo(f"Telegram: {exc}", err=True)
            if once:
                raise SystemExit(1) from exc
            time.sleep(5)  # Telegram or the network is down: do not hammer it
            continue
        if once:
            click.echo(f"{count} update(s)")
            return
