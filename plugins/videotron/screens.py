"""Screens: which ones an item targets, their player secrets, their time zone and their state.

An item chooses screens in its ``videotron`` channel options, by code, directly or through
groups (both may be given; the union is used)::

    {"screens": ["padang-bappeda"], "screen_groups": ["kota-solok"], "dayparts": [...]}

Player secrets are random 256-bit tokens; only their SHA-256 is stored. Rotating revokes the
current one and issues another; a revoked token is remembered so its player is told to stop.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app
from hub_videotron.config import now, office_zone, setting
from hub_videotron.models import Screen, ScreenGroup, ScreenToken
from sqlalchemy.orm import joinedload

from hub.sdk import Item, db

CHANNEL = "videotron"


@dataclass
class Targets:
    screens: list[Screen] = field(default_factory=list)
    unknown_screens: list[str] = field(default_factory=list)
    unknown_groups: list[str] = field(default_factory=list)
    inactive: list[Screen] = field(default_factory=list)


def _codes(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str | int):
        value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def screen_choices() -> list[tuple[str, str, str]]:
    """The active screens for the item form: ``(code, "name — city", same)``, in name order."""
    rows = db.session.scalars(db.select(Screen).where(Screen.active.is_(True)).order_by(Screen.name)).all()
    labels = [(s.code, f"{s.name} — {s.city}" if s.city else s.name) for s in rows]
    return [(code, label, label) for code, label in labels]


def group_choices() -> list[tuple[str, str, str]]:
    """The screen groups for the item form, with how many active screens each holds."""
    rows = db.session.scalars(db.select(ScreenGroup).order_by(ScreenGroup.name)).all()
    choices = []
    for g in rows:
        count = sum(1 for s in g.screens if s.active)
        choices.append((g.code, f"{g.name} ({count} layar)", f"{g.name} ({count} screens)"))
    return choices


def channel_options(item: Item) -> dict:
    target = item.target(CHANNEL)
    return dict(target.options or {}) if target else {}


def resolve_targets(options: dict) -> Targets:
    """The active screens an item's options name (directly or by group), in name order."""
    screen_codes, group_codes = _codes(options.get("screens")), _codes(options.get("screen_groups"))
    result = Targets()
    found: dict[int, Screen] = {}
    if screen_codes:
        rows = db.session.scalars(db.select(Screen).where(Screen.code.in_(screen_codes))).all()
        by_code = {s.code: s for s in rows}
        result.unknown_screens = [c for c in screen_codes if c not in by_code]
        found.update({s.id: s for s in rows})
    if group_codes:
        groups = db.session.scalars(db.select(ScreenGroup).where(ScreenGroup.code.in_(group_codes))).all()
        known = {g.code for g in groups}
        result.unknown_groups = [c for c in group_codes if c not in known]
        for group in groups:
            found.update({s.id: s for s in group.screens})
    for screen in sorted(found.values(), key=lambda s: s.name):
        (result.screens if screen.active else result.inactive).append(screen)
    return result


def screen_zone(screen: Screen) -> ZoneInfo:
    return ZoneInfo(screen.timezone) if screen.timezone else office_zone()


# --- player secrets -----------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(screen: Screen, *, by=None) -> str:
    """Revoke the screen's live secrets and return a new one (shown once; only its hash is kept)."""
    revoke_tokens(screen, by=by)
    token = secrets.token_urlsafe(32)
    db.session.add(
        ScreenToken(screen_id=screen.id, token_hash=hash_token(token), created_by_id=getattr(by, "id", None))
    )
    return token


def revoke_tokens(screen: Screen, *, by=None) -> int:
    """Revoke every live secret of the screen; its player stops at its next request."""
    live = db.session.scalars(
        db.select(ScreenToken).where(ScreenToken.screen_id == screen.id, ScreenToken.revoked_at.is_(None))
    ).all()
    for row in live:
        row.revoked_at = now()
        row.revoked_by_id = getattr(by, "id", None)
    return len(live)


def has_live_token(screen: Screen) -> bool:
    return (
        db.session.scalar(
            db.select(ScreenToken.id).where(ScreenToken.screen_id == screen.id, ScreenToken.revoked_at.is_(None))
        )
        is not None
    )


def find_token(token: str) -> ScreenToken | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        db.select(ScreenToken)
        .where(ScreenToken.token_hash == hash_token(token))
        .options(joinedload(ScreenToken.screen))  # the player's poll: one statement
    )


def player_url(token: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/videotron/player/{token}"


# --- state ----------------------------------------------------------------------------------------


def is_online(screen: Screen, at: dt.datetime | None = None) -> bool:
    if screen.last_seen_at is None:
        return False
    at = at or now()
    return at - screen.last_seen_at <= dt.timedelta(seconds=int(setting("offline_after_seconds")))


def silent_since(screen: Screen) -> dt.datetime:
    """Since when the screen has said nothing (its last heartbeat, or its creation)."""
    return screen.last_seen_at or screen.created_at
