"""Keyset pages of the item list, newest first: ``before=<id>`` (older) and ``after=<id>`` (newer).

A page reads ``limit + 1`` rows along an index (``(status, id)``, ``(organisation_id, id)``,
``(created_by_id, id)`` or the primary key), so a deep page costs what the first one does;
OFFSET made the database walk every row before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.extensions import db
from hub.models import Item


@dataclass
class Page:
    items: list[Item]
    #: the cursor of the next (older) page, None on the last one
    next_before: int | None
    #: the cursor of the previous (newer) page, None on the first one
    prev_after: int | None


def keyset_page(stmt, *, limit: int, before: int | None = None, after: int | None = None, offset: int = 0) -> Page:
    """One page of ``stmt`` (a select of :class:`Item`) by descending id; ``offset`` is still accepted."""
    if after is not None:
        rows = db.session.scalars(stmt.where(Item.id > after).order_by(Item.id.asc()).limit(limit + 1)).all()
        newer = len(rows) > limit
        rows = rows[:limit][::-1]
        return Page(rows, rows[-1].id if rows else after, rows[0].id if newer and rows else None)
    if before is not None:
        stmt = stmt.where(Item.id < before)
    rows = db.session.scalars(stmt.order_by(Item.id.desc()).limit(limit + 1).offset(offset or None)).all()
    older = len(rows) > limit
    rows = rows[:limit]
    first_page = before is None and not offset
    return Page(rows, rows[-1].id if older else None, rows[0].id if rows and not first_page else None)
