"""Initiatives registry tables: initiatives, their links to measures, duplicate suggestions."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import domstadt.masterplan.models  # noqa: F401  (defines the "measure" table the links refer to)
from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class InitiativeStatus(enum.StrEnum):
    """Where an initiative stands."""

    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


class SuggestionStatus(enum.StrEnum):
    """A duplicate suggestion waits for review, or was confirmed (merged) or rejected."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Initiative(Base):
    """Initiative: an existing project inside or outside the administration (S6.2)."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    owner_name: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    funding: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[InitiativeStatus] = mapped_column(
        str_enum(InitiativeStatus, "initiative_status"), default=InitiativeStatus.ACTIVE
    )
    website: Mapped[str] = mapped_column(String(500), default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiative.id", ondelete="SET NULL"), index=True
    )
    duplicate_of_measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InitiativeMeasure(Base):
    """An initiative contributes to a measure of the masterplan."""

    __tablename__ = "initiative_measure"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True
    )
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DuplicateSuggestion(Base):
    """The platform thinks ``initiative`` duplicates another initiative or a measure."""

    __tablename__ = "duplicate_suggestion"
    __table_args__ = (UniqueConstraint("initiative_id", "other_kind", "other_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    other_kind: Mapped[str] = mapped_column(String(20))
    other_id: Mapped[int] = mapped_column(IdType)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[Any] = mapped_column(JSON, default=list)
    status: Mapped[SuggestionStatus] = mapped_column(
        str_enum(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.OPEN, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str] = mapped_column(String(400), default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")
