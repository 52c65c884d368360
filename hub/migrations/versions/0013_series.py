"""series: recurring items, their occurrences, one publication per occurrence

Revision ID: 0013_series
Revises: 0013_due_anchor
Create Date: 2026-12-07

``item.recurrence`` holds a series' repeat rule (None: a single item); ``item_occurrence`` one row per
occurrence (its number, its own time, planned / changed / cancelled, and the draft item made for it on
channels that approve each occurrence). ``publication.occurrence`` is the
occurrence a publication sends (0: not a series), and the unique key becomes (item, channel, target,
occurrence). Existing publications get occurrence 0 and keep their keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0013_series"
down_revision = "0013_delegation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurrence", sa.JSON(), nullable=True))
    op.create_table(
        "item_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rule_starts_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("occurrence_item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_item_occurrence_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_item_id"],
            ["item.id"],
            name=op.f("fk_item_occurrence_occurrence_item_id_item"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_occurrence")),
        sa.UniqueConstraint("item_id", "number", name=op.f("uq_item_occurrence_item_id_number")),
    )
    with op.batch_alter_table("item_occurrence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_occurrence_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_occurrence_starts_at"), ["starts_at"], unique=False)
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurrence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_publication_item_id_channel_target", type_="unique")
        batch_op.create_unique_constraint(
            "uq_publication_item_id_channel_target_occurrence", ["item_id", "channel", "target", "occurrence"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM publication WHERE occurrence > 1")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_constraint("uq_publication_item_id_channel_target_occurrence", type_="unique")
        batch_op.create_unique_constraint("uq_publication_item_id_channel_target", ["item_id", "channel", "target"])
        batch_op.drop_column("occurrence")
    with op.batch_alter_table("item_occurrence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_occurrence_starts_at"))
        batch_op.drop_index(batch_op.f("ix_item_occurrence_item_id"))
    op.drop_table("item_occurrence")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("recurrence")
