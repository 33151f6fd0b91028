"""Pydantic shapes of the funding radar: programmes (list, detail, city programme edits),
import reports and matches."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["eu", "bund", "land", "kommune", "privat"]
Status = Literal["open", "rolling", "upcoming", "closed"]


class ProgrammeSummary(BaseModel):
    """A programme in lists; ``status`` is today's (a passed deadline closes the call)."""

    id: int
    title: str
    provider: str
    level: str
    funding_type: str
    status: str
    call_open: dt.date | None
    call_close: dt.date | None
    url: str
    region: str
    topics: list[str]
    applicants: list[str]
    amount: str
    source: str
    last_checked: dt.datetime


class ProgrammeVersionPublic(BaseModel):
    """A change of a programme: when, by whom (import source or editor) and what."""

    version: int
    changed_at: dt.datetime
    changed_by: str
    changes: dict[str, dict[str, object]]


class ProgrammePublic(ProgrammeSummary):
    """A programme with everything its page shows. ``no_derivatives``: the texts are shown
    unaltered with ``attribution`` (CC BY-ND)."""

    external_id: str
    description: str
    amount_eur: float | None
    licence: str
    attribution: str
    no_derivatives: bool
    department_id: int | None
    digital_criteria: list[str]
    version: int
    history: list[ProgrammeVersionPublic] = []


class ProgrammeList(BaseModel):
    """``count`` matches in all, ``items`` one page of them (soonest deadline first)."""

    count: int
    items: list[ProgrammeSummary]


class ProgrammeFilter(BaseModel):
    """Filters of the programme list, combined with AND."""

    q: str = Field(default="", max_length=200)
    level: Level | None = None
    status: Status | None = None
    topic: str = Field(default="", max_length=100)
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class CityProgrammeCreate(BaseModel):
    """A programme of the city (S3.3), owned by a department that edits it."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    department_code: str = Field(min_length=1, max_length=50)
    description: str = Field(default="", max_length=20_000)
    funding_type: Literal["grant", "loan", "prize", "guarantee", "equity", "advice", "other"] = (
        "grant"
    )
    applicants: list[str] = Field(default_factory=list, max_length=20)
    topics: list[str] = Field(default_factory=list, max_length=60)
    amount: str = Field(default="", max_length=300)
    call_open: dt.date | None = None
    call_close: dt.date | None = None
    url: str = Field(default="", max_length=1000)
    digital_criteria: list[str] = Field(default_factory=list, max_length=30)


class DigitalCriteriaUpdate(BaseModel):
    """The digital criteria tags of a city programme (replaced as a whole)."""

    model_config = ConfigDict(extra="forbid")

    digital_criteria: list[str] = Field(max_length=30)


OutcomeKind = Literal["added", "changed", "unchanged", "refused"]
"""What happened to one row of an import."""


class RowOutcome(BaseModel):
    """What happened to one row: ``added``, ``changed``, ``unchanged`` or ``refused``."""

    row: int
    outcome: OutcomeKind
    external_id: str = ""
    title: str = ""
    reason: str = ""


class ImportReport(BaseModel):
    """Counts and per-row outcomes of an import (``dry_run``: nothing was written)."""

    source: str
    how: str
    dry_run: bool
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: int = 0
    unused_columns: list[str] = []
    rows: list[RowOutcome] = []

    def record(
        self, row: int, outcome: OutcomeKind, title: str, external_id: str = "", reason: str = ""
    ) -> None:
        """Add one row's outcome and count it."""
        self.rows.append(
            RowOutcome(
                row=row, outcome=outcome, external_id=external_id, title=title, reason=reason
            )
        )
        setattr(self, outcome, getattr(self, outcome) + 1)


class MatchPublic(BaseModel):
    """One fitting programme, its score (0..1) and why it fits."""

    programme: ProgrammeSummary
    score: float
    reasons: list[str]


class MatchList(BaseModel):
    """Fitting programmes, best first."""

    items: list[MatchPublic]


class MeasureFit(BaseModel):
    """A measure a programme fits."""

    id: int
    code: str
    title: str
    score: float
    reasons: list[str]


class FeedCreate(BaseModel):
    """An RSS/Atom feed of funding news to poll."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    url: str = Field(min_length=1, max_length=1000)
    level: Level
    provider: str = Field(default="", max_length=300)


class FeedPublic(BaseModel):
    """A feed and how its last poll went."""

    id: int
    name: str
    url: str
    level: str
    provider: str
    last_polled_at: dt.datetime | None
    last_result: str


class CountItem(BaseModel):
    """A value (level code or topic) and how many open programmes have it."""

    key: str
    count: int


class MeasureRef(BaseModel):
    """A measure named on the dashboard."""

    id: int
    code: str
    title: str


class FundingDashboard(BaseModel):
    """Open (not closed) programmes by level and topic, the deadlines of this quarter and the
    measures no open programme fits."""

    open_total: int
    by_level: list[CountItem]
    by_topic: list[CountItem]
    quarter_end: dt.date
    deadlines_this_quarter: list[ProgrammeSummary]
    deadlines_this_quarter_total: int
    measures_without_programme: list[MeasureRef]
    measures_total: int
