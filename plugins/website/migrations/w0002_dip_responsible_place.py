"""website: who made or issued each DIP document and where (Perki 1/2010 Pasal 13)

Revision ID: w0002_dip_responsible_place
Revises: w0001_website
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0002_dip_responsible_place"
down_revision = "w0001_website"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("website_dip_entry") as batch:
        batch.add_column(sa.Column("responsible", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("place", sa.String(length=200), nullable=False, server_default=""))
    # entries published before: the unit made and issued them
    op.execute("UPDATE website_dip_entry SET responsible = unit WHERE responsible = ''")


def downgrade() -> None:
    with op.batch_alter_table("website_dip_entry") as batch:
        batch.drop_column("place")
        batch.drop_column("responsible")
