"""Coverage tables: imported layers (with source, licence and date), their features (WGS84
GeoJSON geometry, bounding box, value) and the planned IoT deployments of measures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class CoverageLayer(Base):
    """One imported coverage file: ``kind`` is lorawan-gateway, mobile-site, wlan-hotspot,
    broadband-area or grid-cell; ``crs`` the projection the file was in (stored WGS84)."""

    __tablename__ = "coverage_layer"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    source: Mapped[str] = mapped_column(String(300))
    licence: Mapped[str] = mapped_column(String(200))
    data_date: Mapped[dt.date] = mapped_column(Date)
    crs: Mapped[str] = mapped_column(String(50))
    file_format: Mapped[str] = mapped_column(String(20))
    feature_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoverageFeature(Base):
    """A gateway, site or hotspot (a point) or an area or grid cell (a polygon) of a layer.

    ``networks`` lists the technologies it offers in our vocabulary (lorawan, nb-iot,
    lte-m, lte, 5g, wlan, fibre); ``available`` is False for a measured cell without
    service; ``value`` a number such as Mbit/s with its ``unit``."""

    __tablename__ = "coverage_feature"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    layer_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("coverage_layer.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300), default="")
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    networks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    available: Mapped[bool | None] = mapped_column(Boolean)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20), default="")
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Deployment(Base):
    """A planned sensor deployment of a measure: a point, a device type and its network."""

    __tablename__ = "coverage_deployment"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    device_type: Mapped[str] = mapped_column(String(200))
    network: Mapped[str] = mapped_column(String(20))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
