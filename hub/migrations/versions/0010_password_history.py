"""accounts: earlier password hashes, so the last N passwords are refused

Revision ID: 0010_password_history
Revises: 0003_auth
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0010_password_history"
down_revision = "0003_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_password_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_auth_password_history_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_password_history")),
    )
    with op.batch_alter_table("auth_password_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_password_history_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_password_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_password_history_user_id"))
    op.drop_table("auth_password_history")
