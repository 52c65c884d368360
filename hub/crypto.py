"""Encryption at rest for channel credentials and TOTP secrets (Fernet, key from configuration).

``HUB_ENCRYPTION_KEY`` encrypts; when unset the key is derived from ``HUB_SECRET_KEY``. To rotate,
list the keys in use so far in ``HUB_ENCRYPTION_OLD_KEYS`` (JSON list or comma-separated): they
still decrypt, and ``hub keys reencrypt`` rewrites every stored value under the current key, after
which the old keys can go (docs/operations.md, Key rotation).
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

from hub.exceptions import ConfigError


def derived_key(secret_key: str) -> bytes:
    """The Fernet key derived from a secret key (used when ``HUB_ENCRYPTION_KEY`` is unset)."""
    digest = hashlib.sha256(("hub-credentials:" + secret_key).encode()).digest()
    return base64.urlsafe_b64encode(digest)


def current_key() -> bytes:
    """The Fernet key that encrypts now."""
    key = current_app.config.get("ENCRYPTION_KEY")
    if not key:
        # Derived from the secret key so a default install works; set HUB_ENCRYPTION_KEY in production
        # so rotating the session secret does not lose the stored credentials.
        return derived_key(current_app.config["SECRET_KEY"])
    return key.encode() if isinstance(key, str) else key


def _old_keys() -> list:
    old = current_app.config.get("ENCRYPTION_OLD_KEYS") or []
    if isinstance(old, str):
        old = [k.strip() for k in old.split(",") if k.strip()]
    return list(old)


def _fernet() -> MultiFernet:
    """Encrypts with the current key; decrypts with it or any of ``ENCRYPTION_OLD_KEYS``."""
    try:
        current = Fernet(current_key())
    except (ValueError, TypeError) as exc:
        raise ConfigError("HUB_ENCRYPTION_KEY", "must be a Fernet key (32 url-safe base64 bytes)") from exc
    fernets = [current]
    for key in _old_keys():
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                "HUB_ENCRYPTION_OLD_KEYS", "each must be a Fernet key (32 url-safe base64 bytes)"
            ) from exc
    return MultiFernet(fernets)


def encrypt_json(data: dict) -> bytes:
    return _fernet().encrypt(json.dumps(data).encode())


def decrypt_json(token: bytes | None) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token))
    except InvalidToken as exc:
        raise ConfigError("HUB_ENCRYPTION_KEY", "cannot decrypt stored credentials: the key has changed") from exc


def reencrypt_all() -> dict[str, int]:
    """Rewrite every encrypted value under the current key (``MultiFernet.rotate``), in one transaction.

    Returns ``{table: rows rewritten}``. Raises :class:`ConfigError` naming the first value no
    configured key decrypts (nothing is changed then).
    """
    from hub.auth.models import TwoFactor
    from hub.extensions import db
    from hub.models import ChannelAccount

    fernet = _fernet()
    counts: dict[str, int] = {}
    try:
        for model in (ChannelAccount, TwoFactor):
            table = model.__table__
            key_col = list(table.primary_key.columns)[0]
            rows = db.session.execute(db.select(key_col, table.c.secret).where(table.c.secret.is_not(None))).all()
            for row_id, secret in rows:
                try:
                    new = fernet.rotate(bytes(secret))
                except InvalidToken as exc:
                    raise ConfigError(
                        "HUB_ENCRYPTION_OLD_KEYS",
                        f"{table.name} {row_id}: no configured key decrypts it (add the key it was written with)",
                    ) from exc
                db.session.execute(table.update().where(key_col == row_id).values(secret=new))
            counts[table.name] = len(rows)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return counts
