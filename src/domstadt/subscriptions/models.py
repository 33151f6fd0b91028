"""Subscription tables: who follows which measure, field, challenge, event or organisation,
and each webhook delivery."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, str_enum, utcnow


class Channel(enum.StrEnum):
    """How changes reach the subscriber."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(enum.StrEnum):
    """State of one webhook delivery."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Subscription(Base):
    """Follow a target: ``target_kind`` + ``target_id`` name it for every kind. Measures and
    fields of action also keep their foreign keys (``measure_id``, ``field_id``); the other
    kinds (see ``followables``) are removed with their target by database triggers
    (migration 0024), so a deleted target takes its subscriptions along either way.

    E-mail subscriptions of anonymous people wait for the opt-in (``confirmed_at``); the
    ``token`` in every message confirms or ends the subscription. ``cursor_at``: changes
    up to this time have been delivered.
    """

    __tablename__ = "subscription"
    __table_args__ = (Index("ix_subscription_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), default="")
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    field_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_of_action.id", ondelete="CASCADE"), index=True
    )
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(IdType)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "subscription_channel"))
    webhook_url: Mapped[str] = mapped_column(String(1000), default="")
    secret: Mapped[str] = mapped_column(String(100), default="")
    token: Mapped[str] = mapped_column(String(64), unique=True)
    client_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cursor_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")


class WebhookDelivery(Base):
    """One change posted to one webhook, with its attempts and the next retry (backoff)."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscription.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "webhook_delivery_status"), index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
