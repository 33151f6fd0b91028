"""What the developer pages, the JSON API and the CLI exchange: apps, keys, usage, status."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from domstadt.core.weburl import WebUrl


class AppCreate(BaseModel):
    """Registering an app: a name, what it does and, optionally, where to find it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    website: WebUrl | None = None


class KeyCreate(BaseModel):
    """A new key of an app; without ``expires_at`` it stays valid until revoked."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    expires_at: dt.datetime | None = None


class KeyPublic(BaseModel):
    """An API key without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class AppPublic(BaseModel):
    """A registered app with its keys (their secrets are never shown again)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    website: str
    plan: str
    owner_id: int
    owner_name: str = ""
    created_at: dt.datetime
    keys: list[KeyPublic] = []


class KeyCreated(BaseModel):
    """A new key; ``key`` is shown this once and never again."""

    key: str
    info: KeyPublic


class UsageRow(BaseModel):
    """Requests of an app on one day to one family of endpoints."""

    model_config = ConfigDict(from_attributes=True)

    day: dt.date
    family: str
    requests: int
    errors: int
    limited: int
    latency_ms_mean: float
    latency_ms_max: float


class ComponentState(BaseModel):
    """One component on the status page: ``ok``, ``degraded``, ``down`` or ``off``."""

    name: str
    state: str
    detail: str = ""


class IncidentPublic(BaseModel):
    """An announced disruption."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    component: str
    title: str
    description: str
    started_at: dt.datetime
    resolved_at: dt.datetime | None


class StatusReport(BaseModel):
    """The public status: overall state, every component and recent incidents."""

    state: str
    checked_at: dt.datetime
    components: list[ComponentState]
    incidents: list[IncidentPublic]
