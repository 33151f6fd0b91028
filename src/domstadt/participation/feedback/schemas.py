"""Feedback shapes: what a person sends, what the public sees, aggregates and the queue."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, field_validator

from domstadt.participation.feedback.models import ReportReason, Stance


class FeedbackCreate(BaseModel):
    """A comment with rating; ``organisation_id`` to speak for a verified organisation."""

    relevance: int = Field(ge=1, le=5, description="Relevance for business or daily life, 1–5")
    stance: Stance
    comment: str = Field(default="", max_length=4000)
    organisation_id: int | None = None

    @field_validator("comment")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class FeedbackPublic(BaseModel):
    """A visible voice on a measure."""

    id: int
    measure_id: int
    author_name: str
    organisation_id: int | None
    organisation_name: str
    voice: str = Field(description="'company' (for an organisation) or 'citizen' (personal)")
    relevance: int
    stance: Stance
    comment: str
    created_at: dt.datetime
    updated_at: dt.datetime


class VoiceAggregate(BaseModel):
    """Counts, mean relevance and stance mix of one group of voices."""

    count: int = 0
    mean_relevance: float | None = None
    stance: dict[Stance, int] = Field(default_factory=lambda: {s: 0 for s in Stance})


class FeedbackAggregate(BaseModel):
    """All voices and the split into companies (organisations) and citizens (personal)."""

    all: VoiceAggregate = Field(default_factory=VoiceAggregate)
    companies: VoiceAggregate = Field(default_factory=VoiceAggregate)
    citizens: VoiceAggregate = Field(default_factory=VoiceAggregate)


class MeasureFeedback(BaseModel):
    """A measure's visible feedback, newest first, with its aggregate."""

    measure_id: int
    aggregate: FeedbackAggregate
    items: list[FeedbackPublic]


class FieldFeedback(BaseModel):
    """The aggregate of the feedback on all measures of one field of action."""

    field: str
    name: str
    measures: int
    aggregate: FeedbackAggregate


class FeedbackSummary(BaseModel):
    """Aggregates per field of action (one field when filtered) and over all of them."""

    total: FeedbackAggregate
    fields: list[FieldFeedback]


class ReportCreate(BaseModel):
    """Ask the moderators to look at a comment."""

    reason: ReportReason
    note: str = Field(default="", max_length=1000)


class HideRequest(BaseModel):
    """Hide a comment; the reason is kept in the audit log."""

    reason: str = Field(min_length=3, max_length=500)


class ReportPublic(BaseModel):
    """One report as moderators see it."""

    reason: ReportReason
    note: str
    created_at: dt.datetime


class QueueItem(BaseModel):
    """A reported, still visible comment with its open reports."""

    feedback: FeedbackPublic
    measure_code: str
    measure_title: str
    reports: list[ReportPublic]


class OrganisationChoice(BaseModel):
    """An organisation a person may speak for (verified ones only)."""

    id: int
    name: str


class OrganisationVoice(BaseModel):
    """A visible voice an organisation gave, with the measure it is about."""

    feedback: FeedbackPublic
    measure_code: str
    measure_title: str
