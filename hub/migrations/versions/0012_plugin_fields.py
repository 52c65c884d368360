"""plugin fields: the two item columns only one channel plugin used move into ``item.extra``

Revision ID: 0012_plugin_fields
Revises: 0012_perf_indexes
Create Date: 2026-12-06

``item.urgent`` and ``item.public_need_exception`` were an approver's marks that only a channel
plugin reads. The core keeps no column for one plugin: a plugin declares its item fields
(``register_item_fields``) and their values live in the typed JSON column ``item.extra`` under
the field's name. A true value is copied to ``extra["urgent"]`` / ``extra["public_need_exception"]``
(a false one is the absence of the key), then the columns are dropped; the downgrade puts them back.
Values already in ``extra`` (another plugin field) stay where they are.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012_plugin_fields"
down_revision = "0012_perf_indexes"
branch_labels = None
depends_on = None

MARKS = ("urgent", "public_need_exception")


def _extra(value) -> dict:
    if isinstance(value, str):  # SQLite hands JSON back as text through a plain column
        value = json.loads(value or "{}")
    return dict(value or {})


def upgrade() -> None:
    conn = op.get_bind()
    item = sa.table(
        "item",
        sa.column("id", sa.Integer),
        sa.column("extra", sa.JSON),
        *(sa.column(mark, sa.Boolean) for mark in MARKS),
    )
    rows = conn.execute(
        sa.select(item.c.id, item.c.extra, *(item.c[m] for m in MARKS)).where(
            sa.or_(*(item.c[m].is_(True) for m in MARKS))
        )
    ).all()
    for row in rows:
        extra = _extra(row.extra)
        for mark in MARKS:
            if getattr(row, mark):
                extra[mark] = True
        conn.execute(sa.update(item).where(item.c.id == row.id).values(extra=extra))
    with op.batch_alter_table("item", schema=None) as batch_op:
        for mark in MARKS:
            batch_op.drop_column(mark)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        for mark in MARKS:
            batch_op.add_column(sa.Column(mark, sa.Boolean(), nullable=False, server_default=sa.false()))
    conn = op.get_bind()
    item = sa.table(
        "item",
        sa.column("id", sa.Integer),
        sa.column("extra", sa.JSON),
        *(sa.column(mark, sa.Boolean) for mark in MARKS),
    )
    for row in conn.execute(sa.select(item.c.id, item.c.extra)).all():
        extra = _extra(row.extra)
        marks = {mark: bool(extra.pop(mark, False)) for mark in MARKS}
        if any(marks.values()):
            conn.execute(sa.update(item).where(item.c.id == row.id).values(extra=extra, **marks))
    with op.batch_alter_table("item", schema=None) as batch_op:
        for mark in MARKS:
            batch_op.alter_column(mark, server_default=None)
