"""website: PPID information requests, objections, their documents and e-mails (UU 14/2008)

Revision ID: w0003_ppid_requests
Revises: w0002_dip_responsible_place
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "w0003_ppid_requests"
down_revision = "w0002_dip_responsible_place"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "website_ppid_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("extended_due_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("info_requested", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("requester_kind", sa.String(length=20), nullable=False),
        sa.Column("receive_how", sa.String(length=20), nullable=False),
        sa.Column("deliver_how", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("personal", sa.LargeBinary(), nullable=True),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("tracking_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("exception_class", sa.String(length=2), nullable=True),
        sa.Column("consequence_reason", sa.Text(), nullable=False),
        sa.Column("excluded_item_id", sa.Integer(), nullable=True),
        sa.Column("forwarded_to", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_website_ppid_request_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["excluded_item_id"],
            ["item.id"],
            name=op.f("fk_website_ppid_request_excluded_item_id_item"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_website_ppid_request")),
        sa.UniqueConstraint("number", name=op.f("uq_website_ppid_request_number")),
    )
    for column in ("received_at", "status", "email_hash", "decision"):
        op.create_index(op.f(f"ix_website_ppid_request_{column}"), "website_ppid_request", [column], unique=False)
    op.create_table(
        "website_ppid_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["website_ppid_request.id"],
            name=op.f("fk_website_ppid_document_request_id_website_ppid_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_website_ppid_document")),
    )
    op.create_index(op.f("ix_website_ppid_document_request_id"), "website_ppid_document", ["request_id"])
    op.create_table(
        "website_ppid_objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("filed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("grounds", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["website_ppid_request.id"],
            name=op.f("fk_website_ppid_objection_request_id_website_ppid_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_website_ppid_objection_decided_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_website_ppid_objection")),
        sa.UniqueConstraint("number", name=op.f("uq_website_ppid_objection_number")),
    )
    for column in ("request_id", "filed_at", "status"):
        op.create_index(op.f(f"ix_website_ppid_objection_{column}"), "website_ppid_objection", [column], unique=False)
    op.create_table(
        "website_ppid_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["website_ppid_request.id"],
            name=op.f("fk_website_ppid_message_request_id_website_ppid_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["objection_id"],
            ["website_ppid_objection.id"],
            name=op.f("fk_website_ppid_message_objection_id_website_ppid_objection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_website_ppid_message")),
    )
    op.create_index(op.f("ix_website_ppid_message_request_id"), "website_ppid_message", ["request_id"])
    op.create_index(op.f("ix_website_ppid_message_status"), "website_ppid_message", ["status"])


def downgrade() -> None:
    op.drop_table("website_ppid_message")
    op.drop_table("website_ppid_objection")
    op.drop_table("website_ppid_document")
    op.drop_table("website_ppid_request")
