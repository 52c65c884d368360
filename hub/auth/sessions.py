"""Who is asking: server-side sessions (browser) and API tokens (scripts).

The browser's signed cookie holds only a random session id (``sid``); the session
itself is a row (:class:`AuthSession`) that the server can end at any time. Every
request runs :func:`load_user`, which sets ``g.user`` (or leaves it ``None``) and
``g.auth`` ("session" or "token"). ``Authorization: Bearer <token>`` is honoured on
``/api/`` paths only; such requests carry no cookie and skip the CSRF check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.orm import joinedload

from hub.auth.models import ApiToken, AuthSession
from hub.extensions import csrf, db
from hub.models import User
from hub.models.base import utcnow

#: last_seen_at is written at most this often (seconds), not on every request
TOUCH_EVERY = 60
TOKEN_PREFIX = "hubt_"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` when the request came over https (``SESSION_COOKIE_SECURE="auto"``)."""

    def get_cookie_secure(self, app) -> bool:
        value = app.config.get("SESSION_COOKIE_SECURE")
        if value == "auto":
            return bool(request) and request.is_secure
        return bool(value)


# --- sessions ---------------------------------------------------------------------------------


def start_session(user: User) -> AuthSession:
    """Log ``user`` in: a new session id (never the one from before login). Not committed."""
    lang = session.get("lang")
    session.clear()  # drops the pre-login state and the old CSRF token
    if lang:
        session["lang"] = lang
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    row = AuthSession(
        key_hash=_digest(sid),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]),
        ip=(request.remote_addr or "")[:64] or None,
        user_agent=(request.user_agent.string or "")[:300] or None,
    )
    db.session.add(row)
    session["sid"] = sid
    g.user, g.auth, g.auth_session = user, "session", row
    return row


def end_sessions(user_id: int, reason: str, *, keep: AuthSession | None = None) -> int:
    """End every live session of a user (except ``keep``). Not committed. Returns how many."""
    query = db.update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
    if keep is not None and keep.id is not None:
        query = query.where(AuthSession.id != keep.id)
    result = db.session.execute(
        query.values(ended_at=utcnow(), end_reason=reason).execution_options(synchronize_session=False)
    )
    return result.rowcount


def revoke_tokens(user_id: int) -> int:
    """Revoke every live API token of a user (an administrator's reset: the account may be in
    someone else's hands). Not committed. Returns how many."""
    result = db.session.execute(
        db.update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def end_current_session(reason: str = "logout") -> None:
    row = g.get("auth_session")
    if row is not None:
        row.ended_at, row.end_reason = utcnow(), reason
    session.pop("sid", None)


def _session_user() -> tuple[User, AuthSession] | None:
    sid = session.get("sid")
    if not sid or not isinstance(sid, str):
        return None
    # the person in the same statement (every request asks who it is: one round trip fewer)
    row = db.session.scalar(
        db.select(AuthSession).where(AuthSession.key_hash == _digest(sid)).options(joinedload(AuthSession.user))
    )
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    reason = "expired" if row.expires_at <= now else "idle" if row.last_seen_at + idle <= now else None
    if reason is None and not row.user.is_active:
        reason = "disabled"
    if reason:
        row.ended_at, row.end_reason = now, reason
        db.session.commit()
        return None
    if (now - row.last_seen_at).total_seconds() >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row.user, row


# --- API tokens -------------------------------------------------------------------------------


def create_token(user: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user`` valid ``days`` days; the clear value is returned once. Not committed."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100] or "token",
        token_hash=_digest(value),
        prefix=value[:12],
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    db.session.add(token)
    return token, value


def _token_user(header: str) -> tuple[User, ApiToken] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    token = db.session.scalar(
        db.select(ApiToken).where(ApiToken.token_hash == _digest(value.strip())).options(joinedload(ApiToken.user))
    )
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token.user, token


# --- the request hook -------------------------------------------------------------------------


def load_user() -> None:
    """Set ``g.user`` from the session cookie or (on ``/api/``) a bearer token; then check CSRF."""
    g.user, g.auth, g.auth_session, g.api_token = None, None, None, None
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/") and header:
        found = _token_user(header)
        if found:
            g.user, g.api_token = found
            g.auth = "token"
        return  # a bearer request is judged by its token alone and needs no CSRF token
    found = _session_user()
    if found:
        g.user, g.auth_session = found
        g.auth = "session"
    _check_csrf()


def _check_csrf() -> None:
    """Flask-WTF's check, run here (after we know it is not a token request)."""
    app = current_app
    if not app.config.get("WTF_CSRF_ENABLED", True) or request.method not in app.config.get(
        "WTF_CSRF_METHODS", {"POST", "PUT", "PATCH", "DELETE"}
    ):
        return
    if not request.endpoint:
        return
    if app.blueprints.get(request.blueprint) in csrf._exempt_blueprints:
        return
    view = app.view_functions.get(request.endpoint)
    if view is not None and f"{view.__module__}.{view.__name__}" in csrf._exempt_views:
        return
    csrf.protect()
