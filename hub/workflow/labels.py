"""Words for the workflow area's codes on pages (translated), and small template helpers."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

OUTCOMES = {
    "approve": _l("Approved"),
    "return": _l("Returned"),
    "reject": _l("Rejected"),
    "open": _l("Waiting"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
    "rejected": _l("Rejected"),
    "submitted": _l("Submitted"),
    "cancelled": _l("Cancelled"),
}
KINDS = {
    "prepare": _l("Preparation (creator)"),
    "review": _l("Review"),
    "task": _l("Task"),
    "approval": _l("Final approval"),
    "publish": _l("Publication"),
}


def step_outcome(code: str | None) -> str:
    return str(OUTCOMES.get(code or "", code or ""))


def step_kind(code: str) -> str:
    return str(KINDS.get(code, code))


def from_iso(value):
    """Template filter: an ISO 8601 string (as in the timeline) back to a datetime."""
    if not value or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)
