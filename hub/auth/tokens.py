"""API tokens as functions, shared by the account page and ``/api/v1/tokens``: the rules for a
new token's name and lifetime, making one (audited), revoking one (audited), and the
re-authentication the API asks before making one (password and a current TOTP code, under the
login throttle). Nothing here commits unless it says so."""

from __future__ import annotations

from flask import current_app

from hub import audit
from hub.auth import passwords, throttle, totp
from hub.auth.models import ApiToken
from hub.auth.sessions import create_token
from hub.models.base import utcnow

#: field -> (Bahasa Indonesia, English)
Problems = dict[str, tuple[str, str]]


def check_request(name: str, days: int | None) -> Problems:
    """What is wrong with a new token's ``name`` and ``days`` (empty when nothing is)."""
    problems: Problems = {}
    if not (name or "").strip():
        problems["name"] = (
            "Beri nama token (skrip atau sistem yang memakainya).",
            "Give the token a name (what script or system uses it).",
        )
    most = current_app.config["API_TOKEN_MAX_DAYS"]
    if days is None or not 1 <= days <= most:
        problems["days"] = (f"Pilih antara 1 dan {most} hari.", f"Choose between 1 and {most} days.")
    return problems


def issue(user, name: str, days: int, *, actor) -> tuple[ApiToken, str]:
    """A new token of ``user`` (its clear value returned once), audited as ``auth.token_created``."""
    from hub.extensions import db

    name = name.strip()[:100]
    token, value = create_token(user, name, days)
    db.session.flush()
    audit.record(
        "auth.token_created",
        actor=actor,
        target_type="api_token",
        target_id=token.id,
        details={"name": name, "days": days, "prefix": token.prefix},
    )
    return token, value


def revoke(token: ApiToken, *, actor) -> bool:
    """Revoke ``token`` (audited as ``auth.token_revoked``); False when it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    details = {"name": token.name}
    if actor is not None and actor.id != token.user_id:
        details["owner"] = token.user_id
    audit.record("auth.token_revoked", actor=actor, target_type="api_token", target_id=token.id, details=details)
    return True


def reauthenticate(user, password: str, code: str, where: str) -> tuple[bool, int]:
    """``user`` proves it is them again: their current password AND a current TOTP code (accepted
    once; a recovery code does not do). Under the login throttle (:mod:`hub.auth.throttle`, the
    device cookie ignored): ``(True, 0)`` when both are right; ``(False, wait_seconds)`` when the
    throttle holds the attempt back (audited ``auth.login_throttled``); ``(False, 0)`` when either
    is wrong: the failure counts for the account and the address and is audited
    ``auth.reauth_failed`` (saying which factor failed; the caller is not told). Commits a failure."""
    from hub.extensions import db

    wait = throttle.wait_seconds(user.username, user.id, trust_device=False)
    if wait:
        audit.record(
            "auth.login_throttled", actor=None, target_type="user", target_id=user.id, details={"wait_seconds": wait}
        )
        db.session.commit()
        return False, wait
    failed = None
    if not passwords.verify_password(user.password_hash, password or ""):
        failed = "password"
    elif not totp.verify(user, code or ""):
        failed = "code"
    if failed is None:
        return True, 0
    throttle.record_failure(user.username)
    audit.record(
        "auth.reauth_failed",
        actor=user,
        target_type="user",
        target_id=user.id,
        details={"where": where, "factor": failed},
    )
    db.session.commit()
    return False, 0
