"""Account settings kept in the ``Setting`` table (namespace ``core``), with defaults.

``password_policy`` and ``login_throttle`` are dicts; :func:`get` merges the stored value
over the defaults, :func:`put` validates, stores and audits a change.
"""

from __future__ import annotations

from hub import audit
from hub.exceptions import HubError
from hub.extensions import db
from hub.models import Setting

NAMESPACE = "core"

DEFAULTS: dict[str, dict] = {
    # "sop": change every max_age_days, warned warn_days ahead (the SOPs' "changed periodically");
    # "nist": NIST SP 800-63B, no forced periodic change. Both force a change after an admin reset.
    # history: a new password must differ from the current one and the ones before it (this many in all)
    "password_policy": {"profile": "sop", "max_age_days": 90, "warn_days": 14, "min_length": 12, "history": 5},
    # failures counted over window_minutes; above account_max the account waits (except from a
    # browser it has logged in from before), above address_max the address waits
    "login_throttle": {"account_max": 10, "address_max": 100, "window_minutes": 15},
}

LIMITS: dict[str, dict[str, tuple[int, int]]] = {
    "password_policy": {
        "max_age_days": (1, 3650),
        "warn_days": (0, 365),
        "min_length": (12, 128),
        "history": (1, 24),
    },
    "login_throttle": {"account_max": (3, 100), "address_max": (10, 1000), "window_minutes": (1, 1440)},
}
PROFILES = ("sop", "nist")
#: OWASP ASVS 4.0.3 2.2.1: no more than 100 failed attempts an hour on one account
MAX_ACCOUNT_FAILURES_PER_HOUR = 100


class SettingError(HubError):
    """A setting value out of its allowed range."""


def get(key: str) -> dict:
    """The setting ``key`` with defaults filled in."""
    row = db.session.get(Setting, (NAMESPACE, key))
    value = dict(DEFAULTS[key])
    if row is not None and isinstance(row.value, dict):
        value.update({k: v for k, v in row.value.items() if k in value})
    return value


def validate(key: str, value: dict) -> dict:
    clean = dict(DEFAULTS[key])
    for name, (low, high) in LIMITS[key].items():
        try:
            number = int(value.get(name, clean[name]))
        except (TypeError, ValueError) as exc:
            raise SettingError(f"{name}: harus angka / must be a number") from exc
        if not low <= number <= high:
            raise SettingError(f"{name}: harus {low}–{high} / must be between {low} and {high}")
        clean[name] = number
    if key == "login_throttle":
        per_hour = clean["account_max"] * -(-60 // clean["window_minutes"])
        if per_hour > MAX_ACCOUNT_FAILURES_PER_HOUR:
            raise SettingError(
                f"account_max/window_minutes: {per_hour} kegagalan per jam untuk satu akun, maksimal "
                f"{MAX_ACCOUNT_FAILURES_PER_HOUR} / {per_hour} failures an hour for one account, at most "
                f"{MAX_ACCOUNT_FAILURES_PER_HOUR} (ASVS 2.2.1)"
            )
    if key == "password_policy":
        profile = value.get("profile", clean["profile"])
        if profile not in PROFILES:
            raise SettingError(f"profile: pilih / choose one of {', '.join(PROFILES)}")
        clean["profile"] = profile
    return clean


def put(key: str, value: dict, *, actor=None) -> dict:
    """Validate and store ``value``, with an audit entry of what changed (not committed)."""
    new = validate(key, value)
    old = get(key)
    row = db.session.get(Setting, (NAMESPACE, key))
    if row is None:
        row = Setting(namespace=NAMESPACE, key=key)
        db.session.add(row)
    row.value = new
    changes = {k: [old[k], new[k]] for k in new if old.get(k) != new[k]}
    if changes:
        audit.record("setting.changed", actor=actor, target_type="setting", target_id=f"core.{key}", details=changes)
    return new
