"""dispatch: publication lease, manual-retry base, unpublish request

Revision ID: 0004_dispatch
Revises: 0001_core
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0004_dispatch"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", hub.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("retry_base", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("unpublish_requested_at", hub.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_column("unpublish_requested_at")
        batch_op.drop_column("retry_base")
        batch_op.drop_column("lease_until")
