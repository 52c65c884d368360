"""Connecting a YouTube channel: the OAuth 2.0 consent flow (web server application).

The admin pastes the OAuth client id and secret of the office's Google Cloud project (client type
"Web application", redirect URI ``<HUB_BASE_URL>/social/youtube/callback``); "Connect" sends them
to Google's consent page with ``access_type=offline`` and ``prompt=consent`` (so a refresh token
comes back) and a signed ``state`` naming the account; the callback exchanges the code for the
refresh token, stored encrypted (:func:`hub_social.accounts.set_refresh_token`). A refresh token
Google later refuses (``invalid_grant``: revoked, or a testing-mode project's 7-day limit) marks
the account "reconnect" and the admins are notified (:mod:`hub_social.health`).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from hub.sdk import ChannelAccount

_SALT = "hub_social.youtube-oauth"
STATE_SECONDS = 15 * 60


def redirect_uri() -> str:
    return str(current_app.config.get("BASE_URL") or "").rstrip("/") + "/social/youtube/callback"


def consent_url(account: ChannelAccount, client_id: str, user_id: int) -> str:
    from hub_social.youtube_client import AUTH_URI, SCOPES

    state = URLSafeTimedSerializer(current_app.secret_key, salt=_SALT).dumps([account.id, user_id])
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri(),
            "response_type": "code",
            "scope": " ".join(SCOPES),
            "access_type": "offline",
            "prompt": "consent",
            "include_granted_scopes": "true",
            "state": state,
        }
    )
    url = f"{AUTH_URI}?{query}"
    if account.base_url:  # a gateway or the test stub answers for Google's consent page too
        parts, base = urlsplit(url), urlsplit(account.base_url)
        url = urlunsplit((base.scheme, base.netloc, base.path + parts.path, parts.query, ""))
    return url


def account_of_state(state: str, user_id: int) -> int | None:
    """The account id the state was signed for, when it is fresh and made for this user."""
    try:
        account_id, signed_user = URLSafeTimedSerializer(current_app.secret_key, salt=_SALT).loads(
            state, max_age=STATE_SECONDS
        )
    except (BadSignature, ValueError, TypeError):
        return None
    return int(account_id) if signed_user == user_id else None
