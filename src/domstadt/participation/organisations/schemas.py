"""Pydantic shapes of organisations as the API, views and CLI see them."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, Field, field_validator

from domstadt.core.auth.models import MembershipState, OrganisationKind
from domstadt.core.auth.schemas import OrganisationPublic
from domstadt.core.names import HumanName, normalise_competences
from domstadt.core.weburl import WebUrl

#: The nine Stadtbezirke (city districts) of Köln.
DISTRICTS = (
    "Innenstadt",
    "Rodenkirchen",
    "Lindenthal",
    "Ehrenfeld",
    "Nippes",
    "Chorweiler",
    "Porz",
    "Kalk",
    "Mülheim",
)
_REGISTER = re.compile(r"^(HRA|HRB|GnR|PR|VR)\s*(\d{1,6})(\s*[A-Z]{1,2})?$", re.IGNORECASE)
_REGISTER_COURTS = {"hra": "HRA", "hrb": "HRB", "gnr": "GnR", "pr": "PR", "vr": "VR"}


def normalise_register_number(value: str) -> str:
    """``hrb12345`` → ``HRB 12345``; empty stays empty; anything else is refused."""
    value = " ".join(value.split())
    if not value:
        return ""
    match = _REGISTER.match(value)
    if match is None:
        raise ValueError(
            "Die Registernummer hat nicht die Form 'HRB 12345' (Registerart HRA, HRB, GnR, PR "
            "oder VR, dann die Nummer)."
        )
    suffix = (match.group(3) or "").strip().upper()
    number = f"{_REGISTER_COURTS[match.group(1).lower()]} {match.group(2)}"
    return f"{number} {suffix}" if suffix else number


class OrganisationRegister(BaseModel):
    """A new organisation; it starts unverified and the registrant becomes its admin."""

    name: HumanName = Field(min_length=2, max_length=300)
    kind: OrganisationKind
    register_number: str = Field(default="", max_length=40)
    website: WebUrl = Field(default="", max_length=500)
    district: str = Field(default="", max_length=40)
    city: str = Field(default="", max_length=200)
    competences: list[str] = Field(default_factory=list, max_length=100)
    description: str = Field(default="", max_length=5000)

    @field_validator("register_number")
    @classmethod
    def _register(cls, value: str) -> str:
        return normalise_register_number(value)

    @field_validator("district")
    @classmethod
    def _district(cls, value: str) -> str:
        value = value.strip()
        if value and value not in DISTRICTS:
            raise ValueError(
                "Bitte wählen Sie einen der neun Kölner Stadtbezirke: " + ", ".join(DISTRICTS)
            )
        return value

    @field_validator("competences")
    @classmethod
    def _competences(cls, value: list[str]) -> list[str]:
        return normalise_competences(value)


class JoinRequest(BaseModel):
    """A person asks to join; ``listed_publicly``: show my name on the organisation's page."""

    listed_publicly: bool = False


class JoinDecision(BaseModel):
    """An organisation admin's answer to a join request."""

    accept: bool


class Verification(BaseModel):
    """A moderator's verification of an organisation, with the reason (audited, shown)."""

    reason: str = Field(min_length=10, max_length=2000)

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        value = value.strip()
        if len(value) < 10:
            raise ValueError("Bitte begründen Sie die Verifizierung (mindestens 10 Zeichen).")
        return value


class MemberPublic(BaseModel):
    """A member as shown publicly: the name only, never the e-mail address."""

    name: str
    is_admin: bool


class MembershipRequestPublic(BaseModel):
    """A pending join request as the organisation's admins see it."""

    user_id: int
    name: str
    requested_at: dt.datetime
    listed_publicly: bool


class MyMembership(BaseModel):
    """The signed-in person's own relation to an organisation."""

    state: MembershipState
    is_admin: bool
    listed_publicly: bool


class Contribution(BaseModel):
    """Something an organisation contributed (feedback, and later submissions and events)."""

    kind: str
    title: str
    url: str
    date: dt.datetime | None = None


class OrganisationDetail(BaseModel):
    """An organisation's page: the organisation, its opted-in members, its contributions."""

    organisation: OrganisationPublic
    verification_reason: str = ""
    members: list[MemberPublic]
    contributions: list[Contribution]


class OrganisationFilter(BaseModel):
    """Filters of the organisation list."""

    kind: OrganisationKind | None = None
    district: str | None = None
    verified: bool | None = None
