"""Counting the SQL statements a block runs (the query-count guard of ``tests/test_query_counts.py``)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from hub.extensions import db


@contextmanager
def count_statements():
    """``with count_statements() as seen: …``; ``seen`` lists every statement sent to the database."""
    seen: list[str] = []

    def _count(_conn, _cursor, statement, _parameters, _context, _executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)
