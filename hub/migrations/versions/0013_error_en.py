"""publication.last_error_en: a failure's words in English beside the Indonesian ones

Revision ID: 0013_error_en
Revises: 0012_plugin_fields
Create Date: 2026-12-07

A failed publication's reason was one string with both languages joined by " / ". Each
reader now sees their own language: ``last_error`` holds the Indonesian text (or the only
text a plugin gave), ``last_error_en`` the English one when the plugin gave it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_error_en"
down_revision = "0012_plugin_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publication") as batch:
        batch.add_column(sa.Column("last_error_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("publication") as batch:
        batch.drop_column("last_error_en")
