"""Tables of the ecosystem directory: people's opt-in profiles with their competences, and
the CPV codes set on measures and organisations (link tables; the organisation and measure
tables themselves are not changed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class EcosystemPerson(Base):
    """A person who chose to appear in the directory (``listed``) with their competences
    (free tags, mapped onto the vocabulary when shown) and, optionally, a Stadtbezirk."""

    __tablename__ = "ecosystem_person"

    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    district: Mapped[str] = mapped_column(String(40), default="")
    headline: Mapped[str] = mapped_column(String(200), default="")
    competences: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CpvAssignment(Base):
    """A CPV code set on a measure or an organisation (``subject_kind``)."""

    __tablename__ = "ecosystem_cpv"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id", "code"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(IdType, index=True)
    code: Mapped[str] = mapped_column(String(10), index=True)
