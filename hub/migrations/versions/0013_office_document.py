"""office documents: an office's address, city and logo; a person's NIP and position

Revision ID: 0013_office_document
Revises: 0013_error_en
Create Date: 2026-12-07

Report PDFs are printed as office documents: the letterhead shows the office's name, address
and logo; the signature blocks (Disusun oleh / Mengetahui) show each signer's position, name
and NIP (Nomor Induk Pegawai, the civil-service number).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_office_document"
down_revision = "0013_error_en"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("address", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("city", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("nip", sa.String(18), nullable=False, server_default=""))
        batch.add_column(sa.Column("position", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("position")
        batch.drop_column("nip")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("logo")
        batch.drop_column("city")
        batch.drop_column("address")
