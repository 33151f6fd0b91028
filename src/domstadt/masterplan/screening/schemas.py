"""Pydantic shapes of the AI screening."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domstadt.masterplan.screening.library import CaseMatch
from domstadt.masterplan.screening.models import ReviewStatus
from domstadt.masterplan.screening.proposal import ProposedAnswer
from domstadt.masterplan.screening.rubric import LEVELS, Result, ScreeningInput

TIERS = ("verboten", "hohes Risiko", "begrenztes Risiko", "minimales Risiko")


class Override(BaseModel):
    """What a reviewer changes in the proposal (only the fields given)."""

    model_config = ConfigDict(extra="forbid")

    risk_level: Literal["I", "II", "III", "IV"] | None = None
    ai_act_tier: (
        Literal["verboten", "hohes Risiko", "begrenztes Risiko", "minimales Risiko"] | None
    ) = None
    technique: str | None = Field(default=None, max_length=200)
    recommendation: str | None = Field(default=None, max_length=500)


class Review(BaseModel):
    """Confirm the proposal, or override parts of it with reasons."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "override"]
    override: Override | None = None
    reasons: str = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _reasons_for_override(self) -> Review:
        if self.decision == "override":
            if self.override is None or not self.override.model_dump(exclude_none=True):
                raise ValueError("Eine Übersteuerung braucht mindestens ein geändertes Feld.")
            if len(self.reasons.strip()) < 10:
                raise ValueError("Bitte begründen Sie die Übersteuerung (mindestens 10 Zeichen).")
        return self


class Effective(BaseModel):
    """The verdict in force: the proposal, with the reviewer's overrides applied."""

    risk_level: str
    ai_act_tier: str
    technique: str
    recommendation: str
    overridden: list[str]


class ScreeningPublic(BaseModel):
    """A measure's screening as shown publicly (``screened`` false: none yet)."""

    measure_id: int
    measure_title: str
    screened: bool
    status: ReviewStatus | None
    inputs: ScreeningInput | None
    proposal: Result | None
    effective: Effective | None
    similar_cases: list[CaseMatch]
    reasons: str
    reviewed_by: str
    reviewed_at: dt.datetime | None


class ProposalPublic(BaseModel):
    """The automatic proposal for a measure: answers with their evidence, and the verdict they
    give. It is not a screening: it counts nowhere until an editor confirms or corrects it."""

    measure_id: int
    measure_title: str
    screened: bool
    answers: list[ProposedAnswer]
    unanswered: list[str]
    inputs: ScreeningInput
    result: Result
    note: str


class CoverageRow(BaseModel):
    """Screening coverage of one field of action or department."""

    key: str
    name: str
    measures: int
    screened: int
    reviewed: int
    share: float


class Coverage(BaseModel):
    """How many measures carry a screening, overall, per field of action and per department."""

    measures: int
    screened: int
    reviewed: int
    proposal_only: int = 0
    by_field: list[CoverageRow]
    by_department: list[CoverageRow]


class Headline(BaseModel):
    """A screening's result in one line, for the measure's page and JSON."""

    potential: float
    risk_level: str
    hard_stop: bool
    status: ReviewStatus
    reviewed: bool


__all__ = ["LEVELS", "TIERS", "Coverage", "CoverageRow", "Effective", "Headline", "Override",
           "ProposalPublic", "Review", "ScreeningPublic"]  # fmt: skip
