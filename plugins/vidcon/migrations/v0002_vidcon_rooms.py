"""vidcon: the rooms registry, report fields, calendar feeds, and no overlapping room bookings

Revision ID: v0002_vidcon_rooms
Revises: v0001_vidcon
Create Date: 2026-12-07

The database itself refuses two live (confirmed or done) bookings of one room at overlapping
times, whatever the application does and however many workers confirm at once:

* PostgreSQL: an exclusion constraint ``EXCLUDE USING gist (room_id WITH =,
  tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status IN ('confirmed', 'done'))``
  (``btree_gist`` gives ``=`` on an integer a GiST operator class; it is a trusted extension).
* SQLite: BEFORE INSERT / BEFORE UPDATE triggers raising ``vidcon_room_overlap``. SQLite lets
  one transaction write at a time and a writer always sees the latest committed rows, so the
  trigger's check cannot race with another confirmation.

Bookings made before this revision keep ``room_id`` NULL (their free-text place stays as it was).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "v0002_vidcon_rooms"
down_revision = "v0001_vidcon"
branch_labels = None
depends_on = None

OVERLAP = """
    NEW.room_id IS NOT NULL AND NEW.status IN ('confirmed', 'done') AND EXISTS (
        SELECT 1 FROM vidcon_booking AS other
        WHERE other.room_id = NEW.room_id AND other.id IS NOT NEW.id
          AND other.status IN ('confirmed', 'done')
          AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at)
"""


def upgrade() -> None:
    op.create_table(
        "vidcon_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_vidcon_room_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vidcon_room")),
        sa.UniqueConstraint("organisation_id", "name_key", name=op.f("uq_vidcon_room_organisation_id_name_key")),
    )
    op.create_index(op.f("ix_vidcon_room_organisation_id"), "vidcon_room", ["organisation_id"], unique=False)
    op.create_table(
        "vidcon_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["room_id"], ["vidcon_room.id"], name=op.f("fk_vidcon_feed_room_id_vidcon_room"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_vidcon_feed_created_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vidcon_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_vidcon_feed_token_hash")),
    )
    with op.batch_alter_table("vidcon_booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("room_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trial_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("held", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("actual_start", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("actual_end", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attendance", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("problems", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column("pending_move", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_vidcon_booking_room_id_vidcon_room"), "vidcon_room", ["room_id"], ["id"])
        batch_op.create_index(op.f("ix_vidcon_booking_room_id"), ["room_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE vidcon_booking ADD CONSTRAINT ex_vidcon_booking_room_overlap "
            "EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (room_id IS NOT NULL AND status IN ('confirmed', 'done'))"
        )
    else:
        for when in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER vidcon_booking_room_overlap_{when.lower()} BEFORE {when} ON vidcon_booking "
                f"FOR EACH ROW WHEN {OVERLAP} BEGIN SELECT RAISE(ABORT, 'vidcon_room_overlap'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE vidcon_booking DROP CONSTRAINT IF EXISTS ex_vidcon_booking_room_overlap")
    else:
        for when in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS vidcon_booking_room_overlap_{when}")
    with op.batch_alter_table("vidcon_booking", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_vidcon_booking_room_id"))
        batch_op.drop_constraint(op.f("fk_vidcon_booking_room_id_vidcon_room"), type_="foreignkey")
        for column in (
            "pending_move",
            "sequence",
            "problems",
            "attendance",
            "actual_end",
            "actual_start",
            "held",
            "trial_at",
            "room_id",
        ):
            batch_op.drop_column(column)
    op.drop_table("vidcon_feed")
    op.drop_index(op.f("ix_vidcon_room_organisation_id"), table_name="vidcon_room")
    op.drop_table("vidcon_room")
