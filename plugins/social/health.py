"""Warnings about the social accounts: tokens about to expire, credentials the platform refused.

Shown on the accounts page and, through the ``channel_health`` hook, on the dashboard of
people who publish or manage settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub_social.accounts import expiring, social_accounts

from hub.models import ChannelAccount, utcnow
from hub.plugins import plugin_config


@dataclass(frozen=True)
class Warning:
    account: ChannelAccount
    severity: str
    message_id: str
    message_en: str


def warnings(now: dt.datetime | None = None) -> list[Warning]:
    now = now or utcnow()
    days = int(plugin_config("social", "expiry_warning_days"))
    out = []
    for account in expiring(days, now):
        label = f"{'X' if account.channel == 'x' else 'Facebook'} \u201c{account.name}\u201d"
        when = account.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        if account.expires_at <= now:
            out.append(
                Warning(
                    account,
                    "error",
                    f"Token akun {label} sudah kedaluwarsa ({when}); hubungkan ulang agar kiriman tidak gagal.",
                    f"The token of the account {label} expired ({when}); reconnect it so posts do not fail.",
                )
            )
        else:
            left = max(0, (account.expires_at - now).days)
            out.append(
                Warning(
                    account,
                    "warning",
                    f"Token akun {label} kedaluwarsa dalam {left} hari ({when}); perbarui sebelum waktunya.",
                    f"The token of the account {label} expires in {left} days ({when}); renew it before then.",
                )
            )
    for account in social_accounts(active_only=True):
        if (account.config or {}).get("needs_reconnect"):
            label = f"{'X' if account.channel == 'x' else 'Facebook'} \u201c{account.name}\u201d"
            out.append(
                Warning(
                    account,
                    "error",
                    f"{label} menolak kredensialnya; hubungkan ulang akun ini.",
                    f"{label} refused its credentials; reconnect this account.",
                )
            )
    return out


def notes() -> list:
    from hub.web.panels import HealthNote

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
