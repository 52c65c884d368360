"""notifiers: deliveries per medium, people's notification choices, template data on notifications

Revision ID: 0013_notifiers
Revises: 0012_plugin_fields
Create Date: 2026-12-07

Every notification reaches the media outside the hub (e-mail, the notifiers plugins bring)
through one ``notification_delivery`` row per medium, unique per (notification, medium) so
it is never sent twice. ``notify_preference`` holds a person's media per kind, quiet hours,
digest and the media a refusal turned off. ``notification.data`` keeps what message
templates need (item, step, due time). E-mails still pending in the old columns get a delivery
row so the new job sends them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.models.base import UTCDateTime

revision = "0013_notifiers"
down_revision = "0013_due_anchor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("data", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "notification_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("medium", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("remote_id", sa.String(length=200), nullable=True),
        sa.Column("remote_status", sa.String(length=40), nullable=True),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_notification_delivery_notification_id_notification"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_delivery_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_delivery")),
        sa.UniqueConstraint("notification_id", "medium", name=op.f("uq_notification_delivery_notification_id_medium")),
    )
    op.create_index(
        op.f("ix_notification_delivery_notification_id"), "notification_delivery", ["notification_id"], unique=False
    )
    op.create_index(op.f("ix_notification_delivery_user_id"), "notification_delivery", ["user_id"], unique=False)
    op.create_index(op.f("ix_notification_delivery_remote_id"), "notification_delivery", ["remote_id"], unique=False)
    op.create_index(
        "ix_notification_delivery_due", "notification_delivery", ["status", "next_attempt_at"], unique=False
    )
    op.create_table(
        "notify_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("media", sa.JSON(), nullable=True),
        sa.Column("quiet_hours", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notify_preference_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notify_preference")),
    )
    # e-mails the old job had not sent yet: a delivery row each, sent by the new job
    op.execute(
        "INSERT INTO notification_delivery (notification_id, user_id, medium, status, address, attempts,"
        " next_attempt_at, digest, created_at)"
        " SELECT n.id, n.user_id, 'email', 'pending', u.email, 0, n.created_at, false, n.created_at"
        " FROM notification n JOIN user_account u ON u.id = n.user_id"
        " WHERE n.email_status = 'pending' AND u.email IS NOT NULL AND u.email <> ''"
    )


def downgrade() -> None:
    op.drop_table("notify_preference")
    op.drop_index("ix_notification_delivery_due", table_name="notification_delivery")
    op.drop_table("notification_delivery")
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("data")
