"""participation follow-ups (issue 10): lab sessions can be cancelled

Revision ID: 0040_participation
Revises: 0039_sta_harvest
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0040_participation"
down_revision = "0039_sta_harvest"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """``lab_session.cancelled_at`` and ``cancel_reason``: the department calls a session off
    (followers are told, sign-ups end)."""
    with op.batch_alter_table("lab_session") as batch:
        batch.add_column(
            sa.Column("cancelled_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("cancel_reason", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade() -> None:
    """Reverse of upgrade(): the two columns go."""
    with op.batch_alter_table("lab_session") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_at")
