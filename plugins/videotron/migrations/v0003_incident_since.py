"""videotron: when a silent screen's last report was, kept on its incident

Revision ID: v0003_incident_since
Revises: v0002_feed_version
Create Date: 2026-12-07

An incident the watch opens for a silent screen used a title joining both languages and a UTC
time ("Layar tidak melapor sejak 2026-12-06 11:40 UTC / Screen silent since …"). The moment is
now kept in ``silent_since`` and the title is written in the reader's language and office zone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.sdk import UTCDateTime

revision = "v0003_incident_since"
down_revision = "v0002_feed_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("videotron_incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("silent_since", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("videotron_incident", schema=None) as batch_op:
        batch_op.drop_column("silent_since")
