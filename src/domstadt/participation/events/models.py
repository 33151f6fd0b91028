"""Event tables: an event with its links to measures and fields of action, and registrations
(confirmed, waiting list, cancelled)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class EventKind(enum.StrEnum):
    """What sort of event it is."""

    MEETUP = "meetup"
    CONGRESS = "congress"
    HACKATHON_DAY = "hackathon_day"
    PITCH_EVENT = "pitch_event"
    LAB_SESSION = "lab_session"
    WORKSHOP = "workshop"
    OTHER = "other"


class EventStatus(enum.StrEnum):
    """Planned events take place; cancelled ones stay listed (and in the feed) as cancelled."""

    PLANNED = "planned"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    """A seat, a place on the waiting list, or a cancelled registration."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


event_measure = Table(
    "event_measure",
    Base.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
)

event_field = Table(
    "event_field",
    Base.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "field_of_action_id",
        ForeignKey("field_of_action.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Event(Base):
    """An event of the city (a department), the IHK or the ecosystem (an organisation).

    Times are stored in UTC and shown in Europe/Berlin. Hidden events (moderation) stay
    stored but are listed nowhere."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    online_url: Mapped[str] = mapped_column(String(1000), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EventStatus] = mapped_column(
        str_enum(EventStatus, "event_status"), default=EventStatus.PLANNED
    )
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden_by: Mapped[str] = mapped_column(String(400), default="")


class EventRegistration(Base):
    """A person's registration; the waiting list is ordered by ``created_at`` then ``id``."""

    __tablename__ = "event_registration"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus, "event_registration_status")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
