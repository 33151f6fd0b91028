"""Screening table: one AI-feasibility screening per measure, with the reviewer's decision."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import domstadt.masterplan.models  # noqa: F401  (defines the "measure" table referred to)
from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class ReviewStatus(enum.StrEnum):
    """The system proposed; a reviewer confirmed or overrode the proposal."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    OVERRIDDEN = "overridden"


class Screening(Base):
    """KI-Prüfung (AI-feasibility screening) of a measure: answers, proposal, review."""

    __tablename__ = "measure_screening"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), unique=True
    )
    inputs: Mapped[Any] = mapped_column(JSON)
    proposal: Mapped[Any] = mapped_column(JSON)
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus, "review_status"), default=ReviewStatus.PROPOSED
    )
    override: Mapped[Any] = mapped_column(JSON, nullable=True)
    reasons: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(400), default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
