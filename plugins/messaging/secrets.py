"""The plugin's secrets (bot token, WhatsApp access token, webhook secrets), encrypted at rest.

Stored as setting rows of the namespace ``messaging.secrets`` holding ``encrypt_json`` output;
the environment variable ``HUB_MESSAGING_<KEY>`` wins when set. They are never shown back.
"""

from __future__ import annotations

import os

from hub.sdk import Setting, db, decrypt_json, encrypt_json

NAMESPACE = "messaging.secrets"
KEYS = (
    "telegram_bot_token",
    "telegram_webhook_secret",
    "whatsapp_token",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
)


def get_secret(key: str) -> str:
    env = os.environ.get(f"HUB_MESSAGING_{key.upper()}")
    if env is not None:
        return env
    row = db.session.get(Setting, (NAMESPACE, key))
    if row is None or not row.value:
        return ""
    return str(decrypt_json(str(row.value).encode()).get("value") or "")


def set_secret(key: str, value: str) -> None:
    """Store (or, with an empty value, remove) a secret; the caller commits."""
    row = db.session.get(Setting, (NAMESPACE, key))
    if not value:
        if row is not None:
            db.session.delete(row)
        return
    stored = encrypt_json({"value": value}).decode()
    if row is None:
        db.session.add(Setting(namespace=NAMESPACE, key=key, value=stored))
    else:
        row.value = stored
