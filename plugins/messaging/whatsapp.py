"""WhatsApp: the WhatsApp Business Cloud API (Graph API, version pinned in the settings).

Business-initiated messages must use approved templates, so every message is a template
message: ``POST /<version>/<phone-number-id>/messages`` with a bearer token, the template name
the admin set, its language, and the body parameters in this order: name, item, step, due
time, link (the notification template) or the code alone (the verification template).

A number is used only once verified: the account page sends a six-digit code through the same
template channel, valid 10 minutes, five tries. Delivery statuses come back by webhook
(``X-Hub-Signature-256``: HMAC-SHA256 of the raw body with the app secret) and are recorded on
the delivery. 429, the throughput codes and 5xx are retried; an undeliverable number, a number
not allowed, or a missing/rejected template is a definite refusal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets as pysecrets

from hub_messaging.models import WhatsAppNumber
from hub_messaging.secrets import get_secret

from hub.sdk import (
    DeliveryRefused,
    Notifier,
    TransientDeliveryError,
    db,
    notification_link,
    notify_now,
    plugin_config,
    record_delivery_status,
)

log = logging.getLogger(__name__)
CODE_MINUTES = 10
CODE_TRIES = 5
TIMEOUT = 20
#: Graph error codes that mean "not now": rate and throughput limits, temporary trouble
TRANSIENT_CODES = {4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
#: codes that mean "never, as things are": the number, the template, the parameters
REFUSED_CODES = {131026, 131030, 131045, 131047, 131051, 132000, 132001, 132005, 132007, 132012, 132015, 132016}


class WhatsAppError(Exception):
    def __init__(self, status: int, code: int | None, message: str, retry_after: float | None = None):
        super().__init__(f"WhatsApp {status} ({code}): {message}")
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


def _conf(key: str, default: str = "") -> str:
    return str(plugin_config("messaging", key) or default)


def send_template(to: str, template: str, params: list[str], *, language: str | None = None) -> str:
    """Send one template message; returns the WhatsApp message id (``wamid…``)."""
    import requests  # here, not at import: the app is built without it

    base = _conf("whatsapp_api_base", "https://graph.facebook.com").rstrip("/")
    version, phone_id, token = (
        _conf("whatsapp_graph_version", "v21.0"),
        _conf("whatsapp_phone_number_id"),
        get_secret("whatsapp_token"),
    )
    if not (phone_id and token and template):
        raise WhatsAppError(0, None, "WhatsApp is not set up (phone number id, token, template)")
    body = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": language or _conf("whatsapp_template_language", "id")},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": p[:1000]} for p in params]}],
        },
    }
    try:
        resp = requests.post(
            f"{base}/{version}/{phone_id}/messages",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise WhatsAppError(0, None, f"{type(exc).__name__}: {exc}") from exc
    try:
        data = resp.json()
    except ValueError:
        data = {}
    if resp.status_code == 200 and data.get("messages"):
        return str(data["messages"][0]["id"])
    error = data.get("error") or {}
    retry = resp.headers.get("Retry-After")
    raise WhatsAppError(
        resp.status_code,
        error.get("code"),
        str(error.get("message") or resp.reason),
        float(retry) if retry and retry.isdigit() else None,
    )


def as_delivery_error(exc: WhatsAppError) -> Exception:
    if exc.code in REFUSED_CODES:
        return DeliveryRefused(f"WhatsApp menolak: {exc.message}", f"WhatsApp refused: {exc.message}")
    if exc.status == 429 or exc.code in TRANSIENT_CODES or exc.status >= 500 or exc.status == 0:
        return TransientDeliveryError(str(exc), retry_after=exc.retry_after)
    return TransientDeliveryError(str(exc))


def template_params(notification, person) -> list[str]:
    """name, item, step, due time, link: the notification template's five body parameters."""
    lang = "en" if getattr(person, "language", "id") == "en" else "id"
    data = getattr(notification, "data", None) or {}
    return [
        person.display_name or person.username,
        str(data.get("item") or notification.title(lang)),
        str(data.get(f"step_{lang}") or "-"),
        str(data.get(f"due_{lang}") or "-"),
        notification_link(notification) or "-",
    ]


