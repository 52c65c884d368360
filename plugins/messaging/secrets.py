"""The plugin's secrets (bot token, WhatsApp access token, webhook secrets), encrypted at rest.

Stored as setting rows of the namespace ``messaging.secrets`` holding ``encrypt_json`` output;
the environment variable ``HUB_MESSAGING_<KEY>`` wins when set. They are never shown back.
"""

from __future__ import annotations

import os

from sqlalchemy import event
from sqlalchemy.orm import Session

from hub.sdk import Setting, db, decrypt_json, encrypt_json

NAMESPACE = "messaging.secrets"
#: ``session.info`` key: the namespace's rows, read once per transaction (every notification asks)
_CACHE = "hub_messaging.secrets"
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
    info = db.session.info
    if _CACHE not in info:
        rows = db.session.execute(db.select(Setting.key, Setting.value).where(Setting.namespace == NAMESPACE)).all()
        info[_CACHE] = {k: v for k, v in rows}
    stored = info[_CACHE].get(key)
    if not stored:
        return ""
    return str(decrypt_json(str(stored).encode()).get("value") or "")


def set_secret(key: str, value: str) -> None:
    """Store (or, with an empty value, remove) a secret; the caller commits."""
    db.session.info.pop(_CACHE, None)
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


def _forget(session, *_args) -> None:
    session.info.pop(_CACHE, None)


for _event in ("after_commit", "after_soft_rollback"):
    event.listen(Session, _event, _forget)
