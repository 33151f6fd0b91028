"""Pydantic shapes of events: what an organiser sends, what the public sees."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

from domstadt.core.ids import ID_MAX
from domstadt.core.weburl import WebUrl
from domstadt.participation.events.models import EventKind, EventStatus, RegistrationStatus

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Events and lab sessions lie between these years (and so do the filters' dates)."""
YEARS_MESSAGE = f"Bitte ein Datum zwischen {FIRST_YEAR} und {LAST_YEAR} angeben."


def _in_berlin(value: dt.datetime) -> dt.datetime:
    """A time without offset is Cologne's local time; every time is kept in UTC."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(YEARS_MESSAGE)
    if value.tzinfo is None:
        value = value.replace(tzinfo=BERLIN)
    return value.astimezone(dt.UTC)


LocalTime = Annotated[dt.datetime, AfterValidator(_in_berlin)]


class EventCreate(BaseModel):
    """A new event; the organiser is a department (code) or an organisation (id), not both."""

    title: str = Field(min_length=1, max_length=300)
    kind: EventKind
    department_code: str | None = Field(default=None, max_length=32)
    organisation_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    starts_at: LocalTime
    ends_at: LocalTime
    place: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=500)
    online_url: WebUrl = Field(default="", max_length=1000)
    description: str = Field(default="", max_length=10000)
    capacity: int | None = Field(default=None, ge=1, le=100000)
    measure_ids: list[int] = Field(default_factory=list, max_length=50)
    fields: list[str] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _rules(self) -> EventCreate:
        if self.ends_at < self.starts_at:
            raise ValueError("Das Ende darf nicht vor dem Beginn liegen.")
        if (self.department_code is None) == (self.organisation_id is None):
            raise ValueError(
                "Bitte genau einen Veranstalter angeben: ein Amt (department_code) "
                "oder eine Organisation (organisation_id)."
            )
        return self


class EventUpdate(BaseModel):
    """A change of an event's title, time or place (only the fields sent change); followers
    of the event are told (issue 10)."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
    place: str | None = Field(default=None, max_length=300)
    address: str | None = Field(default=None, max_length=500)
    online_url: WebUrl | None = Field(default=None, max_length=1000)


class Ref(BaseModel):
    """A linked entity by id (or slug) and name."""

    id: int
    name: str
    slug: str = ""


class Organiser(BaseModel):
    """Who runs the event: ``department`` (the city) or ``organisation``."""

    type: str
    id: int
    name: str


class EventPublic(BaseModel):
    """An event as everyone sees it; times in UTC (ISO 8601), shown in Europe/Berlin."""

    id: int
    title: str
    kind: EventKind
    organiser: Organiser | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    address: str
    online_url: str
    description: str
    status: EventStatus
    capacity: int | None
    registered: int
    waiting: int
    measures: list[Ref]
    fields: list[Ref]
    url: str


class EventPage(BaseModel):
    """A filtered list of events, soonest first."""

    total: int
    items: list[EventPublic]


class RegistrationPublic(BaseModel):
    """One's own registration: a seat, or the place on the waiting list (1 = next)."""

    event_id: int
    status: RegistrationStatus
    waiting_position: int | None = None


class HideRequest(BaseModel):
    """A moderator's reason for hiding."""

    reason: str = Field(min_length=3, max_length=500)
