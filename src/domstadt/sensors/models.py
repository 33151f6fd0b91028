"""Database models of the sensors domain: the eight OGC SensorThings entity types.

64-bit ids throughout (``IdType``: BIGINT on PostgreSQL, the rowid on SQLite). Observations
are built for volume: one composite unique index on
``(datastream_id, phenomenon_time_start, phenomenon_time_key)`` (partial: only rows of a
Datastream; its twin on ``multi_datastream_id`` only rows of a MultiDatastream) serves ordered
reads, keyset paging, the "latest observation" fast path and the duplicate rule (one
observation per datastream and whole phenomenonTime, unless the datastream allows duplicates;
see ``sta/duplicates.py``). Numeric results live in ``result_number`` (a float column that can be
aggregated); every other result in ``result_json``, and so does an integer a float cannot hold
exactly (beyond 2**53), so that it reads back as sent. Deletes cascade in the database as the
SensorThings specification asks: on SQLite by the foreign keys (``ON DELETE CASCADE``), on
PostgreSQL by statement-level triggers that also check the Observations' links (migration 0047).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow
from domstadt.sensors.odata.geo import bbox_of

thing_location = Table(
    "sta_thing_location",
    Base.metadata,
    Column("thing_id", ForeignKey("sta_thing.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "location_id",
        ForeignKey("sta_location.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

historical_location_location = Table(
    "sta_historical_location_location",
    Base.metadata,
    Column(
        "historical_location_id",
        ForeignKey("sta_historical_location.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "location_id",
        ForeignKey("sta_location.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

multi_datastream_observed_property = Table(
    "sta_multi_datastream_observed_property",
    Base.metadata,
    Column(
        "multi_datastream_id",
        ForeignKey("sta_multi_datastream.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "observed_property_id",
        ForeignKey("sta_observed_property.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("position", Integer, nullable=False, server_default="0"),
)
"""A MultiDatastream's ObservedProperties; ``position`` keeps the order of the request,
which is the order of its unitOfMeasurements and of every result array."""


class Thing(Base):
    """A physical or virtual object (a street segment, a weather station)."""

    __tablename__ = "sta_thing"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)
    # Domstadt extension, not a SensorThings property: the department that owns the entity
    # (sta/ownership.py; None: only admins may change it). A plain column, no foreign key, so
    # that migration 0010 stays reversible on SQLite without rebuilding the table.
    department_id: Mapped[int | None] = mapped_column(IdType, nullable=True)


class Location(Base):
    """Where a Thing is; ``location`` holds GeoJSON (WGS84) when encodingType says so."""

    __tablename__ = "sta_location"
    __table_args__ = (
        Index("ix_sta_location_bbox", "bbox_min_x", "bbox_max_x", "bbox_min_y", "bbox_max_y"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    encoding_type: Mapped[str] = mapped_column(String(200))
    location: Mapped[Any] = mapped_column(JSON)
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)
    # bounding box of the GeoJSON, the SQL prefilter of geo.*/st_* in $filter (odata/geo.py)
    bbox_min_x: Mapped[float | None] = mapped_column(Float, nullable=True)
    bbox_min_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    bbox_max_x: Mapped[float | None] = mapped_column(Float, nullable=True)
    bbox_max_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    department_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    """The owning department, as on Thing."""


class HistoricalLocation(Base):
    """When a Thing was at its Locations (written on every location change)."""

    __tablename__ = "sta_historical_location"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    thing_id: Mapped[int] = mapped_column(
        ForeignKey("sta_thing.id", ondelete="CASCADE"), index=True
    )


class Sensor(Base):
    """An instrument that observes a property."""

    __tablename__ = "sta_sensor"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    encoding_type: Mapped[str] = mapped_column(String(200))
    metadata_: Mapped[Any] = mapped_column("metadata", JSON, nullable=True)
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)
    department_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    """The owning department, as on Thing."""


class ObservedProperty(Base):
    """The phenomenon observed (traffic load, NO2 concentration)."""

    __tablename__ = "sta_observed_property"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), index=True)
    definition: Mapped[str] = mapped_column(String(1000), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)
    department_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    """The owning department, as on Thing."""


class Datastream(Base):
    """A series of observations of one property of one Thing by one Sensor."""

    __tablename__ = "sta_datastream"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    observation_type: Mapped[str] = mapped_column(String(200))
    unit_of_measurement: Mapped[Any] = mapped_column(JSON)
    observed_area: Mapped[Any] = mapped_column(JSON, nullable=True)
    phenomenon_time_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    phenomenon_time_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_time_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_time_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)
    # Domstadt extension, not a SensorThings property: observations older than this many
    # days are deleted by ``domstadt sensors retention`` and the daily job (None: keep all).
    retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    thing_id: Mapped[int] = mapped_column(
        ForeignKey("sta_thing.id", ondelete="CASCADE"), index=True
    )
    sensor_id: Mapped[int] = mapped_column(
        ForeignKey("sta_sensor.id", ondelete="CASCADE"), index=True
    )
    observed_property_id: Mapped[int] = mapped_column(
        ForeignKey("sta_observed_property.id", ondelete="CASCADE"), index=True
    )


class MultiDatastream(Base):
    """MultiDatastream extension: one observation holds an array of results, one per
    ObservedProperty (in ObservedProperty id order), each with its own unit and type."""

    __tablename__ = "sta_multi_datastream"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    observation_type: Mapped[str] = mapped_column(String(200))
    multi_observation_data_types: Mapped[Any] = mapped_column(JSON)
    unit_of_measurements: Mapped[Any] = mapped_column(JSON)
    observed_area: Mapped[Any] = mapped_column(JSON, nullable=True)
    phenomenon_time_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    phenomenon_time_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_time_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_time_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)
    thing_id: Mapped[int] = mapped_column(
        ForeignKey("sta_thing.id", ondelete="CASCADE"), index=True
    )
    sensor_id: Mapped[int] = mapped_column(
        ForeignKey("sta_sensor.id", ondelete="CASCADE"), index=True
    )


class FeatureOfInterest(Base):
    """What an observation is about; created from the Thing's Location when not given."""

    __tablename__ = "sta_feature_of_interest"
    __table_args__ = (
        Index(
            "ix_sta_feature_of_interest_bbox",
            "bbox_min_x",
            "bbox_max_x",
            "bbox_min_y",
            "bbox_max_y",
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    encoding_type: Mapped[str] = mapped_column(String(200))
    feature: Mapped[Any] = mapped_column(JSON)
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)
    # bounding box of the GeoJSON, see Location
    bbox_min_x: Mapped[float | None] = mapped_column(Float, nullable=True)
    bbox_min_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    bbox_max_x: Mapped[float | None] = mapped_column(Float, nullable=True)
    bbox_max_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    source_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("sta_location.id", ondelete="SET NULL"), nullable=True, index=True
    )
    department_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    """The owning department, as on Thing (a generated feature: its Location's)."""


