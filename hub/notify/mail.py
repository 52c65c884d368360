"""Sending one e-mail over SMTP with the hub's settings (``HUB_SMTP_*``)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from hub.exceptions import HubError


class MailError(HubError):
    """The SMTP server could not be reached or refused the message."""


def smtp_enabled() -> bool:
    """E-mail is sent only when ``HUB_SMTP_HOST`` is set."""
    return bool(current_app.config.get("SMTP_HOST"))


def send_mail(to: str, subject: str, body: str, attachments=()) -> None:
    """Send a plain-text message; raises :class:`MailError` with the server's answer.

    ``attachments``: ``(filename, mime type, bytes)`` tuples, attached in order.
    """
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg.get("SMTP_FROM") or "hub@localhost"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    for filename, mime, data in attachments:
        maintype, _, subtype = (mime or "application/octet-stream").partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
    try:
        with smtplib.SMTP(cfg["SMTP_HOST"], int(cfg.get("SMTP_PORT") or 25), timeout=30) as smtp:
            smtp.ehlo()
            if cfg.get("SMTP_STARTTLS"):
                smtp.starttls()
                smtp.ehlo()
            if cfg.get("SMTP_USER"):
                smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"SMTP {cfg['SMTP_HOST']}:{cfg.get('SMTP_PORT')}: {exc}") from exc
