"""WordPress sites: ``hub.models.ChannelAccount`` rows of channel ``website`` or ``ppid``.

``base_url`` is the site address, ``secret`` the encrypted ``{"username", "app_password"}``,
``config`` what is not secret: ``default_categories`` (names, for every post to the site),
``dip_category`` (PPID sites: the category of DIP posts), ``max_upload_mb`` (the site's
upload limit, when it differs from the plugin setting), ``default`` (the site used when
an item names none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from hub_website.wordpress import WordPressClient, WordPressError

from hub.sdk import ChannelAccount, HubError, PermanentPublishError, db, decrypt_json, encrypt_json, plugin_config

CHANNELS = ("website", "ppid")
PLUGIN = "website"


class SiteError(HubError):
    """A site cannot be added or used as given; the message says what to fix (both languages)."""


def normalise_app_password(value: str) -> str:
    """WordPress ignores everything but letters and digits in an Application Password; so do we."""
    return re.sub(r"[^A-Za-z0-9]", "", value or "")


def check_url(url: str) -> str:
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SiteError(
            f"Alamat situs harus http(s)://nama-situs, bukan {url!r} / the site address must be http(s)://host, "
            f"not {url!r}"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def add_site(
    channel: str,
    name: str,
    url: str,
    username: str,
    app_password: str,
    *,
    organisation_id: int | None = None,
    config: dict | None = None,
) -> ChannelAccount:
    """Add a WordPress site (not committed). The first site of a channel becomes its default."""
    if channel not in CHANNELS:
        raise SiteError(f"Kanal harus salah satu dari {CHANNELS} / channel must be one of {CHANNELS}")
    password = normalise_app_password(app_password)
    if len(password) != 24:
        raise SiteError(
            "Application Password WordPress terdiri dari 24 huruf/angka (boleh dengan spasi) / "
            "a WordPress Application Password has 24 letters and digits (spaces allowed)"
        )
    if not (name or "").strip() or not (username or "").strip():
        raise SiteError("Nama situs dan nama pengguna wajib diisi / the site name and user name are required")
    existing = sites(channel, active_only=True)
    account = ChannelAccount(
        channel=channel,
        name=name.strip(),
        base_url=check_url(url),
        organisation_id=organisation_id,
        config={"default": not existing, **(config or {})},
        secret=encrypt_json({"username": username.strip(), "app_password": password}),
        is_active=True,
    )
    db.session.add(account)
    return account


def sites(channel: str | None = None, *, active_only: bool = False) -> list[ChannelAccount]:
    query = db.select(ChannelAccount).where(ChannelAccount.channel.in_([channel] if channel else CHANNELS))
    if active_only:
        query = query.where(ChannelAccount.is_active.is_(True))
    return list(db.session.execute(query.order_by(ChannelAccount.id)).scalars())


def default_sites(channel: str, wanted: list | None = None) -> list[ChannelAccount]:
    """The sites an item goes to: those it names (ids or names), else the channel's default site."""
    active = sites(channel, active_only=True)
    if wanted:
        chosen = [s for s in active if str(s.id) in map(str, wanted) or s.name in wanted]
        return chosen
    defaults = [s for s in active if (s.config or {}).get("default")]
    return defaults[:1] or active[:1]


def site_for_target(channel: str, target: str) -> ChannelAccount | None:
    """The site a publication goes to: ``target`` is a site id (or name); ``""`` means the default site."""
    if target:
        for site in sites(channel, active_only=True):
            if str(site.id) == target or site.name == target:
                return site
        raise PermanentPublishError(
            f"Situs WordPress {target!r} untuk kanal {channel} tidak ada atau nonaktif; periksa Administrasi → Situs "
            "WordPress.",
            message_en=f"The WordPress site {target!r} of channel {channel} does not exist or is disabled; check "
            "Administration → WordPress sites.",
        )
    found = default_sites(channel)
    return found[0] if found else None


@dataclass
class SiteLimits:
    max_upload_mb: float
    timeout: float
    upload_timeout: float


def limits(site: ChannelAccount | None = None) -> SiteLimits:
    cfg = plugin_config(PLUGIN)
    own = (site.config or {}).get("max_upload_mb") if site is not None else None
    return SiteLimits(
        max_upload_mb=float(own or cfg["max_upload_mb"]),
        timeout=float(cfg["timeout"]),
        upload_timeout=float(cfg["upload_timeout"]),
    )


def client_for(site: ChannelAccount) -> WordPressClient:
    creds = decrypt_json(site.secret)
    lim = limits(site)
    return WordPressClient(
        site.base_url,
        creds.get("username", ""),
        creds.get("app_password", ""),
        timeout=lim.timeout,
        upload_timeout=lim.upload_timeout,
    )


@dataclass
class ConnectionCheck:
    ok: bool
    message_id: str
    message_en: str
    user: dict | None = None


def check_connection(site: ChannelAccount) -> ConnectionCheck:
    """``GET /wp-json/wp/v2/users/me?context=edit``: are the credentials good, may the user publish and upload?"""
    from hub_website.errors import describe_parts

    with client_for(site) as client:
        try:
            me = client.me()
        except WordPressError as err:
            return ConnectionCheck(False, *describe_parts(err, site.name))
    caps = me.get("capabilities") or {}
    missing = [c for c in ("publish_posts", "upload_files") if not caps.get(c)]
    who = f"{me.get('name') or me.get('username')} ({', '.join(me.get('roles') or []) or '-'})"
    if missing:
        return ConnectionCheck(
            False,
            f"Tersambung sebagai {who}, tetapi pengguna ini tidak punya hak {', '.join(missing)}; beri peran Editor.",
            f"Connected as {who}, but this user lacks {', '.join(missing)}; give it the Editor role.",
            me,
        )
    return ConnectionCheck(True, f"Tersambung sebagai {who}.", f"Connected as {who}.", me)
