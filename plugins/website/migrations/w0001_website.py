"""website: the hub's Daftar Informasi Publik (DIP) entries

Revision ID: w0001_website
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "w0001_website"
down_revision = None
branch_labels = ("website",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "website_dip_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("info_class", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("retention", sa.String(length=100), nullable=False),
        sa.Column("file_format", sa.String(length=20), nullable=False),
        sa.Column("site_url", sa.String(length=1000), nullable=True),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], name=op.f("fk_website_dip_entry_asset_id_asset")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_website_dip_entry_item_id_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_website_dip_entry")),
        sa.UniqueConstraint("item_id", name=op.f("uq_website_dip_entry_item_id")),
    )
    op.create_index(op.f("ix_website_dip_entry_info_class"), "website_dip_entry", ["info_class"], unique=False)
    op.create_index(op.f("ix_website_dip_entry_unit"), "website_dip_entry", ["unit"], unique=False)
    op.create_index(op.f("ix_website_dip_entry_withdrawn_at"), "website_dip_entry", ["withdrawn_at"], unique=False)


def downgrade() -> None:
    op.drop_table("website_dip_entry")
