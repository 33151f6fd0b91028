"""Pydantic shapes of the masterplan: taxonomy, measures (Maßnahmen) and their parts.

Rules that need a German message naming the field (progress 0–100, end before start,
dependency cycles, unknown codes) are checked in the service, not here, so the API, the form
and the CLI all report them the same way.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domstadt.core.names import HumanName
from domstadt.core.weburl import WebUrl


class TaxonUpsert(BaseModel):
    """A field of action or sector to create or update (by slug)."""

    slug: str = Field(pattern=r"^[a-z0-9-]{2,64}$")
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    description: str = ""
    position: int = 0


class TaxonPublic(BaseModel):
    """A field of action or sector as shown publicly."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    name_en: str
    description: str
    position: int


class Taxonomy(BaseModel):
    """All fields of action and sectors."""

    fields_of_action: list[TaxonPublic]
    sectors: list[TaxonPublic]


class Status(enum.StrEnum):
    """The one platform-wide status list of measures."""

    IDEA = "idea"
    PLANNED = "planned"
    IN_PREPARATION = "in_preparation"
    IN_IMPLEMENTATION = "in_implementation"
    IN_OPERATION = "in_operation"
    COMPLETED = "completed"
    PAUSED = "paused"
    UNDER_RESERVATION = "under_reservation"
    DISCONTINUED = "discontinued"


DEFAULT_PROGRESS: dict[Status, int | None] = {
    Status.IDEA: 0,
    Status.PLANNED: 5,
    Status.IN_PREPARATION: 15,
    Status.IN_IMPLEMENTATION: 50,
    Status.IN_OPERATION: 100,
    Status.COMPLETED: 100,
    Status.PAUSED: None,
    Status.UNDER_RESERVATION: 0,
    Status.DISCONTINUED: None,
}
"""Progress a measure gets when its status changes and no progress is given (None: kept)."""


class RolloutStage(enum.StrEnum):
    """Where a measure stands on the way from idea to city-wide use (S6.1)."""

    IDEA = "idea"
    PILOT = "pilot"
    EVALUATED = "evaluated"
    ROLLOUT = "rollout"
    CITY_WIDE = "city_wide"
    STOPPED = "stopped"


STALLABLE_STAGES = (RolloutStage.PILOT, RolloutStage.EVALUATED)
"""Stages in which a measure past its planned end awaits a rollout decision (flagged)."""


class Priority(enum.StrEnum):
    """How urgent a measure is."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class LinkKind(enum.StrEnum):
    """What a link of a measure points to."""

    DATASET = "dataset"
    DATASTREAM = "datastream"
    WEBSITE = "website"


class MilestoneIn(BaseModel):
    """A milestone to store with a measure."""

    title: str = Field(min_length=1, max_length=300)
    planned_date: dt.date | None = None
    actual_date: dt.date | None = None


class KpiValueIn(BaseModel):
    """One measured value of a KPI."""

    date: dt.date
    value: float
    source: str = Field(default="", max_length=500)


class KpiIn(BaseModel):
    """A KPI (Kennzahl) with unit, baseline, target and measured values."""

    name: str = Field(min_length=1, max_length=300)
    unit: str = Field(default="", max_length=60)
    baseline: float | None = None
    target: float | None = None
    values: list[KpiValueIn] = []


class LinkPublic(BaseModel):
    """A stored link of a measure as read back (pages put it through ``safe_href``)."""

    title: str
    url: str
    kind: LinkKind = LinkKind.DATASET


class LinkIn(LinkPublic):
    """A link to a dataset, sensor datastream or web page: an absolute http(s) URL."""

    title: str = Field(min_length=1, max_length=300)
    url: WebUrl = Field(min_length=1, max_length=1000)


class MeasureUpdate(BaseModel):
    """Changes to a measure: only the fields given are changed (lists are replaced whole).

    Departments are given by code (or id), organisations by name (or id), measures (parent,
    requires, blocks) by code, fields of action and sectors by slug.
    """

    model_config = ConfigDict(extra="forbid")

    code: HumanName | None = Field(default=None, min_length=1, max_length=40)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    summary: str | None = None
    description: str | None = None
    goals: str | None = None
    fields: list[str] | None = None
    sectors: list[str] | None = None
    parent: str | None = None
    weight: float | None = None
    lead_department: str | int | None = None
    partner_departments: list[str | int] | None = None
    partner_organisations: list[str | int] | None = None
    contact: str | None = Field(default=None, max_length=300)
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    priority: Priority | None = None
    status: Status | None = None
    progress: int | None = None
    rollout_stage: RolloutStage | None = None
    success_criteria: str | None = None
    milestones: list[MilestoneIn] | None = None
    kpis: list[KpiIn] | None = None
    requires: list[str] | None = None
    blocks: list[str] | None = None
    risks: str | None = None
    council_decision: str | None = Field(default=None, max_length=200)
    location: dict[str, Any] | None = None
    links: list[LinkIn] | None = None


class MeasureCreate(MeasureUpdate):
    """A new measure: code, title and lead department are required."""

    code: HumanName = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    lead_department: str | int


class Ref(BaseModel):
    """A short reference to another record (measure, department, organisation, taxon)."""

    id: int
    code: str
    name: str
    name_en: str | None = None
    """The English name where one exists (fields of action, sectors)."""


class KpiValuePublic(KpiValueIn):
    """A measured KPI value as shown publicly."""


class KpiPublic(BaseModel):
    """A KPI as shown publicly, with its values in date order."""

    name: str
    unit: str
    baseline: float | None
    target: float | None
    values: list[KpiValuePublic]


class MeasureSummary(BaseModel):
    """A measure in lists and feeds."""

    id: int
    code: str
    title: str
    summary: str
    status: Status
    progress: int
    rollout_stage: RolloutStage
    priority: Priority
    lead_department: Ref
    fields: list[Ref]
    planned_end: dt.date | None
    updated_at: dt.datetime
    stalled: bool


class MeasurePublic(MeasureSummary):
    """A measure with everything the public page shows."""

    description: str
    goals: str
    parent: Ref | None
    weight: float
    children: list[MeasureSummary]
    sectors: list[Ref]
    partner_departments: list[Ref]
    partner_organisations: list[Ref]
    contact: str
    planned_start: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    progress_entered: int
    progress_rolled_up: bool
    success_criteria: str
    milestones: list[MilestoneIn]
    kpis: list[KpiPublic]
    requires: list[Ref]
    blocks: list[Ref]
    risks: str
    council_decision: str
    location: dict[str, Any] | None
    links: list[LinkPublic]
    version: int
    created_at: dt.datetime


class MeasurePage(BaseModel):
    """One page of a filtered measure list."""

    total: int
    page: int
    per_page: int
    items: list[MeasureSummary]


class FieldChange(BaseModel):
    """One field of a version: its value before and after."""

    field: str
    before: Any
    after: Any


class MeasureVersionPublic(BaseModel):
    """A stored change of a measure."""

    measure_id: int
    version: int
    at: dt.datetime
    actor_label: str
    changes: list[FieldChange]


class MeasureFilter(BaseModel):
    """Filters of the measure list (all optional, combined with AND)."""

    q: str = ""
    field: str = ""
    sector: str = ""
    department: str = ""
    status: Status | None = None
    rollout_stage: RolloutStage | None = None
    stalled: bool = False
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)
