"""Challenge tables: a challenge with its phases and criteria, submissions with attachments,
jurors and their per-criterion scores, and public votes (one per account and challenge)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class ChallengeKind(enum.StrEnum):
    """Idea competition or hackathon (a hackathon links datasets)."""

    IDEAS = "ideas"
    HACKATHON = "hackathon"


class SubmissionStatus(enum.StrEnum):
    """draft → submitted → shortlisted → finalist → winner / not_selected."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    FINALIST = "finalist"
    WINNER = "winner"
    NOT_SELECTED = "not_selected"


class Challenge(Base):
    """A question a department asks the region, with dated phases.

    Phases: announcement until ``submission_opens``, submission until ``review_opens`` (the
    submission deadline), jury review until ``vote_opens``, public vote until ``results_at``,
    then results. ``criteria`` is a list of ``{"name", "weight"}``; scores lie in
    ``scale_min..scale_max``."""

    __tablename__ = "challenge"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[ChallengeKind] = mapped_column(str_enum(ChallengeKind, "challenge_kind"))
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    rules: Mapped[str] = mapped_column(Text, default="")
    prizes: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    scale_min: Mapped[int] = mapped_column(Integer, default=0)
    scale_max: Mapped[int] = mapped_column(Integer, default=10)
    measure_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    dataset_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    submission_opens: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    review_opens: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    vote_opens: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    results_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    vote_changeable: Mapped[bool] = mapped_column(Boolean, default=False)
    exclude_late_accounts: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Submission(Base):
    """An entry by a signed-in person, optionally for an organisation they belong to."""

    __tablename__ = "challenge_submission"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    organisation_name: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SubmissionStatus] = mapped_column(
        str_enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.DRAFT
    )
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure.id", ondelete="SET NULL"), index=True
    )
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiative.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden_by: Mapped[str] = mapped_column(String(400), default="")


class Attachment(Base):
    """A file of a submission (PDF, PNG, JPEG), its content checked against its name."""

    __tablename__ = "challenge_attachment"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_submission.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Juror(Base):
    """A person assigned to a challenge's jury."""

    __tablename__ = "challenge_juror"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )


class Score(Base):
    """One juror's score of one submission on one criterion (by position), with a comment."""

    __tablename__ = "challenge_score"
    __table_args__ = (UniqueConstraint("submission_id", "juror_id", "criterion"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_submission.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Vote(Base):
    """A public vote; the unique (challenge, user) pair makes a second vote impossible even
    under concurrency."""

    __tablename__ = "challenge_vote"
    __table_args__ = (
        UniqueConstraint("challenge_id", "user_id"),
        Index("ix_challenge_vote_challenge_submission", "challenge_id", "submission_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_submission.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
