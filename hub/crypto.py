"""Encryption at rest for channel credentials (Fernet, key from configuration)."""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from hub.exceptions import ConfigError


def _fernet() -> Fernet:
    key = current_app.config.get("ENCRYPTION_KEY")
    if not key:
        # Derived from the secret key so a default install works; set HUB_ENCRYPTION_KEY in production
        # so rotating the session secret does not lose the stored credentials.
        digest = hashlib.sha256(("hub-credentials:" + current_app.config["SECRET_KEY"]).encode()).digest()
        key = base64.urlsafe_b64encode(digest)
    try:
        return Fernet(key)
    except (ValueError, TypeError) as exc:
        raise ConfigError("HUB_ENCRYPTION_KEY", "must be a Fernet key (32 url-safe base64 bytes)") from exc


def encrypt_json(data: dict) -> bytes:
    return _fernet().encrypt(json.dumps(data).encode())


def decrypt_json(token: bytes | None) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token))
    except InvalidToken as exc:
        raise ConfigError("HUB_ENCRYPTION_KEY", "cannot decrypt stored credentials: the key has changed") from exc
