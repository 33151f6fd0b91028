"""Tables of SensorThings harvesting: sources, the remote-id mapping of mirrored entities,
per-Datastream watermarks and run reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class StaHarvestSource(Base):
    """A remote SensorThings service (its root URL, ending in /v1.0 or /v1.1) and an optional
    OData ``$filter`` over its Datastreams; mirrored entities belong to ``department_id``."""

    __tablename__ = "sta_harvest_source"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    filter: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaHarvestRemote(Base):
    """One mirrored entity: remote id in a source ↔ local id, with the hash of what the
    remote said last time (unchanged entities are not written again)."""

    __tablename__ = "sta_harvest_remote"
    __table_args__ = (
        UniqueConstraint("source_id", "entity_set", "remote_id", name="uq_sta_harvest_remote"),
        Index("ix_sta_harvest_remote_local", "entity_set", "local_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sta_harvest_source.id", ondelete="CASCADE"))
    entity_set: Mapped[str] = mapped_column(String(40))
    remote_id: Mapped[str] = mapped_column(String(200))
    local_id: Mapped[int] = mapped_column(IdType)
    content_hash: Mapped[str] = mapped_column(String(64), default="")


class StaHarvestWatermark(Base):
    """How far the Observations of one remote Datastream are mirrored: the phenomenonTime of
    the newest one stored (advanced only together with what was stored)."""

    __tablename__ = "sta_harvest_watermark"
    __table_args__ = (
        UniqueConstraint("source_id", "remote_datastream_id", name="uq_sta_harvest_watermark"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sta_harvest_source.id", ondelete="CASCADE"))
    remote_datastream_id: Mapped[str] = mapped_column(String(200))
    phenomenon_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    observations: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaHarvestRun(Base):
    """One run of a source: "running" while it works, then "finished" or "failed", with its
    report (counts per entity type, refused records with reasons)."""

    __tablename__ = "sta_harvest_run"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sta_harvest_source.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    started: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    time_limit: Mapped[int] = mapped_column(Integer, default=3600)
    error: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[Any] = mapped_column(JSON, nullable=True)
