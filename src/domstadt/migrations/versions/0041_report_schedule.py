"""scheduled status reports (issue 16)

Revision ID: 0041_report_schedule
Revises: 0040_participation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0041_report_schedule"
down_revision = "0040_participation"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """The one schedule on which status reports are frozen by the job worker."""
    op.create_table(
        "status_report_schedule",
        sa.Column("id", domstadt.core.db.IdType, nullable=False),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=False),
        sa.Column("last_report_id", domstadt.core.db.IdType, nullable=True),
        sa.Column("updated_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["last_report_id"],
            ["status_report.id"],
            name=op.f("fk_status_report_schedule_last_report_id_status_report"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_report_schedule")),
    )


def downgrade() -> None:
    """Drop the schedule (reports already frozen stay)."""
    op.drop_table("status_report_schedule")
