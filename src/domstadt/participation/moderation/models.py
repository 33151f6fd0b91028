"""Moderation tables: reports of any kind of user text, and moderators' hide decisions."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class ReportReason(enum.StrEnum):
    """Why someone reports a text to the moderators (a fixed list)."""

    SPAM = "spam"
    ABUSE = "abuse"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    MISINFORMATION = "misinformation"
    ILLEGAL = "illegal"
    OTHER = "other"


class ContentReport(Base):
    """Someone (anyone, also anonymous) asks the moderators to look at one item.

    ``open_key`` is the reporter's client key while the report is open and NULL once it is
    resolved; the unique constraint on (kind, item, open_key) makes a second report of the
    same item by the same client impossible, even from concurrent requests."""

    __tablename__ = "content_report"
    __table_args__ = (
        UniqueConstraint("kind", "item_id", "open_key", name="uq_content_report_open"),
        Index("ix_content_report_item", "kind", "item_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int] = mapped_column(IdType)
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason, "content_report_reason"))
    comment: Mapped[str] = mapped_column(String(1000), default="")
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    open_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(String(16), default="")


class ContentHidden(Base):
    """A moderator's decision to hide one item, with the reason shown to its author.

    Kinds with their own hidden columns (feedback, submissions, events) are also flagged
    there; kinds without (organisation texts) are hidden by this row alone."""

    __tablename__ = "content_hidden"
    __table_args__ = (UniqueConstraint("kind", "item_id", name="uq_content_hidden_item"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int] = mapped_column(IdType)
    reason: Mapped[str] = mapped_column(String(500))
    hidden_by: Mapped[str] = mapped_column(String(400), default="")
    hidden_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
