"""SensorThings duplicate rule per Datastream: the whole phenomenonTime, refuse or allow (issue 15)

Revision ID: 0017_sta_duplicates
Revises: 0016_site_paths
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_sta_duplicates"
down_revision = "0016_site_paths"
branch_labels = None
depends_on = None
# Contract step: replaces the observations' unique indexes (code before it fills no
# phenomenon_time_key).
phase = "contract"

_INDEXES = {
    "uq_sta_observation_datastream_time": "datastream_id",
    "uq_sta_observation_multi_datastream_time": "multi_datastream_id",
}


def upgrade() -> None:
    """Observations get ``phenomenon_time_key`` (end of phenomenonTime, or its instant; every
    stream refuses duplicates until told otherwise), and the unique indexes take it in."""
    op.add_column(
        "sta_observation",
        sa.Column("phenomenon_time_key", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE sta_observation "
        "SET phenomenon_time_key = COALESCE(phenomenon_time_end, phenomenon_time_start)"
    )
    for name, column in _INDEXES.items():
        op.drop_index(name, table_name="sta_observation")
        op.create_index(
            name,
            "sta_observation",
            [column, "phenomenon_time_start", "phenomenon_time_key"],
            unique=True,
        )


def downgrade() -> None:
    """Reverse of upgrade(); fails while a stream holds Observations with the same start."""
    for name, column in _INDEXES.items():
        op.drop_index(name, table_name="sta_observation")
        op.create_index(name, "sta_observation", [column, "phenomenon_time_start"], unique=True)
    with op.batch_alter_table("sta_observation") as batch_op:
        batch_op.drop_column("phenomenon_time_key")
