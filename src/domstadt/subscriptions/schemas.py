"""Subscription shapes: a request to follow a measure or field, what the subscriber sees, runs."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, EmailStr, Field, model_validator

from domstadt.subscriptions.models import Channel, DeliveryStatus


class SubscriptionCreate(BaseModel):
    """Follow one measure (``measure_id``) or one field of action (``field``, its slug).

    E-mail: signed-in people get digests at their account's address; anonymous people give
    ``email`` and confirm by the link sent to it. Webhook (signed-in only): ``webhook_url``.
    """

    measure_id: int | None = None
    field: str | None = Field(default=None, max_length=64)
    channel: Channel = Channel.EMAIL
    email: EmailStr | None = None
    webhook_url: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_target(self) -> SubscriptionCreate:
        if (self.measure_id is None) == (not self.field):
            raise ValueError("Bitte genau eine Maßnahme oder ein Handlungsfeld angeben.")
        return self


class SubscriptionPublic(BaseModel):
    """A subscription as its owner sees it."""

    id: int
    target: str = Field(description="'measure' or 'field'")
    measure_id: int | None
    field: str | None
    target_title: str
    channel: Channel
    email: str
    webhook_url: str
    confirmed: bool
    created_at: dt.datetime
    last_sent_at: dt.datetime | None
    last_error: str


class SubscriptionCreated(SubscriptionPublic):
    """The new subscription; ``secret`` (webhooks) is shown only now: it signs every POST."""

    secret: str | None = None
    confirmation_sent: bool = False


class DeliveryPublic(BaseModel):
    """One webhook delivery with its attempts."""

    id: int
    event: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class DigestRun(BaseModel):
    """What one digest run did."""

    messages_sent: int = 0
    subscriptions: int = 0
    changes: int = 0
    failed: int = 0
    skipped: str = ""


class WebhookRun(BaseModel):
    """What one webhook run did."""

    queued: int = 0
    delivered: int = 0
    retry_later: int = 0
    failed: int = 0
