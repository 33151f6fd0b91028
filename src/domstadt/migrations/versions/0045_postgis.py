"""PostGIS side tables of coverage and transit (issue 12), where PostGIS is available; the
gap map's refresh stamp per transit segment

Revision ID: 0045_postgis
Revises: 0043_schema_policy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domstadt.infrastructure import postgis

revision = "0045_postgis"
down_revision = "0043_schema_policy"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """On PostgreSQL with PostGIS: the extension and the side tables with GiST indexes (see
    ``domstadt.infrastructure.postgis``); elsewhere nothing (the app also creates them when
    PostGIS is installed later). Everywhere: ``transit_segment.gap_stamp``."""
    op.add_column(
        "transit_segment",
        sa.Column("gap_stamp", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_index(op.f("ix_transit_segment_gap_stamp"), "transit_segment", ["gap_stamp"])
    postgis.create_tables(op.get_bind())


def downgrade() -> None:
    """Drop the side tables (PostgreSQL; the extension stays) and the stamp."""
    postgis.drop_tables(op.get_bind())
    op.drop_index(op.f("ix_transit_segment_gap_stamp"), table_name="transit_segment")
    with op.batch_alter_table("transit_segment") as batch:
        batch.drop_column("gap_stamp")
