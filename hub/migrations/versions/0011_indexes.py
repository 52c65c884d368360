"""indexes: item_asset.item_id and the keyset indexes of the item list

Revision ID: 0011_indexes
Revises: 0001_core
Create Date: 2026-12-06

Without ``ix_item_asset_item_id`` every item load seq-scanned ``item_asset``; the
``(status, id)``, ``(organisation_id, id)`` and ``(created_by_id, id)`` indexes serve the item
list's keyset pages (``before=`` / ``after=``) at any depth.
"""

from __future__ import annotations

from alembic import op

revision = "0011_indexes"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item_asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_asset_item_id"), ["item_id"], unique=False)
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_status_id", ["status", "id"], unique=False)
        batch_op.create_index("ix_item_organisation_id_id", ["organisation_id", "id"], unique=False)
        batch_op.create_index("ix_item_created_by_id_id", ["created_by_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_created_by_id_id")
        batch_op.drop_index("ix_item_organisation_id_id")
        batch_op.drop_index("ix_item_status_id")
    with op.batch_alter_table("item_asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_asset_item_id"))
