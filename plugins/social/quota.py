"""YouTube Data API quota counted by the hub, per API project (the OAuth client id) and day.

Google resets the quota at midnight Pacific time, so the day is a Pacific day. An upload costs
1,600 units (``videos.insert``) of the default 10,000 (setting ``youtube_daily_quota``); the
hub adds what it spends to ``account.config["quota"] = {"day", "units"}`` and the check before
approval warns when today's uploads would go over.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hub.sdk import ChannelAccount, plugin_config, utcnow

PACIFIC = ZoneInfo("America/Los_Angeles")


def today(now: dt.datetime | None = None) -> str:
    return (now or utcnow()).astimezone(PACIFIC).date().isoformat()


def spend(account: ChannelAccount, units: int) -> None:
    """Count ``units`` spent by the account today (the caller commits)."""
    config = dict(account.config or {})
    day = today()
    used = config.get("quota") or {}
    config["quota"] = {"day": day, "units": (used.get("units", 0) if used.get("day") == day else 0) + units}
    account.config = config


def used_today(project: str) -> int:
    """Units the hub spent today for an API project (all its accounts)."""
    from hub_social.accounts import social_accounts

    day = today()
    total = 0
    for account in social_accounts("youtube"):
        config = account.config or {}
        used = config.get("quota") or {}
        if config.get("project") == project and used.get("day") == day:
            total += int(used.get("units", 0))
    return total


def daily_limit() -> int:
    return int(plugin_config("social", "youtube_daily_quota"))
