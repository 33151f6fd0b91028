"""SensorThings harvest sources (issue 12)

Revision ID: 0039_sta_harvest
Revises: 0038_transit
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domstadt.core.db import IdType, UTCDateTime

revision = "0039_sta_harvest"
down_revision = "0038_transit"
branch_labels = None
depends_on = None
phase = "expand"


def _source_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["source_id"],
        ["sta_harvest_source.id"],
        name=op.f(f"fk_{table}_source_id_sta_harvest_source"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Remote SensorThings services as sources: sources, remote-id mapping, watermarks, runs."""
    op.create_table(
        "sta_harvest_source",
        sa.Column("id", IdType, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("filter", sa.Text(), nullable=False),
        sa.Column("department_id", IdType, nullable=True),
        sa.Column("created", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_harvest_source")),
        sa.UniqueConstraint("name", name=op.f("uq_sta_harvest_source_name")),
    )
    op.create_table(
        "sta_harvest_remote",
        sa.Column("id", IdType, nullable=False),
        sa.Column("source_id", IdType, nullable=False),
        sa.Column("entity_set", sa.String(length=40), nullable=False),
        sa.Column("remote_id", sa.String(length=200), nullable=False),
        sa.Column("local_id", IdType, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        _source_fk("sta_harvest_remote"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_harvest_remote")),
        sa.UniqueConstraint("source_id", "entity_set", "remote_id", name="uq_sta_harvest_remote"),
    )
    op.create_index("ix_sta_harvest_remote_local", "sta_harvest_remote", ["entity_set", "local_id"])
    op.create_table(
        "sta_harvest_watermark",
        sa.Column("id", IdType, nullable=False),
        sa.Column("source_id", IdType, nullable=False),
        sa.Column("remote_datastream_id", sa.String(length=200), nullable=False),
        sa.Column("phenomenon_time", UTCDateTime(timezone=True), nullable=True),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("updated", UTCDateTime(timezone=True), nullable=False),
        _source_fk("sta_harvest_watermark"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_harvest_watermark")),
        sa.UniqueConstraint("source_id", "remote_datastream_id", name="uq_sta_harvest_watermark"),
    )
    op.create_table(
        "sta_harvest_run",
        sa.Column("id", IdType, nullable=False),
        sa.Column("source_id", IdType, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished", UTCDateTime(timezone=True), nullable=True),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        _source_fk("sta_harvest_run"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_harvest_run")),
    )
    op.create_index(op.f("ix_sta_harvest_run_source_id"), "sta_harvest_run", ["source_id"])


def downgrade() -> None:
    """Drop the four harvest tables."""
    op.drop_index(op.f("ix_sta_harvest_run_source_id"), table_name="sta_harvest_run")
    op.drop_table("sta_harvest_run")
    op.drop_table("sta_harvest_watermark")
    op.drop_index("ix_sta_harvest_remote_local", table_name="sta_harvest_remote")
    op.drop_table("sta_harvest_remote")
    op.drop_table("sta_harvest_source")
