"""website: an overdue public information request is escalated to the atasan PPID once

Revision ID: w0004_ppid_escalation
Revises: w0003_ppid_requests
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "w0004_ppid_escalation"
down_revision = "w0003_ppid_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("website_ppid_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("website_ppid_request", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
