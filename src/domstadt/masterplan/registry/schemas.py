"""Pydantic shapes of the initiatives registry."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domstadt.core.weburl import WebUrl
from domstadt.masterplan.registry.models import InitiativeStatus, SuggestionStatus


class InitiativeCreate(BaseModel):
    """An initiative to register; only title and description are required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=300)
    description: str = Field(min_length=1, max_length=20_000)
    code: str | None = Field(default=None, max_length=64)
    owner_organisation_id: int | None = None
    owner_name: str = Field(default="", max_length=300)
    contact: str = Field(default="", max_length=300)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    funding: str = Field(default="", max_length=500)
    status: InitiativeStatus = InitiativeStatus.ACTIVE
    website: WebUrl = Field(default="", max_length=500)
    measure_ids: list[int] = Field(default_factory=list, max_length=50)

    @field_validator("code")
    @classmethod
    def _empty_code_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("start_date", "end_date", mode="before")
    @classmethod
    def _german_date(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            day, dot, rest = text.partition(".")
            month, dot2, year = rest.partition(".")
            if dot and dot2 and day.isdecimal() and month.isdecimal() and year.isdecimal():
                return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
            return text
        return value

    @model_validator(mode="after")
    def _period(self) -> InitiativeCreate:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("Das Ende (end_date) liegt vor dem Beginn (start_date).")
        return self


class MeasureRef(BaseModel):
    """A measure an initiative is linked to."""

    id: int
    title: str


class InitiativePublic(BaseModel):
    """An initiative as shown publicly."""

    id: int
    code: str | None
    title: str
    description: str
    owner_organisation_id: int | None
    owner_organisation_name: str | None
    owner_name: str
    contact: str
    start_date: dt.date | None
    end_date: dt.date | None
    funding: str
    status: InitiativeStatus
    website: str
    duplicate_of_id: int | None
    duplicate_of_measure_id: int | None
    measures: list[MeasureRef]
    created_at: dt.datetime
    updated_at: dt.datetime


class InitiativeSummary(BaseModel):
    """An initiative in lists."""

    id: int
    code: str | None
    title: str
    owner: str
    status: InitiativeStatus
    start_date: dt.date | None
    end_date: dt.date | None


class InitiativePage(BaseModel):
    """A page of initiatives (duplicates confirmed by an editor are left out)."""

    total: int
    page: int
    per_page: int
    items: list[InitiativeSummary]


class SimilarItem(BaseModel):
    """One similar existing entry; ``duplicate`` is the platform's own judgement."""

    type: str
    id: int
    title: str
    score: float
    duplicate: bool
    reasons: list[str] = Field(default_factory=list)


class SimilarResult(BaseModel):
    """Similar entries, best first."""

    items: list[SimilarItem]


class SuggestionPublic(BaseModel):
    """A duplicate suggestion in the review queue."""

    id: int
    initiative_id: int
    initiative_title: str
    other_type: str
    other_id: int
    other_title: str
    score: float
    reasons: list[str]
    status: SuggestionStatus
    decided_by: str
    decision_note: str
