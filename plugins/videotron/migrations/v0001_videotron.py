"""videotron: screens, playlists, monitoring, recaps, content plans

Revision ID: v0001_videotron
Revises:
Create Date: 2026-11-22 07:17:33.861444
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "v0001_videotron"
down_revision = None
branch_labels = ("videotron",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "videotron_screen_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_screen_group")),
        sa.UniqueConstraint("code", name=op.f("uq_videotron_screen_group_code")),
    )
    op.create_table(
        "videotron_content_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["prepared_by_id"], ["user_account.id"], name=op.f("fk_videotron_content_plan_prepared_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["user_account.id"], name=op.f("fk_videotron_content_plan_signed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_content_plan")),
        sa.UniqueConstraint("year", "quarter", name=op.f("uq_videotron_content_plan_year_quarter")),
    )
    op.create_table(
        "videotron_content_plan_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("difficulty", sa.String(length=20), nullable=False),
        sa.Column("producer", sa.String(length=200), nullable=False),
        sa.Column("screens", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["videotron_content_plan.id"],
            name=op.f("fk_videotron_content_plan_entry_plan_id_videotron_content_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_content_plan_entry")),
    )
    op.create_index(
        op.f("ix_videotron_content_plan_entry_plan_id"), "videotron_content_plan_entry", ["plan_id"], unique=False
    )

    op.create_table(
        "videotron_screen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("width_px", sa.Integer(), nullable=False),
        sa.Column("height_px", sa.Integer(), nullable=False),
        sa.Column("width_m", sa.Float(), nullable=False),
        sa.Column("height_m", sa.Float(), nullable=False),
        sa.Column("orientation", sa.String(length=20), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("now_playing_item_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("player_info", sa.JSON(), nullable=False),
        sa.Column("silence_alerted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["now_playing_item_id"],
            ["item.id"],
            name=op.f("fk_videotron_screen_now_playing_item_id_item"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_screen")),
        sa.UniqueConstraint("code", name=op.f("uq_videotron_screen_code")),
    )
    op.create_table(
        "videotron_heartbeat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("now_playing_item_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["videotron_screen.id"],
            name=op.f("fk_videotron_heartbeat_screen_id_videotron_screen"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_heartbeat")),
    )
    op.create_index(
        "ix_videotron_heartbeat_screen_received", "videotron_heartbeat", ["screen_id", "received_at"], unique=False
    )

    op.create_table(
        "videotron_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("recovered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["user_account.id"], name=op.f("fk_videotron_incident_opened_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user_account.id"], name=op.f("fk_videotron_incident_resolved_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["videotron_screen.id"],
            name=op.f("fk_videotron_incident_screen_id_videotron_screen"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_incident")),
    )
    op.create_index(op.f("ix_videotron_incident_screen_id"), "videotron_incident", ["screen_id"], unique=False)
    op.create_index(op.f("ix_videotron_incident_status"), "videotron_incident", ["status"], unique=False)

    op.create_table(
        "videotron_playlist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("dayparts", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], name=op.f("fk_videotron_playlist_entry_asset_id_asset")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_videotron_playlist_entry_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_videotron_playlist_entry_publication_id_publication"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["videotron_screen.id"],
            name=op.f("fk_videotron_playlist_entry_screen_id_videotron_screen"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_playlist_entry")),
        sa.UniqueConstraint(
            "publication_id", "screen_id", name=op.f("uq_videotron_playlist_entry_publication_id_screen_id")
        ),
    )
    op.create_index(op.f("ix_videotron_playlist_entry_item_id"), "videotron_playlist_entry", ["item_id"], unique=False)
    op.create_index(
        op.f("ix_videotron_playlist_entry_publication_id"),
        "videotron_playlist_entry",
        ["publication_id"],
        unique=False,
    )
    op.create_index(
        "ix_videotron_playlist_entry_screen_window", "videotron_playlist_entry", ["screen_id", "ends_at"], unique=False
    )

    op.create_table(
        "videotron_screen_group_member",
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["videotron_screen_group.id"],
            name=op.f("fk_videotron_screen_group_member_group_id_videotron_screen_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["videotron_screen.id"],
            name=op.f("fk_videotron_screen_group_member_screen_id_videotron_screen"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("screen_id", "group_id", name=op.f("pk_videotron_screen_group_member")),
    )
    op.create_table(
        "videotron_screen_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_videotron_screen_token_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user_account.id"], name=op.f("fk_videotron_screen_token_revoked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["videotron_screen.id"],
            name=op.f("fk_videotron_screen_token_screen_id_videotron_screen"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_screen_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_videotron_screen_token_token_hash")),
    )
    op.create_index(op.f("ix_videotron_screen_token_screen_id"), "videotron_screen_token", ["screen_id"], unique=False)

    op.create_table(
        "videotron_play",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("item_title", sa.String(length=300), nullable=False),
        sa.Column("play_uuid", sa.String(length=36), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["videotron_playlist_entry.id"],
            name=op.f("fk_videotron_play_entry_id_videotron_playlist_entry"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_videotron_play_item_id_item"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["videotron_screen.id"],
            name=op.f("fk_videotron_play_screen_id_videotron_screen"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videotron_play")),
        sa.UniqueConstraint("screen_id", "play_uuid", name=op.f("uq_videotron_play_screen_id_play_uuid")),
    )
    op.create_index(op.f("ix_videotron_play_item_id"), "videotron_play", ["item_id"], unique=False)
    op.create_index(op.f("ix_videotron_play_started_at"), "videotron_play", ["started_at"], unique=False)


def downgrade() -> None:
    op.drop_table("videotron_play")
    op.drop_table("videotron_screen_token")
    op.drop_table("videotron_screen_group_member")
    op.drop_table("videotron_playlist_entry")
    op.drop_table("videotron_incident")
    op.drop_table("videotron_heartbeat")
    op.drop_table("videotron_screen")
    op.drop_table("videotron_content_plan_entry")
    op.drop_table("videotron_content_plan")
    op.drop_table("videotron_screen_group")
