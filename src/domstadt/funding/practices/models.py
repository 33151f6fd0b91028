"""Best-practice tables: practices (with source, external id and content hash) and ratings
(one per reviewer and practice, by named criteria)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class Practice(Base):
    """One solution of another city (or region), identified by ``source`` + ``external_id``;
    ``content_hash`` covers every imported field, so a re-import of the same row changes
    nothing."""

    __tablename__ = "practice"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    external_id: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    city: Mapped[str] = mapped_column(String(200), default="", index=True)
    country: Mapped[str] = mapped_column(String(100), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    technology: Mapped[str] = mapped_column(String(300), default="", index=True)
    topics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    data_used: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str] = mapped_column(String(300), default="")
    duration: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="", index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PracticeRating(Base):
    """A reviewer's rating of a practice: 1–5 per criterion (``scores``: criterion → score,
    criteria left out are not rated) and a comment; changed in place."""

    __tablename__ = "practice_rating"
    __table_args__ = (UniqueConstraint("practice_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
