"""privacy scans as jobs with progress (issue 15)

Revision ID: 0029_privacy_job
Revises: 0028_processes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0029_privacy_job"
down_revision = "0028_processes"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """The privacy scans of large tables, run as jobs, with their progress."""
    op.create_table(
        "catalog_privacy_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["catalog_dataset.id"],
            name=op.f("fk_catalog_privacy_scan_dataset_id_catalog_dataset"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["catalog_distribution.id"],
            name=op.f("fk_catalog_privacy_scan_distribution_id_catalog_distribution"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_privacy_scan")),
        sa.UniqueConstraint(
            "distribution_id", name=op.f("uq_catalog_privacy_scan_distribution_id")
        ),
    )
    op.create_index(
        op.f("ix_catalog_privacy_scan_dataset_id"),
        "catalog_privacy_scan",
        ["dataset_id"],
        unique=False,
    )


def downgrade() -> None:
    """Drop the table of privacy scans."""
    op.drop_index(op.f("ix_catalog_privacy_scan_dataset_id"), table_name="catalog_privacy_scan")
    op.drop_table("catalog_privacy_scan")
