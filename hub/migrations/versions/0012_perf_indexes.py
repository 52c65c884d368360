"""indexes of the dashboard and the inbox: open steps, failed publications, a person's latest items

Revision ID: 0012_perf_indexes
Revises: 0011_indexes, 0004_dispatch, 0005_workflow
Create Date: 2026-12-06

``ix_workflow_step_open_role_due_at`` (partial: open steps only; on PostgreSQL it includes the
columns those pages read, for index-only scans) serves the inbox's and the dashboard's "first
open steps of each role, by due time"; ``ix_publication_trouble_updated_at``
(partial: failed / needs attention) the dashboard's failed publications, newest first;
``ix_item_created_by_id_updated_at`` its "items I submitted", latest change first. Partial
indexes work on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_perf_indexes"
#: also a merge of the dispatch (publication) and workflow (workflow_step) revisions, whose tables it
#: indexes: a ``depends_on`` would leave them script heads that the database no longer records, and
#: ``/healthz`` would call the schema behind
down_revision = ("0011_indexes", "0004_dispatch", "0005_workflow")
branch_labels = None
depends_on = None

OPEN_WHERE = "status = 'open'"
TROUBLE_WHERE = "status IN ('failed', 'needs_attention')"


def upgrade() -> None:
    op.create_index(
        "ix_workflow_step_open_role_due_at",
        "workflow_step",
        ["role", "due_at", "item_id"],
        unique=False,
        postgresql_include=["id", "step_index", "step_key", "workflow_version_id", "started_at"],
        postgresql_where=sa.text(OPEN_WHERE),
        sqlite_where=sa.text(OPEN_WHERE),
    )
    op.create_index(
        "ix_publication_trouble_updated_at",
        "publication",
        ["updated_at"],
        unique=False,
        postgresql_where=sa.text(TROUBLE_WHERE),
        sqlite_where=sa.text(TROUBLE_WHERE),
    )
    op.create_index("ix_item_created_by_id_updated_at", "item", ["created_by_id", "updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_item_created_by_id_updated_at", table_name="item")
    op.drop_index("ix_publication_trouble_updated_at", table_name="publication")
    op.drop_index("ix_workflow_step_open_role_due_at", table_name="workflow_step")
