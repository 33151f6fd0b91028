"""Pydantic shapes of the best-practice library: practices (list, detail), filters, ratings
and their aggregates, similar practices of a measure. Import reports are the funding
radar's (``funding.schemas.ImportReport``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Score = int
Criterion = Literal["impact", "cost", "transferability", "maturity", "open_source"]
StatusCode = Literal["planned", "pilot", "running", "verstetigt", "ended"]


class PracticeSummary(BaseModel):
    """A practice in lists."""

    id: int
    title: str
    city: str
    country: str
    organisation: str
    technology: str
    topics: list[str]
    status: str
    url: str
    source: str


class CriterionAggregate(BaseModel):
    """One criterion's ratings: mean (None when nobody rated it) and how many rated it."""

    criterion: str
    label: str
    mean: float | None
    count: int


class RatingPublic(BaseModel):
    """One reviewer's rating of a practice."""

    reviewer: str
    scores: dict[str, int]
    comment: str
    updated_at: dt.datetime


class PracticePublic(PracticeSummary):
    """A practice with everything its page shows, its ratings and their aggregate."""

    external_id: str
    problem: str
    solution: str
    data_used: str
    cost: str
    duration: str
    outcome: str
    contact: str
    licence: str
    updated_at: dt.datetime
    aggregate: list[CriterionAggregate] = []
    ratings: list[RatingPublic] = []
    reviewers: int = 0


class PracticeList(BaseModel):
    """``count`` matches in all, ``items`` one page of them (title order)."""

    count: int
    items: list[PracticeSummary]


class PracticeFilter(BaseModel):
    """Filters of the practice list, combined with AND: full text, technology (part of the
    technology text), status code, city (part of city or organisation)."""

    q: str = Field(default="", max_length=200)
    technology: str = Field(default="", max_length=100)
    status: StatusCode | None = None
    city: str = Field(default="", max_length=100)
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class RatingInput(BaseModel):
    """A rating: 1–5 for at least one criterion, and an optional comment."""

    scores: dict[Criterion, int] = Field(min_length=1)
    comment: str = Field(default="", max_length=4000)


class SimilarPractice(BaseModel):
    """A practice like a measure: its score (0..1) and the reasons, in German."""

    practice: PracticeSummary
    score: float
    reasons: list[str]


class SimilarList(BaseModel):
    """The practices most like a measure, best first."""

    items: list[SimilarPractice]


class ScreeningCase(BaseModel):
    """A practice as the AI screening's similar-case lookup reads it (the shape of its
    former reference cases)."""

    id: int
    title: str
    description: str
    technique: str
    technique_key: str
    domain: str
    place: str
    country: str
    outcome: str
