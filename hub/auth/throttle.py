"""Login throttling per account and per address (A4 2.2.1: at most 100 failures an hour).

A failure (bad user name, password or code) is recorded under the submitted user name
and the client address. Above the limits in the window the next attempt waits; the
wait ends on its own (no permanent lock-out). A browser that has logged in to the
account before carries a signed *device cookie* that lets it past the account limit (not
the address limit), so an attacker hammering an account cannot keep its owner out.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from hub.auth import settings
from hub.auth.models import LoginFailure
from hub.extensions import db
from hub.models.base import utcnow

DEVICE_COOKIE = "hub_device"
DEVICE_MAX_USERS = 5


def client_address() -> str:
    return request.remote_addr or "unknown"


def account_key(username: str) -> str:
    return (username or "").strip().lower()[:255]


def _count(scope: str, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    row = db.session.execute(
        db.select(db.func.count(LoginFailure.id), db.func.min(LoginFailure.created_at)).where(
            LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.created_at > since
        )
    ).one()
    oldest = row[1]
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return row[0], oldest


def wait_seconds(username: str, user_id: int | None = None, *, trust_device: bool = True) -> int:
    """0 when an attempt may go ahead, else how long to wait (seconds). ``trust_device=False``
    (a logged-in person typing their password again) ignores the device cookie: whoever holds a
    stolen session holds that cookie too."""
    conf = settings.get("login_throttle")
    window = dt.timedelta(minutes=conf["window_minutes"])
    now = utcnow()
    waits = []
    count, oldest = _count("address", client_address(), now - window)
    if count >= conf["address_max"] and oldest:
        waits.append(oldest + window - now)
    if user_id is None or not trust_device or user_id not in known_device_users():
        count, oldest = _count("account", account_key(username), now - window)
        if count >= conf["account_max"] and oldest:
            waits.append(oldest + window - now)
    return max((int(w.total_seconds()) + 1 for w in waits), default=0)


def record_failure(username: str) -> None:
    """Count a failure (committed by the caller with its audit entry)."""
    now = utcnow()
    db.session.add(LoginFailure(scope="account", key=account_key(username), created_at=now))
    db.session.add(LoginFailure(scope="address", key=client_address()[:255], created_at=now))
    # forget failures older than a day
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.created_at < now - dt.timedelta(days=1)))


def clear_account(username: str) -> None:
    db.session.execute(
        db.delete(LoginFailure).where(LoginFailure.scope == "account", LoginFailure.key == account_key(username))
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="hub-device")


def known_device_users() -> list[int]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return []
    return [int(v) for v in value if isinstance(v, int)] if isinstance(value, list) else []


def remember_device(response, user_id: int) -> None:
    users = [u for u in known_device_users() if u != user_id][: DEVICE_MAX_USERS - 1]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps([user_id, *users]),
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