class WhatsAppNotifier(Notifier):
    code = "whatsapp"
    label_id = "WhatsApp"
    label_en = "WhatsApp"
    quiet = True
    setup_endpoint = "messaging.account"

    def available(self) -> bool:
        return bool(get_secret("whatsapp_token") and _conf("whatsapp_phone_number_id"))

    def addresses(self, users: list) -> dict[int, str]:
        ids = [u.id for u in users]
        if not ids:
            return {}
        rows = db.session.execute(
            db.select(WhatsAppNumber.user_id, WhatsAppNumber.phone).where(
                WhatsAppNumber.user_id.in_(ids), WhatsAppNumber.verified_at.is_not(None)
            )
        ).all()
        return {user_id: phone for user_id, phone in rows}

    def deliver(self, notification, person, address: str) -> str | None:
        try:
            return send_template(
                address, _conf("whatsapp_template_notify", "hub_notifikasi"), template_params(notification, person)
            )
        except WhatsAppError as exc:
            raise as_delivery_error(exc) from exc


# --- verifying a number ------------------------------------------------------------------------


def normalise(phone: str) -> str | None:
    """ "0812-3456-7890", "+62 812 3456 7890" -> "6281234567890"; None when it is not a number."""
    digits = re.sub(r"[\s\-().]", "", phone or "")
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits if digits.isdigit() and 8 <= len(digits) <= 15 else None


def _hash(code: str, user_id: int) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def start_verification(user, phone: str) -> None:
    """Store the number (unverified) and send it a one-time code through WhatsApp. Raises
    :class:`WhatsAppError` when WhatsApp refuses; the caller commits."""
    code = f"{pysecrets.randbelow(10**6):06d}"
    row = db.session.get(WhatsAppNumber, user.id)
    if row is None:
        row = WhatsAppNumber(user_id=user.id, phone=phone, code_attempts=0)
        db.session.add(row)
    row.phone, row.verified_at, row.code_attempts = phone, None, 0
    row.code_hash = _hash(code, user.id)
    row.code_expires_at = notify_now() + dt.timedelta(minutes=CODE_MINUTES)
    send_template(phone, _conf("whatsapp_template_code", "hub_kode_verifikasi"), [code])


def confirm(user, code: str) -> str:
    """ "verified", "wrong", "expired" or "none" (no code waiting); the caller commits."""
    row = db.session.get(WhatsAppNumber, user.id)
    if row is None or row.code_hash is None:
        return "none"
    if row.code_expires_at is None or row.code_expires_at <= notify_now() or row.code_attempts >= CODE_TRIES:
        row.code_hash = None
        return "expired"
    row.code_attempts += 1
    if not hmac.compare_digest(row.code_hash, _hash(code.strip(), user.id)):
        return "wrong"
    row.verified_at, row.code_hash, row.code_expires_at = notify_now(), None, None
    return "verified"


# --- status webhooks ----------------------------------------------------------------------------


def signature_matches(raw: bytes, header: str | None) -> bool:
    secret = get_secret("whatsapp_app_secret")
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256="), expected)


def record_statuses(payload: dict) -> int:
    """Record every ``statuses`` entry of a webhook payload on its delivery; returns how many matched."""
    changed = 0
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            for status in (change.get("value") or {}).get("statuses") or []:
                errors = status.get("errors") or []
                error = "; ".join(f"{e.get('code')}: {e.get('title') or e.get('message')}" for e in errors) or None
                refused = any(e.get("code") in REFUSED_CODES for e in errors)
                changed += record_delivery_status(
                    "whatsapp", str(status.get("id")), str(status.get("status")), error, refused=refused
                )
    return changed
