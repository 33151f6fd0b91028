"""Feedback tables: a comment with rating on a measure, and reports of comments to moderators."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class Stance(enum.StrEnum):
    """What the speaker thinks of the measure."""

    SUPPORT = "support"
    NEUTRAL = "neutral"
    CONCERN = "concern"


class ReportReason(enum.StrEnum):
    """Why someone reports a comment to the moderators."""

    SPAM = "spam"
    ABUSE = "abuse"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    MISINFORMATION = "misinformation"
    OTHER = "other"


class Feedback(Base):
    """One voice on a measure: a person's own, or a person speaking for their organisation.

    Each person has at most one personal voice and one per organisation per measure; sending
    again replaces it. Hidden feedback stays stored (and in the audit log) but is not shown.
    """

    __tablename__ = "measure_feedback"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    organisation_name: Mapped[str] = mapped_column(String(300), default="")
    relevance: Mapped[int] = mapped_column(Integer)
    stance: Mapped[Stance] = mapped_column(str_enum(Stance, "feedback_stance"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden_by: Mapped[str] = mapped_column(String(400), default="")


class FeedbackReport(Base):
    """Someone (anyone, also anonymous) asks the moderators to look at a comment."""

    __tablename__ = "measure_feedback_report"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("measure_feedback.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason, "feedback_report_reason"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(String(16), default="")
