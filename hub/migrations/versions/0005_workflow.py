"""workflow: workflows and versions, item workflow state, steps, decisions, working calendars,
holidays, notifications

Revision ID: 0005_workflow
Revises: 0001_core
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0005_workflow"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_holiday_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday")),
    )
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holiday_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_holiday_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "workflow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name_id", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_workflow_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow")),
        sa.UniqueConstraint("code", name=op.f("uq_workflow_code")),
    )
    op.create_table(
        "working_calendar",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("updated_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_working_calendar_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_working_calendar")),
    )
    op.create_table(
        "workflow_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_kinds", sa.JSON(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_workflow_assignment_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflow.id"],
            name=op.f("fk_workflow_assignment_workflow_id_workflow"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_assignment")),
    )
    with op.batch_alter_table("workflow_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflow_assignment_workflow_id"), ["workflow_id"], unique=False)

    op.create_table(
        "workflow_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_workflow_version_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"], ["workflow.id"], name=op.f("fk_workflow_version_workflow_id_workflow"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_version")),
        sa.UniqueConstraint("workflow_id", "number", name=op.f("uq_workflow_version_workflow_id_number")),
    )
    with op.batch_alter_table("workflow_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflow_version_workflow_id"), ["workflow_id"], unique=False)

    op.create_table(
        "item_workflow",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("workflow_version_id", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.Column("resume_index", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("submitted_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_item_workflow_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workflow_version_id"],
            ["workflow_version.id"],
            name=op.f("fk_item_workflow_workflow_version_id_workflow_version"),
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_workflow")),
    )
    with op.batch_alter_table("item_workflow", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_workflow_workflow_version_id"), ["workflow_version_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("title_id", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("body_id", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(length=20), nullable=False),
        sa.Column("email_error", sa.String(length=1000), nullable=True),
        sa.Column("emailed_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_notification_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)

    op.create_table(
        "workflow_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("workflow_version_id", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("time_limit", sa.String(length=20), nullable=False),
        sa.Column("started_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("overdue_notified_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_workflow_step_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_workflow_step_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workflow_version_id"],
            ["workflow_version.id"],
            name=op.f("fk_workflow_step_workflow_version_id_workflow_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_step")),
    )
    with op.batch_alter_table("workflow_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflow_step_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workflow_step_role"), ["role"], unique=False)
        batch_op.create_index(batch_op.f("ix_workflow_step_status"), ["status"], unique=False)

    op.create_table(
        "workflow_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("return_to", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("due_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_workflow_decision_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_workflow_decision_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["workflow_step.id"],
            name=op.f("fk_workflow_decision_step_id_workflow_step"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_decision")),
        sa.UniqueConstraint("step_id", name=op.f("uq_workflow_decision_step_id")),
    )
    with op.batch_alter_table("workflow_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflow_decision_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workflow_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_decision_item_id"))

    op.drop_table("workflow_decision")
    with op.batch_alter_table("workflow_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_step_status"))
        batch_op.drop_index(batch_op.f("ix_workflow_step_role"))
        batch_op.drop_index(batch_op.f("ix_workflow_step_item_id"))

    op.drop_table("workflow_step")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))
        batch_op.drop_index(batch_op.f("ix_notification_item_id"))
        batch_op.drop_index(batch_op.f("ix_notification_created_at"))

    op.drop_table("notification")
    with op.batch_alter_table("item_workflow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_workflow_workflow_version_id"))

    op.drop_table("item_workflow")
    with op.batch_alter_table("workflow_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_version_workflow_id"))

    op.drop_table("workflow_version")
    with op.batch_alter_table("workflow_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_assignment_workflow_id"))

    op.drop_table("workflow_assignment")
    op.drop_table("working_calendar")
    op.drop_table("workflow")
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holiday_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_holiday_day"))

    op.drop_table("holiday")
