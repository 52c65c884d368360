"""acting officials: delegations (Plh./Plt.), and whom a decision was taken for

Revision ID: 0013_delegation
Revises: 0012_plugin_fields
Create Date: 2026-12-07

``delegation`` names a user acting holder of some of another user's roles for a range of days
(``hub.workflow.delegation_models``). ``workflow_decision`` gains ``acting_for_id``,
``acting_kind`` and ``delegation_id``: empty for every decision taken before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0013_delegation"
down_revision = "0013_notifiers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("delegator_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=3), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("starts_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("start_audited_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_audited_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_delegation_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["delegator_id"], ["user_account.id"], name=op.f("fk_delegation_delegator_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["user_account.id"], name=op.f("fk_delegation_delegate_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_delegation_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user_account.id"], name=op.f("fk_delegation_revoked_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index("ix_delegation_delegate_ends_at", ["delegate_id", "ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegation_delegator_id"), ["delegator_id"], unique=False)
    with op.batch_alter_table("workflow_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acting_for_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("acting_kind", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("delegation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_workflow_decision_acting_for_id_user_account"), "user_account", ["acting_for_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_workflow_decision_delegation_id_delegation"), "delegation", ["delegation_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("workflow_decision", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_workflow_decision_delegation_id_delegation"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_workflow_decision_acting_for_id_user_account"), type_="foreignkey")
        batch_op.drop_column("delegation_id")
        batch_op.drop_column("acting_kind")
        batch_op.drop_column("acting_for_id")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_delegator_id"))
        batch_op.drop_index("ix_delegation_delegate_ends_at")
    op.drop_table("delegation")
