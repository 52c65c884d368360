"""messaging: Telegram chats, WhatsApp numbers, one-time link tokens

Revision ID: m0001_messaging
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "m0001_messaging"
down_revision = None
branch_labels = ("messaging",)
depends_on = "0001_core"


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["user_account.id"], name=op.f(f"fk_{table}_user_id_user_account"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "messaging_link_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        _user_fk("messaging_link_token"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_link_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_messaging_link_token_token_hash")),
    )
    op.create_index(op.f("ix_messaging_link_token_user_id"), "messaging_link_token", ["user_id"], unique=False)
    op.create_table(
        "messaging_telegram_chat",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("linked_at", UTCDateTime(timezone=True), nullable=False),
        _user_fk("messaging_telegram_chat"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_messaging_telegram_chat")),
    )
    op.create_index(op.f("ix_messaging_telegram_chat_chat_id"), "messaging_telegram_chat", ["chat_id"], unique=False)
    op.create_table(
        "messaging_whatsapp_number",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("verified_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        _user_fk("messaging_whatsapp_number"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_messaging_whatsapp_number")),
    )


def downgrade() -> None:
    op.drop_table("messaging_whatsapp_number")
    op.drop_table("messaging_telegram_chat")
    op.drop_table("messaging_link_token")
