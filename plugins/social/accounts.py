"""Social accounts: :class:`hub.models.ChannelAccount` rows of the channels ``x`` and ``facebook``.

Credentials are encrypted at rest with :func:`hub.crypto.encrypt_json`:

* X (OAuth 1.0a user context): ``consumer_key``, ``consumer_secret``, ``access_token``,
  ``access_token_secret``;
* Facebook: ``page_token`` (a Page access token). The page id is not secret and lives in
  ``config["page_id"]``;
* Instagram: ``page_token`` (the access token of the Facebook Page the professional account is
  linked to, with ``instagram_basic`` and ``instagram_content_publish``). The Instagram user id
  lives in ``config["ig_user_id"]``;
* YouTube: ``client_id`` and ``client_secret`` of the office's Google Cloud OAuth client (pasted
  by the admin) and ``refresh_token`` (from the consent flow, :mod:`hub_social.youtube_oauth`).
  ``config["project"]`` is the client id (not secret: it is in every consent URL), the key the
  quota is counted by; ``config["quota"]`` the units this account used today.

``config`` also keeps what a connection test learnt (X ``user_id`` and ``username``,
the page's name) and the last test's result. ``base_url`` is the API base, empty for
the real one.

Which accounts an item goes to: ``ItemChannel.options["accounts"]``, a list of account
ids; missing or empty means every active account of the channel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from hub.sdk import ChannelAccount, HubError, db, decrypt_json, encrypt_json, utcnow

CHANNELS = ("x", "facebook", "instagram", "youtube")
DEFAULT_BASE_URLS = {
    "x": "https://api.x.com",
    "facebook": "https://graph.facebook.com",
    "instagram": "https://graph.facebook.com",
    "youtube": "",  # Google's own hosts (the client library's URLs)
}
SECRET_FIELDS = {
    "x": ("consumer_key", "consumer_secret", "access_token", "access_token_secret"),
    "facebook": ("page_token",),
    "instagram": ("page_token",),
    "youtube": ("client_id", "client_secret"),  # the refresh token comes from the consent flow
}
#: the one config field each channel needs besides its secrets (not secret itself)
ID_FIELDS = {"facebook": "page_id", "instagram": "ig_user_id"}


class AccountError(HubError):
    """An account cannot be created or used as asked (missing credential, unknown id)."""


@dataclass(frozen=True)
class Credentials:
    account: ChannelAccount
    secrets: dict

    @property
    def base_url(self) -> str:
        return self.account.base_url or DEFAULT_BASE_URLS[self.account.channel]


def set_refresh_token(account: ChannelAccount, refresh_token: str) -> None:
    """Store the refresh token the consent flow gave (encrypted); the account is connected."""
    current = decrypt_json(account.secret) if account.secret else {}
    current["refresh_token"] = refresh_token
    account.secret = encrypt_json(current)
    account.config = {**(account.config or {}), "needs_reconnect": False, "reconnect_notified": None}


def credentials(account: ChannelAccount) -> Credentials:
    return Credentials(account, decrypt_json(account.secret))


def add_account(
    channel: str,
    name: str,
    secrets: dict,
    *,
    base_url: str = "",
    page_id: str = "",
    ig_user_id: str = "",
    expires_at: dt.datetime | None = None,
    organisation_id: int | None = None,
) -> ChannelAccount:
    """Create an account (not committed). Raises :class:`AccountError` naming what is missing."""
    if channel not in CHANNELS:
        raise AccountError(f"kanal tidak dikenal / unknown channel {channel!r} ({', '.join(CHANNELS)})")
    if not name.strip():
        raise AccountError("nama akun wajib diisi / the account needs a name")
    missing = [f for f in SECRET_FIELDS[channel] if not str(secrets.get(f) or "").strip()]
    ids = {"page_id": page_id.strip(), "ig_user_id": ig_user_id.strip()}
    id_field = ID_FIELDS.get(channel)
    if id_field and not ids[id_field]:
        missing.insert(0, id_field)
    if missing:
        raise AccountError(f"belum diisi / missing: {', '.join(missing)}")
    account = ChannelAccount(
        channel=channel,
        name=name.strip(),
        base_url=clean_base_url(base_url),
        config=(
            {id_field: ids[id_field]}
            if id_field
            else {"project": str(secrets.get("client_id")).strip(), "needs_reconnect": True}
            if channel == "youtube"
            else {}
        ),
        organisation_id=organisation_id,
        expires_at=expires_at,
        is_active=True,
    )
    set_secrets(account, secrets)
    db.session.add(account)
    return account


def clean_base_url(raw: str) -> str:
    """An API base URL as stored: empty (the real one) or an http(s) URL without a trailing slash."""
    value = (raw or "").strip().rstrip("/")
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment):
        raise AccountError(f"alamat API harus URL http(s) / the API address must be an http(s) URL: {value!r}")
    return value


def set_secrets(account: ChannelAccount, secrets: dict) -> None:
    """Replace the stored credentials with the non-empty values given (others are kept)."""
    current = decrypt_json(account.secret) if account.secret else {}
    for field in SECRET_FIELDS[account.channel]:
        value = str(secrets.get(field) or "").strip()
        if value:
            current[field] = value
    account.secret = encrypt_json(current)
    # a new token means the previous "reconnect" failure no longer applies (YouTube: until the
    # consent flow gave a refresh token, the account waits for it)
    waiting = account.channel == "youtube" and not current.get("refresh_token")
    account.config = {**(account.config or {}), "needs_reconnect": waiting, "reconnect_notified": None}


def social_accounts(channel: str | None = None, *, active_only: bool = False) -> list[ChannelAccount]:
    query = db.select(ChannelAccount).where(ChannelAccount.channel.in_([channel] if channel else CHANNELS))
    if active_only:
        query = query.where(ChannelAccount.is_active.is_(True))
    return list(db.session.execute(query.order_by(ChannelAccount.channel, ChannelAccount.name)).scalars())


def chosen_ids(options: dict | None) -> list[int] | None:
    """The account ids an item chose, or None for "all active accounts"."""
    raw = (options or {}).get("accounts")
    if not raw:
        return None
    if isinstance(raw, (str, int)):
        raw = [raw]
    ids = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise AccountError(f"bukan nomor akun / not an account id: {value!r}") from None
    return ids


def accounts_for(channel: str, options: dict | None, target: str = "") -> list[ChannelAccount]:
    """The accounts a publication goes to.

    ``target`` is the publication's target: an account id when the dispatcher made one
    publication per account, else empty (then the item's choice, or every active account).
    """
    if target:
        account = db.session.get(ChannelAccount, int(target))
        if account is None or account.channel != channel:
            raise AccountError(f"akun {target} tidak ada / account {target} does not exist")
        return [account]
    ids = chosen_ids(options)
    if ids is None:
        return social_accounts(channel, active_only=True)
    rows = {a.id: a for a in social_accounts(channel)}
    return [rows[i] for i in ids if i in rows]


def expiring(within_days: int, now: dt.datetime | None = None) -> list[ChannelAccount]:
    """Active accounts whose token expires within ``within_days`` days (or has expired)."""
    now = now or utcnow()
    limit = now + dt.timedelta(days=within_days)
    return [a for a in social_accounts(active_only=True) if a.expires_at is not None and a.expires_at <= limit]
