"""Warnings about the social accounts: tokens about to expire, credentials the platform refused.

Shown on the accounts page and, through the ``channel_health`` hook, on the dashboard of
people who publish or manage settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub_social.accounts import expiring, social_accounts
from hub_social.errors import PLATFORM

from hub.sdk import ChannelAccount, plugin_config, utcnow


@dataclass(frozen=True)
class AccountWarning:
    account: ChannelAccount
    kind: str  # "expiry" | "reconnect"
    severity: str
    message_id: str
    message_en: str


def warnings(now: dt.datetime | None = None) -> list[AccountWarning]:
    now = now or utcnow()
    days = int(plugin_config("social", "expiry_warning_days"))
    out = []
    for account in expiring(days, now):
        label = f"{PLATFORM[account.channel]} \u201c{account.name}\u201d"
        when = account.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        if account.expires_at <= now:
            out.append(
                AccountWarning(
                    account,
                    "expiry",
                    "error",
                    f"Token akun {label} sudah kedaluwarsa ({when}); hubungkan ulang agar kiriman tidak gagal.",
                    f"The token of the account {label} expired ({when}); reconnect it so posts do not fail.",
                )
            )
        else:
            left = max(0, (account.expires_at - now).days)
            out.append(
                AccountWarning(
                    account,
                    "expiry",
                    "warning",
                    f"Token akun {label} kedaluwarsa dalam {left} hari ({when}); perbarui sebelum waktunya.",
                    f"The token of the account {label} expires in {left} days ({when}); renew it before then.",
                )
            )
    for account in social_accounts(active_only=True):
        if (account.config or {}).get("needs_reconnect"):
            label = f"{PLATFORM[account.channel]} \u201c{account.name}\u201d"
            out.append(
                AccountWarning(
                    account,
                    "reconnect",
                    "error",
                    f"{label} menolak kredensialnya; hubungkan ulang akun ini.",
                    f"{label} refused its credentials; reconnect this account.",
                )
            )
    return out


def notes() -> list:
    from hub.sdk import HealthNote

    return [
        HealthNote(
            w.account.channel,
            w.message_id,
            w.message_en,
            severity=w.severity,
            url=f"/social/accounts/{w.account.id}",
        )
        for w in warnings()
    ]


def notify_expiring(accounts: list[ChannelAccount] | None = None) -> int:
    """Tell the social admins and system admins in the hub (``hub.notify``) about each warning, once.

    Once per account and expiry date (``config["expiry_notified"]``); a reconnect warning once
    until the credentials are replaced. Returns how many warnings were sent; does nothing when
    the hub has no notifications area. The caller commits.
    """
    try:
        from hub.sdk import notify
    except ImportError:
        return 0
    from hub.sdk import User, UserRole, db, roles_with_permission

    wanted = {a.id for a in accounts} if accounts is not None else None
    roles = {"admin_social"} | roles_with_permission("settings.manage")
    people = None
    sent = 0
    for w in warnings():
        account = w.account
        if wanted is not None and account.id not in wanted:
            continue
        config = dict(account.config or {})
        key = f"{w.kind}_notified"
        mark = account.expires_at.isoformat() if w.kind == "expiry" else "1"
        if config.get(key) == mark:
            continue
        if people is None:
            people = list(
                db.session.execute(
                    db.select(User).join(UserRole).where(UserRole.role.in_(roles), User.is_active.is_(True))
                ).scalars()
            )
        notify(
            people,
            "channel_account",
            title_id=w.message_id,
            title_en=w.message_en,
            url=f"/social/accounts/{account.id}",
        )
        config[key] = mark
        account.config = config
        sent += 1
    return sent
