"""Funding tables: programmes (with source, external id and content hash), their change history
and the RSS/Atom feeds polled for funding news."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class FundingProgramme(Base):
    """One funding programme or call, identified by ``source`` + ``external_id``.

    ``status_given`` is what the source said; the status shown is derived from it and the call
    dates on the day it is read (a call whose deadline passed is closed). ``content_hash``
    covers every imported field, so a re-import of the same row changes nothing.
    City programmes (S3.3) have ``department_id`` and ``digital_criteria`` tags that their
    department edits.
    """

    __tablename__ = "funding_programme"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    external_id: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    provider: Mapped[str] = mapped_column(String(300), default="")
    level: Mapped[str] = mapped_column(String(20), index=True)
    funding_type: Mapped[str] = mapped_column(String(20), default="other")
    applicants: Mapped[list[Any]] = mapped_column(JSON, default=list)
    region: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[str] = mapped_column(String(300), default="")
    amount_eur: Mapped[float | None] = mapped_column(Float)
    call_open: Mapped[dt.date | None] = mapped_column(Date)
    call_close: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status_given: Mapped[str] = mapped_column(String(20), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    no_derivatives: Mapped[bool] = mapped_column(Boolean, default=False)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    digital_criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_checked: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FundingProgrammeVersion(Base):
    """The state of a programme before a change (by import, feed or its department)."""

    __tablename__ = "funding_programme_version"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("funding_programme.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FundingFeed(Base):
    """An RSS or Atom feed of funding news, polled by a job; its items become programmes of
    source ``feed:<name>``."""

    __tablename__ = "funding_feed"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(1000))
    level: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str] = mapped_column(String(500), default="")


class FundingMatch(Base):
    """A programme that fits a target (measure, …), as the last re-match computed it; read by
    the deadline alerts, the dashboard and a programme's page."""

    __tablename__ = "funding_match"
    __table_args__ = (UniqueConstraint("target_kind", "target_id", "programme_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(IdType)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("funding_programme.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(IdType, index=True)
    """The lead department of a matched measure (for "your measures" deadline alerts)."""
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
