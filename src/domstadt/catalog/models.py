"""Database models of the catalog domain: DCAT-AP.de datasets, distributions, harvesting.

Keywords and themes live in their own tables so search facets are plain GROUP BY counts on
SQLite and PostgreSQL alike. Ids shown to the world (CKAN ``id``) are UUID strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class CatalogRemoval(Base):
    """A removal of datasets from ``catalog_dataset``, written by a trigger (migration 0046;
    one row per DELETE statement on PostgreSQL, per removed row on SQLite). The catalogue's
    state (``search_cache.catalogue_state``) counts these rows instead of all datasets. The
    platform itself marks datasets deleted; rows appear for removals outside its rules."""

    __tablename__ = "catalog_removal"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)


class CatalogChange(Base):
    """The count of committed writes to ``catalog_dataset`` (one row, id 1), bumped by a
    trigger inside each writing transaction (migration 0048; once per transaction on
    PostgreSQL, per written row on SQLite), so it changes exactly when a write becomes
    visible. Part of the catalogue's state (``search_cache.catalogue_state``)."""

    __tablename__ = "catalog_change"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=False)
    writes: Mapped[int] = mapped_column(BigInteger)


class Dataset(Base):
    """dcat:Dataset. ``department_id`` owns it (editor scope); the publisher is the
    organisation when one is set, else the department."""

    __tablename__ = "catalog_dataset"
    __table_args__ = (
        Index("ix_catalog_dataset_harvest_guid", "harvest_source_id", "harvest_guid"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    identifier: Mapped[str] = mapped_column(String(500), default="")
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    contact_name: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    license_id: Mapped[str] = mapped_column(String(100), index=True)
    political_geocoding_uri: Mapped[str] = mapped_column(String(500), default="")
    spatial_uri: Mapped[str] = mapped_column(String(500), default="")
    temporal_start: Mapped[dt.date | None] = mapped_column(Date)
    temporal_end: Mapped[dt.date | None] = mapped_column(Date)
    frequency: Mapped[str] = mapped_column(String(40), default="")
    access_rights: Mapped[str] = mapped_column(String(20), default="PUBLIC", index=True)
    restriction_reason: Mapped[str] = mapped_column(String(40), default="")
    landing_page: Mapped[str] = mapped_column(String(1000), default="")
    issued: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    modified: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default="active", index=True)
    metadata_created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    metadata_modified: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    harvest_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_harvest_source.id", ondelete="SET NULL"), index=True
    )
    harvest_guid: Mapped[str] = mapped_column(String(500), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    contributor_id: Mapped[str] = mapped_column(String(500), default="", server_default="")
    extras: Mapped[Any] = mapped_column(JSON, nullable=True)
    """CKAN extras with keys the catalogue has no field for: {key: value}, kept verbatim."""

    keywords: Mapped[list[DatasetKeyword]] = relationship(
        cascade="all, delete-orphan", order_by="DatasetKeyword.keyword"
    )
    themes: Mapped[list[DatasetTheme]] = relationship(
        cascade="all, delete-orphan", order_by="DatasetTheme.theme"
    )
    distributions: Mapped[list[Distribution]] = relationship(
        cascade="all, delete-orphan", order_by="Distribution.position"
    )
    relations: Mapped[list[DatasetRelation]] = relationship(
        cascade="all, delete-orphan", order_by="(DatasetRelation.kind, DatasetRelation.ref)"
    )


class DatasetKeyword(Base):
    """A keyword (CKAN tag) of a dataset."""

    __tablename__ = "catalog_dataset_keyword"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_dataset.id", ondelete="CASCADE"), primary_key=True
    )
    keyword: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class DatasetTheme(Base):
    """An EU data theme code (AGRI, ECON, …) of a dataset (CKAN group)."""

    __tablename__ = "catalog_dataset_theme"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_dataset.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)


class DatasetRelation(Base):
    """A link from a dataset to what it belongs to: a masterplan measure (``kind='measure'``,
    ``ref`` = measure id) or a SensorThings Datastream (``kind='datastream'``, ``ref`` = its id).
    """

    __tablename__ = "catalog_dataset_relation"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_dataset.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref: Mapped[int] = mapped_column(IdType, primary_key=True)


class Distribution(Base):
    """dcat:Distribution (CKAN resource): a download URL or a file stored under the data dir.

    Canonical copies made by the normaliser point to their original via ``derived_from_id``.
    """

    __tablename__ = "catalog_distribution"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_dataset.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    access_url: Mapped[str] = mapped_column(String(2000), default="")
    download_url: Mapped[str] = mapped_column(String(2000), default="")
    file_path: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(40), default="", index=True)
    media_type: Mapped[str] = mapped_column(String(200), default="")
    license_id: Mapped[str] = mapped_column(String(100), default="")
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    checksum: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    derived_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_distribution.id", ondelete="CASCADE"), index=True
    )
    datastore_path: Mapped[str] = mapped_column(String(500), default="")
    table_schema: Mapped[Any] = mapped_column(JSON, nullable=True)
    provenance: Mapped[Any] = mapped_column(JSON, nullable=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    modified: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HarvestSource(Base):
    """A remote catalogue imported regularly (CKAN API, DCAT RDF, DKAN, plain file URL)."""

    __tablename__ = "catalog_harvest_source"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    type: Mapped[str] = mapped_column(String(10))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL")
    )
    license_id: Mapped[str] = mapped_column(String(100), default="", server_default="")
    """Licence assumed for records that name none (a plain file has no metadata)."""
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HarvestJob(Base):
    """One run of a source; ``report`` counts records per state."""

    __tablename__ = "catalog_harvest_job"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_harvest_source.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="running")
    started: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    report: Mapped[Any] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    time_limit: Mapped[int] = mapped_column(Integer, default=3600, server_default="3600")
    """Seconds the job may run; a job 'running' for longer is marked failed."""


class HarvestObject(Base):
    """One remote record seen by a job, with its outcome and, when it failed, the reason."""

    __tablename__ = "catalog_harvest_object"
    __table_args__ = (UniqueConstraint("job_id", "guid"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_harvest_job.id", ondelete="CASCADE"), index=True
    )
    guid: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    dataset_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_dataset.id", ondelete="SET NULL")
    )


class PrivacyFinding(Base):
    """Personal data the privacy gate found in a tabular distribution, and the editor's
    decision: ``open`` (blocks publication), ``cleared`` (with a reason) or ``fixed``."""

    __tablename__ = "catalog_privacy_finding"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_dataset.id", ondelete="CASCADE"), index=True
    )
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_distribution.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(30))
    column: Mapped[str] = mapped_column(String(200))
    hits: Mapped[int] = mapped_column(Integer, default=0)
    example: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PrivacyScan(Base):
    """The privacy scan of a large table, run as a job (``catalog.tasks.privacy_scan``):
    ``queued``, ``running`` (``rows_done`` of ``rows_total`` read), ``done`` or ``failed``.
    While one is not ``done`` its dataset stays ``waiting`` (not published)."""

    __tablename__ = "catalog_privacy_scan"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_dataset.id", ondelete="CASCADE"), index=True
    )
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_distribution.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20), default="queued")
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