def _store_bbox(_mapper: Any, _connection: Any, target: Any) -> None:
    value = target.location if isinstance(target, Location) else target.feature
    box = bbox_of(value) or (None, None, None, None)
    target.bbox_min_x, target.bbox_min_y, target.bbox_max_x, target.bbox_max_y = box


for _model in (Location, FeatureOfInterest):
    event.listen(_model, "before_insert", _store_bbox)
    event.listen(_model, "before_update", _store_bbox)


class Observation(Base):
    """One measured value. See the module docstring for the storage choices."""

    __tablename__ = "sta_observation"
    __table_args__ = (
        Index(
            "uq_sta_observation_datastream_phenomenon",
            "datastream_id",
            "phenomenon_time_start",
            "phenomenon_time_key",
            unique=True,
            postgresql_where=text("datastream_id IS NOT NULL"),
            sqlite_where=text("datastream_id IS NOT NULL"),
        ),
        Index(
            "uq_sta_observation_multi_datastream_phenomenon",
            "multi_datastream_id",
            "phenomenon_time_start",
            "phenomenon_time_key",
            unique=True,
            postgresql_where=text("multi_datastream_id IS NOT NULL"),
            sqlite_where=text("multi_datastream_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    # exactly one of datastream_id and multi_datastream_id is set (checked on write)
    datastream_id: Mapped[int] = mapped_column(
        ForeignKey("sta_datastream.id", ondelete="CASCADE"), nullable=True
    )
    multi_datastream_id: Mapped[int | None] = mapped_column(
        ForeignKey("sta_multi_datastream.id", ondelete="CASCADE"), nullable=True
    )
    phenomenon_time_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    phenomenon_time_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the duplicate rule (sta/duplicates.py): end or instant of phenomenonTime, NULL when the
    # stream allows duplicates
    phenomenon_time_key: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_number: Mapped[float | None] = mapped_column(Float, nullable=True)
    result_json: Mapped[Any] = mapped_column(JSON, nullable=True)
    result_quality: Mapped[Any] = mapped_column(JSON, nullable=True)
    valid_time_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    valid_time_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    parameters: Mapped[Any] = mapped_column(JSON, nullable=True)
    feature_of_interest_id: Mapped[int] = mapped_column(
        ForeignKey("sta_feature_of_interest.id", ondelete="CASCADE"), index=True
    )


class MqttSelectTopic(Base):
    """A registered ``$select`` notification topic (``Observations?$select=result``).

    A plain MQTT broker does not tell Domstadt what clients subscribed to, so select topics
    are registered and published for every matching event.
    """

    __tablename__ = "sta_mqtt_select_topic"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    topic: Mapped[str] = mapped_column(String(1000), unique=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
