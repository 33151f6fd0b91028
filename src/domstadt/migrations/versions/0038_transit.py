"""GTFS transit and connectivity measurements (issue 12)

Feeds with their agencies, routes, stops, shapes and trips (stop patterns), the segments
between consecutive stops, connectivity measurements snapped to them, the aggregates of the
gap map per segment/month/operator, and the SensorThings pull's position.

Revision ID: 0038_transit
Revises: 0037_coverage
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0038_transit"
down_revision = "0037_coverage"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """The transit and connectivity tables."""
    op.create_table(
        "transit_feed",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("imported_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_feed")),
        sa.UniqueConstraint("source", name=op.f("uq_transit_feed_source")),
    )
    op.create_table(
        "transit_sync_state",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("last_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_transit_sync_state")),
    )
    op.create_table(
        "transit_agency",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gtfs_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["transit_feed.id"],
            name=op.f("fk_transit_agency_feed_id_transit_feed"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_agency")),
        sa.UniqueConstraint("feed_id", "gtfs_id", name=op.f("uq_transit_agency_feed_id")),
    )
    op.create_table(
        "transit_shape",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gtfs_id", sa.String(length=200), nullable=False),
        sa.Column("coordinates", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["transit_feed.id"],
            name=op.f("fk_transit_shape_feed_id_transit_feed"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_shape")),
        sa.UniqueConstraint("feed_id", "gtfs_id", name=op.f("uq_transit_shape_feed_id")),
    )
    op.create_table(
        "transit_stop",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gtfs_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["transit_feed.id"],
            name=op.f("fk_transit_stop_feed_id_transit_feed"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_stop")),
        sa.UniqueConstraint("feed_id", "gtfs_id", name=op.f("uq_transit_stop_feed_id")),
    )
    op.create_table(
        "transit_route",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("gtfs_id", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("long_name", sa.String(length=300), nullable=False),
        sa.Column("route_type", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["transit_agency.id"],
            name=op.f("fk_transit_route_agency_id_transit_agency"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["transit_feed.id"],
            name=op.f("fk_transit_route_feed_id_transit_feed"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_route")),
        sa.UniqueConstraint("feed_id", "gtfs_id", name=op.f("uq_transit_route_feed_id")),
    )
    op.create_index(
        op.f("ix_transit_route_agency_id"), "transit_route", ["agency_id"], unique=False
    )
    op.create_table(
        "transit_segment",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("route_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "from_stop_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "to_stop_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("coordinates", sa.JSON(), nullable=False),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("from_shape", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["transit_feed.id"],
            name=op.f("fk_transit_segment_feed_id_transit_feed"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_stop_id"],
            ["transit_stop.id"],
            name=op.f("fk_transit_segment_from_stop_id_transit_stop"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["transit_route.id"],
            name=op.f("fk_transit_segment_route_id_transit_route"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_stop_id"],
            ["transit_stop.id"],
            name=op.f("fk_transit_segment_to_stop_id_transit_stop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_segment")),
        sa.UniqueConstraint(
            "route_id", "from_stop_id", "to_stop_id", name=op.f("uq_transit_segment_route_id")
        ),
    )
    op.create_index(
        op.f("ix_transit_segment_from_stop_id"), "transit_segment", ["from_stop_id"], unique=False
    )
    op.create_index(
        op.f("ix_transit_segment_to_stop_id"), "transit_segment", ["to_stop_id"], unique=False
    )
    op.create_table(
        "transit_trip",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("route_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gtfs_id", sa.String(length=200), nullable=False),
        sa.Column("headsign", sa.String(length=300), nullable=False),
        sa.Column("shape_gtfs_id", sa.String(length=200), nullable=False),
        sa.Column("stop_pattern", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["transit_feed.id"],
            name=op.f("fk_transit_trip_feed_id_transit_feed"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["transit_route.id"],
            name=op.f("fk_transit_trip_route_id_transit_route"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_trip")),
        sa.UniqueConstraint("feed_id", "gtfs_id", name=op.f("uq_transit_trip_feed_id")),
    )
    op.create_index(op.f("ix_transit_trip_route_id"), "transit_trip", ["route_id"], unique=False)
    op.create_table(
        "transit_gap_stat",
        sa.Column(
            "segment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("dead", sa.Integer(), nullable=False),
        sa.Column("median_down_mbit", sa.Float(), nullable=True),
        sa.Column("median_latency_ms", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["transit_segment.id"],
            name=op.f("fk_transit_gap_stat_segment_id_transit_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "segment_id", "month", "operator", name=op.f("pk_transit_gap_stat")
        ),
    )
    op.create_table(
        "transit_measurement",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ref", sa.String(length=400), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("measured_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("network_type", sa.String(length=20), nullable=False),
        sa.Column("signal_dbm", sa.Float(), nullable=True),
        sa.Column("down_mbit", sa.Float(), nullable=True),
        sa.Column("up_mbit", sa.Float(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("no_connection", sa.Boolean(), nullable=False),
        sa.Column(
            "segment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("created_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["transit_segment.id"],
            name=op.f("fk_transit_measurement_segment_id_transit_segment"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transit_measurement")),
        sa.UniqueConstraint("ref", name=op.f("uq_transit_measurement_ref")),
    )
    op.create_index(
        "ix_transit_measurement_segment_month",
        "transit_measurement",
        ["segment_id", "month"],
        unique=False,
    )


def downgrade() -> None:
    """Drop the transit and connectivity tables."""
    op.drop_index("ix_transit_measurement_segment_month", table_name="transit_measurement")
    op.drop_table("transit_measurement")
    op.drop_table("transit_gap_stat")
    op.drop_index(op.f("ix_transit_trip_route_id"), table_name="transit_trip")
    op.drop_table("transit_trip")
    op.drop_index(op.f("ix_transit_segment_to_stop_id"), table_name="transit_segment")
    op.drop_index(op.f("ix_transit_segment_from_stop_id"), table_name="transit_segment")
    op.drop_table("transit_segment")
    op.drop_index(op.f("ix_transit_route_agency_id"), table_name="transit_route")
    op.drop_table("transit_route")
    op.drop_table("transit_stop")
    op.drop_table("transit_shape")
    op.drop_table("transit_agency")
    op.drop_table("transit_sync_state")
    op.drop_table("transit_feed")
