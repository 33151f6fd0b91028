"""sensors: a MultiDatastream keeps the order of its ObservedProperties

Revision ID: 0009_sta_link_order
Revises: 0008_participation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_sta_link_order"
down_revision = "0008_participation"
branch_labels = None
depends_on = None
phase = "expand"

LINK = "sta_multi_datastream_observed_property"


def upgrade() -> None:
    """Add ``position``; existing links are numbered in ObservedProperty id order, the order
    in which they were read until now."""
    op.add_column(LINK, sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    link = sa.table(
        LINK,
        sa.column("multi_datastream_id", sa.Integer()),
        sa.column("observed_property_id", sa.Integer()),
        sa.column("position", sa.Integer()),
    )
    earlier = link.alias("earlier")
    rank = (
        sa.select(sa.func.count())
        .select_from(earlier)
        .where(
            earlier.c.multi_datastream_id == link.c.multi_datastream_id,
            earlier.c.observed_property_id < link.c.observed_property_id,
        )
        .scalar_subquery()
    )
    op.execute(link.update().values(position=rank))


def downgrade() -> None:
    """Drop ``position``."""
    with op.batch_alter_table(LINK) as batch:
        batch.drop_column("position")
