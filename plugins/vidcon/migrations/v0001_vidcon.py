"""vidcon: bookings

Revision ID: v0001_vidcon
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "v0001_vidcon"
down_revision = None
branch_labels = ("vidcon",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "vidcon_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=100), nullable=False),
        sa.Column("meeting_link", sa.String(length=500), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("trial_done", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_vidcon_booking_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_vidcon_booking_publication_id_publication"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["user_account.id"], name=op.f("fk_vidcon_booking_reported_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vidcon_booking")),
        sa.UniqueConstraint("publication_id", name=op.f("uq_vidcon_booking_publication_id")),
    )
    op.create_index(op.f("ix_vidcon_booking_item_id"), "vidcon_booking", ["item_id"], unique=False)
    op.create_index(op.f("ix_vidcon_booking_starts_at"), "vidcon_booking", ["starts_at"], unique=False)
    op.create_index(op.f("ix_vidcon_booking_status"), "vidcon_booking", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("vidcon_booking")
