"""schema_policy: the oldest code revision that can serve on the schema (issue 16)

Revision ID: 0043_schema_policy
Revises: 0042_observation_partitions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0043_schema_policy"
down_revision = "0042_observation_partitions"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """The one-row table each ``domstadt db upgrade`` fills (core/migration_policy.py): code
    older than the schema reads there whether it may serve on it."""
    op.create_table(
        "schema_policy",
        sa.Column("schema_revision", sa.String(length=64), nullable=False),
        sa.Column("oldest_code_revision", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("schema_revision", name=op.f("pk_schema_policy")),
    )


def downgrade() -> None:
    """Drop the table (code before this revision does not read it)."""
    op.drop_table("schema_policy")
