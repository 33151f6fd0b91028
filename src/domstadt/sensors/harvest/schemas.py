"""What harvest operations return: sources and run reports."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

ENTITY_SETS = (
    "Things",
    "Locations",
    "Sensors",
    "ObservedProperties",
    "Datastreams",
    "Observations",
)


class Counts(BaseModel):
    """Outcomes for one entity type in one run."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0


class Problem(BaseModel):
    """A refused remote entity (or a note about the run) with its reason."""

    entity: str
    remote_id: str = ""
    reason: str


class RunReport(BaseModel):
    """The report of one harvest run."""

    run_id: int
    source: str
    status: str
    counts: dict[str, Counts] = Field(default_factory=lambda: {s: Counts() for s in ENTITY_SETS})
    problems: list[Problem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    requests: int = 0
    error: str = ""
    started: dt.datetime | None = None
    finished: dt.datetime | None = None


class SourcePublic(BaseModel):
    """A SensorThings harvest source with its last run."""

    id: int
    name: str
    url: str
    filter: str
    department_code: str | None = None
    mirrored: dict[str, int] = Field(default_factory=dict)
    last_run: RunReport | None = None
