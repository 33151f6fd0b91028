"""coverage layers and IoT planning checks (issue 12)

Revision ID: 0037_coverage
Revises: 0036_screening_proposals
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db
from domstadt.core.db import IdType

revision = "0037_coverage"
down_revision = "0036_screening_proposals"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Coverage layers, their features and the planned deployments of measures."""
    op.create_table(
        "coverage_layer",
        sa.Column("id", IdType, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("data_date", sa.Date(), nullable=False),
        sa.Column("crs", sa.String(length=50), nullable=False),
        sa.Column("file_format", sa.String(length=20), nullable=False),
        sa.Column("feature_count", sa.Integer(), nullable=False),
        sa.Column("created_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_layer")),
    )
    op.create_index(op.f("ix_coverage_layer_kind"), "coverage_layer", ["kind"])
    op.create_table(
        "coverage_feature",
        sa.Column("id", IdType, nullable=False),
        sa.Column("layer_id", IdType, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("networks", sa.JSON(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["coverage_layer.id"],
            name=op.f("fk_coverage_feature_layer_id_coverage_layer"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_feature")),
    )  # fmt: skip
    op.create_index(op.f("ix_coverage_feature_layer_id"), "coverage_feature", ["layer_id"])
    op.create_table(
        "coverage_deployment",
        sa.Column("id", IdType, nullable=False),
        sa.Column("measure_id", IdType, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("device_type", sa.String(length=200), nullable=False),
        sa.Column("network", sa.String(length=20), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("created_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"],
            name=op.f("fk_coverage_deployment_measure_id_measure"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_deployment")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_coverage_deployment_measure_id"), "coverage_deployment", ["measure_id"]
    )


def downgrade() -> None:
    """Drop the three tables (and their indexes) again."""
    op.drop_index(op.f("ix_coverage_deployment_measure_id"), table_name="coverage_deployment")
    op.drop_table("coverage_deployment")
    op.drop_index(op.f("ix_coverage_feature_layer_id"), table_name="coverage_feature")
    op.drop_table("coverage_feature")
    op.drop_index(op.f("ix_coverage_layer_kind"), table_name="coverage_layer")
    op.drop_table("coverage_layer")
