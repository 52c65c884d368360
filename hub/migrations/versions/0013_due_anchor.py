"""due anchor: step due times tied to an item's dates, and escalation of overdue steps

Revision ID: 0013_due_anchor
Revises: 0012_plugin_fields
Create Date: 2026-12-07

``workflow_step`` gains ``due_anchor`` (the date name a step's due time follows, "" for a plain
time limit), ``due_changes`` (the due time's moves, for the timeline), ``escalate_at`` (when an
open step is overdue by its own time limit again) and ``escalated_at`` (when its supervisor was
told, once). Existing steps keep their due times; they have no escalation time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0013_due_anchor"
down_revision = "0013_office_document"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workflow_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_anchor", sa.String(length=60), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("due_changes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("escalate_at", hub.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", hub.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workflow_step", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("escalate_at")
        batch_op.drop_column("due_changes")
        batch_op.drop_column("due_anchor")
