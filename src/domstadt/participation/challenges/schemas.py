"""Pydantic shapes of challenges, submissions, scores, votes and results."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from domstadt.participation.challenges.models import ChallengeKind, SubmissionStatus
from domstadt.participation.challenges.phases import Phase


class CriterionIn(BaseModel):
    """A jury criterion with its weight (weights need not sum to 1; they are normalised)."""

    name: str = Field(min_length=1, max_length=200)
    weight: float = Field(gt=0, le=100)


class ChallengeCreate(BaseModel):
    """A new challenge; the department is given by code."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=300)
    question: str = Field(min_length=3, max_length=10000)
    kind: ChallengeKind = ChallengeKind.IDEAS
    department: str = Field(min_length=1, max_length=32)
    rules: str = Field(default="", max_length=20000)
    prizes: str = Field(default="", max_length=5000)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)
    scale_min: int = Field(default=0, ge=0, le=100)
    scale_max: int = Field(default=10, ge=1, le=100)
    measure_ids: list[int] = Field(default_factory=list, max_length=50)
    dataset_names: list[str] = Field(default_factory=list, max_length=50)
    submission_opens: dt.datetime
    review_opens: dt.datetime
    vote_opens: dt.datetime
    results_at: dt.datetime
    vote_changeable: bool = False
    exclude_late_accounts: bool = False


class ChallengeSummary(BaseModel):
    """A challenge in the list."""

    id: int
    title: str
    kind: ChallengeKind
    phase: Phase
    department: str
    submission_deadline: dt.datetime
    submissions: int


class ChallengePublic(ChallengeSummary):
    """A challenge with everything but its submissions."""

    question: str
    department_code: str
    rules: str
    prizes: str
    criteria: list[CriterionIn]
    scale_min: int
    scale_max: int
    measure_ids: list[int]
    dataset_names: list[str]
    submission_opens: dt.datetime
    review_opens: dt.datetime
    vote_opens: dt.datetime
    results_at: dt.datetime
    vote_changeable: bool
    exclude_late_accounts: bool
    jurors: list[str]
    tie_rule: str


class SubmissionCreate(BaseModel):
    """A new submission (a draft until submitted)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=300)
    summary: str = Field(default="", max_length=20000)
    organisation_id: int | None = None
    submit: bool = False


class AttachmentPublic(BaseModel):
    """An attachment's metadata (the file itself at ``url``)."""

    id: int
    filename: str
    media_type: str
    size: int
    url: str


class SubmissionSummary(BaseModel):
    """A submission in a challenge's list."""

    id: int
    title: str
    status: SubmissionStatus
    author_name: str
    organisation_name: str


class SimilarItem(BaseModel):
    """An earlier submission or initiative that looks like the new one."""

    kind: str
    id: int
    title: str
    score: float
    url: str


class SubmissionPublic(SubmissionSummary):
    """A submission with its text, attachments and (after winning) its measure."""

    challenge_id: int
    summary: str
    organisation_id: int | None
    submitted_at: dt.datetime | None
    measure_id: int | None
    initiative_id: int | None = None
    attachments: list[AttachmentPublic]
    similar: list[SimilarItem] = Field(default_factory=list)
    hidden: bool = False


class ScoreIn(BaseModel):
    """One criterion's score (criterion by position in the challenge's list)."""

    criterion: int = Field(ge=0, le=100)
    value: int
    comment: str = Field(default="", max_length=5000)


class ScoreSheet(BaseModel):
    """A juror's scores of one submission."""

    model_config = ConfigDict(extra="forbid")

    scores: list[ScoreIn] = Field(min_length=1, max_length=20)


class VoteIn(BaseModel):
    """A public vote for a submission."""

    model_config = ConfigDict(extra="forbid")

    submission_id: int


class VotePublic(BaseModel):
    """A vote as stored."""

    challenge_id: int
    submission_id: int
    created_at: dt.datetime


class ResultRow(BaseModel):
    """A submission's place: jury score (weighted) and public votes side by side."""

    place: int
    submission_id: int
    title: str
    status: SubmissionStatus
    jury_score: float | None
    votes: int
    measure_id: int | None
    initiative_id: int | None = None


class Results(BaseModel):
    """A challenge's ranking; scores and votes are null until their phase has ended."""

    challenge_id: int
    phase: Phase
    jury_visible: bool
    votes_visible: bool
    tie_rule: str
    rows: list[ResultRow]
    total_votes: int | None
    excluded_votes: int | None
    total: int = 0
    """Ranked submissions in all; ``rows`` may be a window of them (places offset + 1 ...)."""
    offset: int = 0


class StatusChange(BaseModel):
    """Set a submission's status (jury's decision, by the owner department's editors)."""

    model_config = ConfigDict(extra="forbid")

    status: SubmissionStatus


class HideRequest(BaseModel):
    """A moderator hides a submission's text with a reason."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500)


class JurorIn(BaseModel):
    """Assign a person (by e-mail) to a challenge's jury."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)


class JurorPublic(BaseModel):
    """A member of a jury as the owner department sees it: who, and how many entries they
    have scored so far (their scores go when they are removed)."""

    user_id: int
    name: str
    scored: int


class JurorRemoved(JurorPublic):
    """A juror taken off a jury: ``scored`` entries they had scored, ``removed_scores``
    score rows (one per entry and criterion) deleted with them."""

    removed_scores: int


class ChallengeUpdate(BaseModel):
    """Changes to a challenge: only the fields given change (the department stays)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=300)
    question: str | None = Field(default=None, min_length=3, max_length=10000)
    rules: str | None = Field(default=None, max_length=20000)
    prizes: str | None = Field(default=None, max_length=5000)
    criteria: list[CriterionIn] | None = Field(default=None, min_length=1, max_length=20)
    scale_min: int | None = Field(default=None, ge=0, le=100)
    scale_max: int | None = Field(default=None, ge=1, le=100)
    measure_ids: list[int] | None = Field(default=None, max_length=50)
    dataset_names: list[str] | None = Field(default=None, max_length=50)
    submission_opens: dt.datetime | None = None
    review_opens: dt.datetime | None = None
    vote_opens: dt.datetime | None = None
    results_at: dt.datetime | None = None
    vote_changeable: bool | None = None
    exclude_late_accounts: bool | None = None


class MeasureFromWinner(BaseModel):
    """Turn a winning submission into a masterplan measure: its code (and field of action)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    fields: list[str] = Field(default_factory=list, max_length=10)


class WinnerMeasure(BaseModel):
    """The measure a winner became."""

    submission_id: int
    measure_id: int
    measure_code: str
    url: str


class InitiativeFromWinner(BaseModel):
    """Turn a winning submission into an initiative of the register (code optional)."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, max_length=64)


class WinnerInitiative(BaseModel):
    """The initiative a winner became."""

    submission_id: int
    initiative_id: int
    url: str
