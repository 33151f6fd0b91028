"""Transit tables: a feed (one per source name) owns its agencies, routes, stops, shapes,
trips and the segments derived from them; measurements point at a segment (or none:
off-route); ``transit_gap_stat`` holds the aggregates the gap map reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class TransitFeed(Base):
    """One imported GTFS feed, named by its source; a re-import replaces its rows."""

    __tablename__ = "transit_feed"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), unique=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    counts: Mapped[Any] = mapped_column(JSON, default=dict)


class TransitAgency(Base):
    """An operator of the feed (agency.txt)."""

    __tablename__ = "transit_agency"
    __table_args__ = (UniqueConstraint("feed_id", "gtfs_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("transit_feed.id", ondelete="CASCADE"))
    gtfs_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000), default="")


class TransitRoute(Base):
    """A line (routes.txt): short and long name, GTFS route_type."""

    __tablename__ = "transit_route"
    __table_args__ = (UniqueConstraint("feed_id", "gtfs_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("transit_feed.id", ondelete="CASCADE"))
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("transit_agency.id", ondelete="CASCADE"), index=True
    )
    gtfs_id: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    long_name: Mapped[str] = mapped_column(String(300), default="")
    route_type: Mapped[int] = mapped_column(Integer, default=3)


class TransitStop(Base):
    """A stop (stops.txt) with WGS84 coordinates."""

    __tablename__ = "transit_stop"
    __table_args__ = (UniqueConstraint("feed_id", "gtfs_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("transit_feed.id", ondelete="CASCADE"))
    gtfs_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class TransitShape(Base):
    """A shape (shapes.txt) as ``[[lon, lat], …]`` in sequence order."""

    __tablename__ = "transit_shape"
    __table_args__ = (UniqueConstraint("feed_id", "gtfs_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("transit_feed.id", ondelete="CASCADE"))
    gtfs_id: Mapped[str] = mapped_column(String(200))
    coordinates: Mapped[Any] = mapped_column(JSON)


class TransitTrip(Base):
    """A trip (trips.txt) with its stop pattern: stop_times reduced to the GTFS stop ids in
    sequence (times are not needed for segments)."""

    __tablename__ = "transit_trip"
    __table_args__ = (UniqueConstraint("feed_id", "gtfs_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("transit_feed.id", ondelete="CASCADE"))
    route_id: Mapped[int] = mapped_column(
        ForeignKey("transit_route.id", ondelete="CASCADE"), index=True
    )
    gtfs_id: Mapped[str] = mapped_column(String(200))
    headsign: Mapped[str] = mapped_column(String(300), default="")
    shape_gtfs_id: Mapped[str] = mapped_column(String(200), default="")
    stop_pattern: Mapped[Any] = mapped_column(JSON, default=list)


class TransitSegment(Base):
    """The stretch of a route between two consecutive stops: ``coordinates`` ``[[lon, lat],
    …]`` cut from the shape at the stops' projections (``from_shape``) or a straight line.
    ``gap_stamp``: the number of the aggregate refresh that last touched its figures (the
    gap map rebuilds only the segments stamped since it was built)."""

    __tablename__ = "transit_segment"
    __table_args__ = (UniqueConstraint("route_id", "from_stop_id", "to_stop_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("transit_feed.id", ondelete="CASCADE"))
    route_id: Mapped[int] = mapped_column(ForeignKey("transit_route.id", ondelete="CASCADE"))
    from_stop_id: Mapped[int] = mapped_column(
        ForeignKey("transit_stop.id", ondelete="CASCADE"), index=True
    )
    to_stop_id: Mapped[int] = mapped_column(
        ForeignKey("transit_stop.id", ondelete="CASCADE"), index=True
    )
    coordinates: Mapped[Any] = mapped_column(JSON)
    length_m: Mapped[float] = mapped_column(Float, default=0.0)
    from_shape: Mapped[bool] = mapped_column(Boolean, default=False)
    gap_stamp: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0", index=True)


class TransitMeasurement(Base):
    """One connectivity measurement. ``segment_id`` is the nearest segment within the
    tolerance, none when off-route; ``ref`` identifies its origin (``sta:<observation id>``,
    ``csv:<file>:<line>``) so a measurement is taken once."""

    __tablename__ = "transit_measurement"
    __table_args__ = (Index("ix_transit_measurement_segment_month", "segment_id", "month"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    ref: Mapped[str] = mapped_column(String(400), unique=True)
    origin: Mapped[str] = mapped_column(String(20))
    measured_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    month: Mapped[str] = mapped_column(String(7))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    operator: Mapped[str] = mapped_column(String(100), default="")
    network_type: Mapped[str] = mapped_column(String(20), default="")
    signal_dbm: Mapped[float | None] = mapped_column(Float)
    down_mbit: Mapped[float | None] = mapped_column(Float)
    up_mbit: Mapped[float | None] = mapped_column(Float)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    no_connection: Mapped[bool] = mapped_column(Boolean, default=False)
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("transit_segment.id", ondelete="SET NULL")
    )
    distance_m: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TransitGapStat(Base):
    """Aggregates of one segment for a month (``""``: all months) and an operator (``""``: all
    operators), refreshed for the segments a write touched."""

    __tablename__ = "transit_gap_stat"

    segment_id: Mapped[int] = mapped_column(
        ForeignKey("transit_segment.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    operator: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    dead: Mapped[int] = mapped_column(Integer, default=0)
    median_down_mbit: Mapped[float | None] = mapped_column(Float)
    median_latency_ms: Mapped[float | None] = mapped_column(Float)


class TransitSyncState(Base):
    """How far the SensorThings pull has read: the last observation id taken."""

    __tablename__ = "transit_sync_state"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_id: Mapped[int] = mapped_column(IdType, default=0)
