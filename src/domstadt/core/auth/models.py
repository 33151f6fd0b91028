"""Accounts: people (User), organisations, the city's departments (Dezernate and Ämter), tokens."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow
from domstadt.core.names import name_key, normalise_name


class Role(enum.StrEnum):
    """Platform roles; an editor's rights are scoped to a department and its sub-units."""

    ADMIN = "admin"
    EDITOR = "editor"
    MODERATOR = "moderator"
    MEMBER = "member"


class OrganisationKind(enum.StrEnum):
    """Kinds of organisation that take part (S1.1)."""

    COMPANY = "company"
    STARTUP = "startup"
    ASSOCIATION = "association"
    RESEARCH = "research"
    PUBLIC_BODY = "public_body"


class MembershipState(enum.StrEnum):
    """A person asked to join an organisation (requested) or its admins took them in."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"


class DepartmentKind(enum.StrEnum):
    """Levels of the city administration: Dezernat (division) > Amt (office); Stabsstelle."""

    DEZERNAT = "dezernat"
    AMT = "amt"
    STABSSTELLE = "stabsstelle"


class Department(Base):
    """A unit of the city administration (Dezernat or Amt); units form a tree."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[DepartmentKind] = mapped_column(str_enum(DepartmentKind, "department_kind"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Department | None] = relationship(remote_side=[id])


class Organisation(Base):
    """A company, start-up, association, research institute or public body.

    ``name`` is stored normalised and ``name_key`` (case-folded, see ``core.names``) is unique,
    so names differing only in spaces, invisible characters or case are one organisation."""

    __tablename__ = "organisation"
    __table_args__ = (Index("uq_organisation_name_key", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    name_key: Mapped[str] = mapped_column(String(300), server_default="")
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind, "organisation_kind"))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    website: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    register_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    district: Mapped[str] = mapped_column(String(40), default="", server_default="", index=True)
    competences: Mapped[Any] = mapped_column(JSON, default=list)
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verification_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("name")
    def _normalise(self, _key: str, value: str) -> str:
        """Every write of the name stores its normal form and refreshes the unique key."""
        name = normalise_name(value)
        self.name_key = name_key(name)
        return name


class User(Base):
    """A person with an account; e-mail is stored lower-case and unique."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"), default=Role.MEMBER)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    email_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    """Set when the owner followed the confirmation link (double opt-in); accounts made by
    operators count as confirmed. Sign-in is refused while it is empty."""

    department: Mapped[Department | None] = relationship()


class Membership(Base):
    """A person speaks for an organisation (member or organisation admin) once ``accepted``;
    a ``requested`` membership grants nothing. ``listed_publicly``: the person opted in to
    appear by name on the organisation's page."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[MembershipState] = mapped_column(
        str_enum(MembershipState, "membership_state"),
        default=MembershipState.ACCEPTED,
        server_default=MembershipState.ACCEPTED.value,
    )
    listed_publicly: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A named API token; only its SHA-256 hash is stored, the prefix tells tokens apart."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    """After this moment the token no longer authenticates (None: never expires)."""

    user: Mapped[User] = relationship()


class SignInSession(Base):
    """A browser sign-in: the session cookie names it, every request checks it is still live.

    Only the SHA-256 of the cookie's random key is stored. Ended by signing out, by the owner
    on the account page, or by a password change; idle sessions expire after
    ``DOMSTADT_SESSION_MAX_AGE_SECONDS``."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LoginThrottle(Base):
    """Failed sign-in counter per key (account, account and client address, or client address)
    for brute-force protection; see ``core.auth.throttle``."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class TokenPurpose(enum.StrEnum):
    """What a one-time mail link does."""

    CONFIRM = "confirm"
    RESET = "reset"


class AccountToken(Base):
    """A single-use link sent by mail (confirm the address, reset the password); only the
    SHA-256 of the random token is stored."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, "account_token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
