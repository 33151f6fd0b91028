"""Pydantic shapes of problem statements, pitches, the pitch event and the jury's results."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from domstadt.core.ids import ID_MAX
from domstadt.core.weburl import WebUrl
from domstadt.participation.challenges.schemas import CriterionIn
from domstadt.participation.events.schemas import LocalTime
from domstadt.participation.pitches.models import PitchStatus
from domstadt.participation.pitches.phases import PitchPhase


class StatementCreate(BaseModel):
    """A new problem statement; the department is given by code."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=300)
    question: str = Field(min_length=3, max_length=10000)
    context: str = Field(default="", max_length=20000)
    department: str = Field(min_length=1, max_length=32)
    deadline: dt.datetime
    review_ends: dt.datetime
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)
    scale_min: int = Field(default=0, ge=0, le=100)
    scale_max: int = Field(default=10, ge=1, le=100)


class StatementUpdate(BaseModel):
    """Changes to a statement: only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=300)
    question: str | None = Field(default=None, min_length=3, max_length=10000)
    context: str | None = Field(default=None, max_length=20000)
    deadline: dt.datetime | None = None
    review_ends: dt.datetime | None = None
    criteria: list[CriterionIn] | None = Field(default=None, min_length=1, max_length=20)
    scale_min: int | None = Field(default=None, ge=0, le=100)
    scale_max: int | None = Field(default=None, ge=1, le=100)


class SlotPublic(BaseModel):
    """A pitch's slot at the pitch event: number, start time and who pitches."""

    slot: int
    starts_at: dt.datetime
    pitch_id: int
    title: str
    organisation_name: str


class StatementSummary(BaseModel):
    """A problem statement in the list."""

    id: int
    title: str
    department: str
    phase: PitchPhase
    deadline: dt.datetime
    pitches: int
    url: str


class StatementPublic(StatementSummary):
    """A problem statement with its context, jury criteria and pitch event."""

    question: str
    context: str
    department_code: str
    review_ends: dt.datetime
    criteria: list[CriterionIn]
    scale_min: int
    scale_max: int
    jurors: list[str]
    event_id: int | None
    event_url: str | None
    pitch_slots: int
    slot_minutes: int
    programme: list[SlotPublic]


class PitchCreate(BaseModel):
    """A pitch of an organisation the person belongs to (the deck comes as a file)."""

    model_config = ConfigDict(extra="forbid")

    organisation_id: int = Field(ge=1, le=ID_MAX)
    title: str = Field(min_length=3, max_length=300)
    summary: str = Field(default="", max_length=20000)
    video_url: WebUrl = Field(default="", max_length=1000)
    team: list[str] = Field(min_length=1, max_length=20)


class PitchUpdate(BaseModel):
    """Changes to one's pitch before the deadline: only the fields given change (a new deck
    comes as a file)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=300)
    summary: str | None = Field(default=None, max_length=20000)
    video_url: WebUrl | None = Field(default=None, max_length=1000)
    team: list[str] | None = Field(default=None, min_length=1, max_length=20)


class PitchPublic(BaseModel):
    """A pitch as the department and the jury see it (deck at ``deck_url``)."""

    id: int
    statement_id: int
    title: str
    summary: str
    organisation_id: int | None
    organisation_name: str
    author_name: str
    video_url: str
    team: list[str]
    deck_filename: str
    deck_size: int
    deck_url: str
    status: PitchStatus
    slot: int | None
    submitted_at: dt.datetime


class PitchEventCreate(BaseModel):
    """The pitch event of a statement: an event of kind ``pitch_event`` with seats and slots.

    Times without an offset are Cologne's local time."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=300)
    starts_at: LocalTime
    ends_at: LocalTime
    place: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=10000)
    capacity: int | None = Field(default=None, ge=1, le=100000)
    pitch_slots: int = Field(ge=1, le=100)
    slot_minutes: int = Field(default=10, ge=1, le=240)


class SlotIn(BaseModel):
    """Invite a pitch to present in a slot (1 … pitch_slots) of the pitch event."""

    model_config = ConfigDict(extra="forbid")

    slot: int = Field(ge=1, le=100)


class PitchDecision(BaseModel):
    """The department's decision on a pitch after the jury review."""

    model_config = ConfigDict(extra="forbid")

    status: PitchStatus


class PitchResultRow(BaseModel):
    """A pitch's place by the weighted jury score."""

    place: int
    pitch_id: int
    title: str
    organisation_name: str
    status: PitchStatus
    jury_score: float | None


class PitchResults(BaseModel):
    """The jury's ranking; scores stay hidden (null) until the review has ended."""

    statement_id: int
    phase: PitchPhase
    jury_visible: bool
    tie_rule: str
    rows: list[PitchResultRow]
