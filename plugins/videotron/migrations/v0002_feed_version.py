"""videotron: a per-screen feed version for the player's ETag

Revision ID: v0002_feed_version
Revises: v0001_videotron
Create Date: 2026-12-06

``feed_version`` is bumped whenever what a screen's playlist document shows changes (its
entries, their items' titles and videos, the screen's own fields, the plugin's settings), so the
player's poll answers 304 from the screen row alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0002_feed_version"
down_revision = "v0001_videotron"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("videotron_screen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_version", sa.Integer(), nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("videotron_screen", schema=None) as batch_op:
        batch_op.drop_column("feed_version")
