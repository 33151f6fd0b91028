"""Problem statement tables: a department's question with context, deadline and jury
criteria; start-ups' pitches (deck PDF, video link, team); jurors and their scores."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class PitchStatus(enum.StrEnum):
    """submitted → invited (a slot at the pitch event) → selected / not_selected."""

    SUBMITTED = "submitted"
    INVITED = "invited"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"


class ProblemStatement(Base):
    """A question a department puts to start-ups (Fragestellung).

    Pitches are accepted until ``deadline``; the jury scores until ``review_ends``, after
    which the scores are shown. ``event_id`` is the pitch event (an event of kind
    ``pitch_event``) with ``pitch_slots`` slots of ``slot_minutes`` minutes each."""

    __tablename__ = "problem_statement"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    review_ends: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    scale_min: Mapped[int] = mapped_column(Integer, default=0)
    scale_max: Mapped[int] = mapped_column(Integer, default=10)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    pitch_slots: Mapped[int] = mapped_column(Integer, default=0)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=10)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pitch(Base):
    """A start-up's answer: one per organisation and statement, with its deck (a PDF)."""

    __tablename__ = "pitch"
    __table_args__ = (
        UniqueConstraint("statement_id", "organisation_id", name="uq_pitch_organisation"),
        UniqueConstraint("statement_id", "slot", name="uq_pitch_slot"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("problem_statement.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    organisation_name: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(1000), default="")
    team: Mapped[list[str]] = mapped_column(JSON, default=list)
    deck_filename: Mapped[str] = mapped_column(String(200))
    deck_size: Mapped[int] = mapped_column(Integer)
    deck: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[PitchStatus] = mapped_column(
        str_enum(PitchStatus, "pitch_status"), default=PitchStatus.SUBMITTED
    )
    slot: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PitchJuror(Base):
    """A person on a problem statement's jury."""

    __tablename__ = "pitch_juror"
    __table_args__ = (UniqueConstraint("statement_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("problem_statement.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )


class PitchScore(Base):
    """One juror's score of one pitch on one criterion (by position), with a comment."""

    __tablename__ = "pitch_score"
    __table_args__ = (UniqueConstraint("pitch_id", "juror_id", "criterion"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitch.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
