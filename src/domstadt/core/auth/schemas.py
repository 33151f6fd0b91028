"""Pydantic shapes of accounts as the API, views and CLI see them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from domstadt.core.auth.models import DepartmentKind, OrganisationKind, Role
from domstadt.core.auth.passwords import MIN_PASSWORD_LENGTH
from domstadt.core.errors import Invalid
from domstadt.core.names import HumanName
from domstadt.core.weburl import WebUrl


class UserCreate(BaseModel):
    """A new account."""

    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.MEMBER
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    department_code: str | None = None

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Der Name darf nicht leer sein.")
        return value


def check_password(password: str, *, field: str) -> None:
    """Raise Invalid (naming ``field``) for a password that is too weak."""
    from domstadt.core.errors import Invalid

    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"Das Passwort braucht mindestens {MIN_PASSWORD_LENGTH} Zeichen.", field=field
        )
    if len(set(password)) < 5:
        raise Invalid("Das Passwort ist zu einfach (zu wenige verschiedene Zeichen).", field=field)


class SignupRequest(BaseModel):
    """Self-service sign-up: address, name and a password of at least 12 characters."""

    email: str = Field(max_length=320, examples=["ada@example.org"])
    name: str = Field(max_length=200)
    password: str = Field(max_length=1024)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        from email_validator import EmailNotValidError, validate_email

        try:
            return validate_email(value.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise ValueError("Keine gültige E-Mail-Adresse (z. B. name@example.org).") from None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("Bitte geben Sie Ihren Namen an.")
        return value

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        from domstadt.core.errors import Invalid

        try:
            check_password(value, field="password")
        except Invalid as exc:
            raise ValueError(exc.message) from None
        return value


class ProfileUpdate(BaseModel):
    """What a person may change of their own profile."""

    name: str = Field(max_length=200)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("Bitte geben Sie Ihren Namen an.")
        return value


class OrganisationRef(BaseModel):
    """An organisation a person speaks for."""

    id: int
    name: str
    verified: bool
    is_admin: bool


class UserPublic(BaseModel):
    """A person as shown to themselves and to admins."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: Role
    department_id: int | None
    department_name: str | None = None
    is_active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    organisations: list[OrganisationRef] = []


class TokenPublic(BaseModel):
    """An API token without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None = None


class CredentialStanding(BaseModel):
    """Whether a presented token or app key may be used: its id, revocation and expiry."""

    id: int
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None
    plan: str = ""
    """The app's plan (app keys only)."""

    def problem(self, now: dt.datetime) -> str:
        """``revoked``, ``expired`` or ``""`` (usable)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return ""


def checked_expiry(expires_at: dt.datetime | None) -> dt.datetime | None:
    """A requested expiry of a token or key (naive: UTC), refused when it has passed."""
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=dt.UTC)
    if expires_at <= dt.datetime.now(dt.UTC):
        raise Invalid("Das Ablaufdatum muss in der Zukunft liegen.", field="expires_at")
    return expires_at


def expiry_from_form(text: str) -> dt.datetime | None:
    """The expiry of a form's date field (``YYYY-MM-DD``, valid through that day in Cologne's
    time zone); empty: none."""
    text = text.strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"{text!r} ist kein Datum; bitte im Format JJJJ-MM-TT angeben.", field="expires_at"
        ) from None
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=ZoneInfo("Europe/Berlin"))
    return checked_expiry(end.astimezone(dt.UTC))


class TokenCreated(BaseModel):
    """A new token; ``token`` is shown this once and never again."""

    token: str
    info: TokenPublic


class SignInSessionPublic(BaseModel):
    """A live browser sign-in as its owner sees it (never its key)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    user_agent: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    current: bool = False


class SignedIn(BaseModel):
    """A successful sign-in: the person and the key of the new session (for the cookie only)."""

    user: UserPublic
    session_key: str


class DepartmentCreate(BaseModel):
    """A new Dezernat, Amt or Stabsstelle."""

    code: HumanName = Field(min_length=1, max_length=32)
    name: HumanName = Field(min_length=1, max_length=300)
    kind: DepartmentKind
    parent_code: str | None = None
    description: str = ""


class DepartmentUpdate(BaseModel):
    """A change of a department: only the fields given change; ``parent_code`` "" moves it to
    the top level. The code stays (datasets' and measures' addresses name it)."""

    name: HumanName | None = Field(default=None, min_length=1, max_length=300)
    kind: DepartmentKind | None = None
    parent_code: str | None = None
    description: str | None = Field(default=None, max_length=10_000)


class DepartmentPublic(BaseModel):
    """A unit of the city administration."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: DepartmentKind
    parent_id: int | None
    description: str


class DepartmentNode(DepartmentPublic):
    """A department with its sub-units, for the tree view."""

    children: list[DepartmentNode] = []


class OrganisationCreate(BaseModel):
    """A new organisation; it starts unverified. The name is stored normalised (``core.names``),
    the website must be an http(s) address."""

    name: HumanName = Field(min_length=2, max_length=300)
    kind: OrganisationKind
    website: WebUrl = Field(default="", max_length=500)
    city: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5000)


class OrganisationPublic(BaseModel):
    """An organisation as shown publicly."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: OrganisationKind
    verified: bool
    website: str
    city: str
    description: str
    member_count: int = 0
    register_number: str = ""
    district: str = ""
    competences: list[str] | None = None
    verified_at: dt.datetime | None = None
