"""Pydantic shapes of lab sessions, findings, SUS answers and the per-service SUS summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domstadt.core.ids import ID_MAX
from domstadt.participation.events.models import RegistrationStatus
from domstadt.participation.events.schemas import LocalTime, Ref
from domstadt.participation.labs.models import LabKind, Severity


def _clean_tasks(value: list[str]) -> list[str]:
    tasks = [t.strip() for t in value if t.strip()]
    if any(len(t) > 1000 for t in tasks):
        raise ValueError("Eine Aufgabe darf höchstens 1000 Zeichen lang sein.")
    return tasks


class LabSessionCreate(BaseModel):
    """A new session of a department, tied to a service name and/or a measure."""

    title: str = Field(min_length=1, max_length=300)
    kind: LabKind = LabKind.UX_TEST
    department_code: str = Field(min_length=1, max_length=32)
    service_name: str = Field(default="", max_length=200)
    measure_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    starts_at: LocalTime
    place: str = Field(default="", max_length=300)
    capacity: int | None = Field(default=None, ge=1, le=10000)
    description: str = Field(default="", max_length=10000)
    tasks: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("tasks")
    @classmethod
    def _tasks(cls, value: list[str]) -> list[str]:
        return _clean_tasks(value)


class LabSessionUpdate(BaseModel):
    """Changes to a session: only the fields given change (the department stays);
    ``capacity`` null means no limit, ``measure_id`` null unlinks the measure."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    kind: LabKind | None = None
    service_name: str | None = Field(default=None, max_length=200)
    measure_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    starts_at: LocalTime | None = None
    place: str | None = Field(default=None, max_length=300)
    capacity: int | None = Field(default=None, ge=1, le=10000)
    description: str | None = Field(default=None, max_length=10000)
    tasks: list[str] | None = Field(default=None, max_length=50)

    @field_validator("tasks")
    @classmethod
    def _tasks(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_tasks(value)


class FindingCreate(BaseModel):
    """An observation with its severity."""

    severity: Severity
    text: str = Field(min_length=1, max_length=4000)


class FindingPublic(BaseModel):
    """A visible finding."""

    id: int
    severity: Severity
    text: str
    created_at: dt.datetime


class SusAnswers(BaseModel):
    """Ten answers 1..5, in the order of the items. Checked by the service (``sus.py``) so the
    error names the rule."""

    answers: Any = None


class SusResult(BaseModel):
    """The score (0..100) of one questionnaire."""

    id: int
    session_id: int
    score: float


class SusSummary(BaseModel):
    """Mean SUS score with its 95 % confidence interval (t distribution) over ``count``
    answers; the bounds are null below two answers."""

    count: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None


class LabCancel(BaseModel):
    """Calling a session off: the reason shown to everyone (and told to followers)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500)


class LabSessionPublic(BaseModel):
    """A lab session as everyone sees it."""

    id: int
    title: str
    kind: LabKind
    service_name: str
    measure: Ref | None
    department: Ref | None
    starts_at: dt.datetime
    place: str
    capacity: int | None
    registered: int
    waiting: int
    description: str
    tasks: list[str]
    findings: list[FindingPublic]
    sus: SusSummary
    url: str
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = ""


class TrendPoint(BaseModel):
    """One session's SUS result in a service's trend."""

    session_id: int
    title: str
    starts_at: dt.datetime
    sus: SusSummary


class ServiceSus(BaseModel):
    """A service's SUS over all its sessions: the pooled mean with CI and the trend."""

    service_name: str
    sus: SusSummary
    trend: list[TrendPoint]


class LabOverview(BaseModel):
    """The sessions (soonest first) and SUS per service."""

    items: list[LabSessionPublic]
    services: list[ServiceSus]


class SignupPublic(BaseModel):
    """One's sign-up: a seat or a waiting-list place."""

    session_id: int
    status: RegistrationStatus
    waiting_position: int | None = None
