"""Notifiers: the media a notification reaches people on.

A notifier is an object with a ``code`` ("email", or a plugin's), its names in both
languages and :meth:`Notifier.deliver`. The core brings two: the hub's own bell
(:class:`InAppNotifier`: the :class:`~hub.notify.models.Notification` row itself, always
on) and :class:`EmailNotifier`. Plugins add theirs through the ``register_notifiers`` hook.

Every medium but the bell goes through the same path (:mod:`hub.notify.deliveries`): one
:class:`~hub.notify.models.NotificationDelivery` row per notification and medium, handed to
the queue when due. ``deliver`` either returns (sent; optionally the medium's message id),
raises :class:`TransientDeliveryError` (retried with back-off, ``retry_after`` honoured) or
:class:`DeliveryRefused` (a definite no: the delivery stops and the medium is turned off for
that person, who is told in the hub).
"""

from __future__ import annotations

import smtplib

from flask import current_app

from hub.exceptions import HubError

#: the kind groups a person chooses media for, in the order the account page shows them
KIND_GROUPS: tuple[str, ...] = ("assigned", "returned", "overdue", "escalated", "published", "failed")

#: notification kind -> kind group (kinds not named here are "failed": a channel's alerts)
KIND_GROUP_OF: dict[str, str] = {
    "step_waiting": "assigned",
    "returned": "returned",
    "rejected": "returned",
    "overdue": "overdue",
    "escalated": "escalated",
    "published": "published",
    "publication_failed": "failed",
}


def kind_group(kind: str) -> str:
    return KIND_GROUP_OF.get(kind, "failed")


class DeliveryError(HubError):
    """Base of what :meth:`Notifier.deliver` raises."""


class TransientDeliveryError(DeliveryError):
    """The medium could not take the message now (429, 5xx, no connection); tried again later.

    ``retry_after``: seconds the medium asked to wait (Telegram's ``parameters.retry_after``,
    an HTTP ``Retry-After``); the next attempt is never earlier.
    """

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class DeliveryRefused(DeliveryError):
    """A definite refusal (the bot was blocked, the number is unknown, the template was rejected).

    The delivery is not retried and the medium is turned off for the person; ``message_id`` /
    ``message_en`` (the medium's words in plain language) are shown on their account page.
    """

    def __init__(self, message_id: str, message_en: str | None = None):
        super().__init__(message_en or message_id)
        self.message_id, self.message_en = message_id, message_en or message_id


class Notifier:
    """One medium. Subclass it (plugins: ``from hub.sdk import Notifier``) and return an instance
    from ``register_notifiers``.

    ``code``: short and unique ("telegram"); ``label_id`` / ``label_en``: its name for people;
    ``quiet``: True for media that buzz a phone (they wait out quiet hours and may be digested);
    ``setup_endpoint``: the page where a person connects the medium (linked from the account page).
    """

    code: str = ""
    label_id: str = ""
    label_en: str = ""
    quiet: bool = True
    setup_endpoint: str | None = None

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en

    def available(self) -> bool:
        """False while the medium is not set up by the admin (no bot token…): nothing is planned on it."""
        return True

    def addresses(self, users: list) -> dict[int, str]:
        """Where each of ``users`` is reached on this medium: ``{user_id: address}``, only for those
        who connected it (one query for all of them, please)."""
        return {}

    def deliver(self, notification, person, address: str) -> str | None:
        """Send ``notification`` (a :class:`~hub.notify.models.Notification`, or a digest built
        like one with ``kind="digest"``) to ``person`` at ``address``; return the medium's message
        id or None. Raise :class:`TransientDeliveryError` or :class:`DeliveryRefused`."""
        raise NotImplementedError


class InAppNotifier(Notifier):
    """The hub's own bell: the notification row is the message (no delivery row, always on)."""

    code = "hub"
    label_id = "Hub (lonceng notifikasi)"
    label_en = "Hub (notification bell)"
    quiet = False

    def deliver(self, notification, person, address: str) -> str | None:
        return None


class EmailNotifier(Notifier):
    """E-mail over SMTP (``HUB_SMTP_*``); a recipient the server refuses with a 5xx is a refusal."""

    code = "email"
    label_id = "Surel"
    label_en = "E-mail"
    quiet = False

    def available(self) -> bool:
        from hub.notify.mail import smtp_enabled

        return smtp_enabled()

    def addresses(self, users: list) -> dict[int, str]:
        return {u.id: u.email for u in users if u.email}

    def deliver(self, notification, person, address: str) -> str | None:
        from hub.notify.mail import MailError, send_mail
        from hub.notify.service import compose_mail
        from hub.plugins import plugins

        attachments = [a for found in plugins().hook.notification_attachments(notification=notification, person=person)
                       for a in (found or [])]  # fmt: skip
        try:
            send_mail(address, *compose_mail(notification, person), attachments=attachments)
        except MailError as exc:
            cause = exc.__cause__
            code = getattr(cause, "smtp_code", None)
            if isinstance(cause, smtplib.SMTPRecipientsRefused):
                codes = [c for c, _ in cause.recipients.values()]
                code = min(codes) if codes else None
            if code is not None and 500 <= code < 600:
                raise DeliveryRefused(
                    f"Server surel menolak alamat {address}: {exc}", f"The mail server refused {address}: {exc}"
                ) from exc
            raise TransientDeliveryError(str(exc)) from exc
        return None


CORE_NOTIFIERS: tuple[Notifier, ...] = (InAppNotifier(), EmailNotifier())
_EXT_KEY = "hub.notifiers"


def notifiers() -> dict[str, Notifier]:
    """Every medium of this app by code: the core's two, then the plugins' (``register_notifiers``)."""
    found = current_app.extensions.get(_EXT_KEY)
    if found is None:
        from hub.exceptions import PluginError
        from hub.plugins import plugins

        found = {n.code: n for n in CORE_NOTIFIERS}
        for impl in plugins().hook.register_notifiers.get_hookimpls():
            for notifier in impl.function() or []:
                if not notifier.code or notifier.code in found:
                    raise PluginError(f"notifier {notifier.code!r} of {impl.plugin_name!r} is empty or taken")
                found[notifier.code] = notifier
        current_app.extensions[_EXT_KEY] = found
    return found


def outside_media() -> list[Notifier]:
    """The media with a delivery row (all but the bell)."""
    return [n for code, n in notifiers().items() if code != InAppNotifier.code]
