"""Lab tables: a session (lab or UX test), its sign-ups, findings and SUS answers."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow
from domstadt.participation.events.models import RegistrationStatus


class LabKind(enum.StrEnum):
    """A real-world lab session or a UX test of a service."""

    LAB = "lab"
    UX_TEST = "ux_test"


class Severity(enum.StrEnum):
    """How badly a finding hurts users (after Nielsen's severity ratings)."""

    COSMETIC = "cosmetic"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class LabSession(Base):
    """One session, owned by a department, tied to a service name and/or a measure.

    ``tasks`` is the ordered list of task texts given to participants; ``cancelled_at`` and
    ``cancel_reason`` when the department called it off."""

    __tablename__ = "lab_session"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[LabKind] = mapped_column(str_enum(LabKind, "lab_kind"))
    service_name: Mapped[str] = mapped_column(String(200), default="", index=True)
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure.id", ondelete="SET NULL"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    tasks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")


class LabSignup(Base):
    """A participant's sign-up: a seat or a place on the waiting list."""

    __tablename__ = "lab_signup"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("lab_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus, "lab_signup_status")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LabFinding(Base):
    """An observation from the session with its severity; moderators may hide it."""

    __tablename__ = "lab_finding"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("lab_session.id", ondelete="CASCADE"), index=True
    )
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, "lab_finding_severity"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")


class SusResponse(Base):
    """One participant's ten SUS answers (1..5) and the score (0..100) they give.

    A signed-in person answers once per session (answering again replaces it); answers
    collected on paper are entered by the session's editors without a person."""

    __tablename__ = "lab_sus_response"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("lab_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    answers: Mapped[list[Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
