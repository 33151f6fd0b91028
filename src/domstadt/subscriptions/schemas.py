"""Subscription shapes: a request to follow a measure, field of action, challenge, event or
organisation, what the subscriber sees, and what a delivery run did."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, EmailStr, Field, model_validator

from domstadt.subscriptions.models import Channel, DeliveryStatus


class SubscriptionCreate(BaseModel):
    """Follow one measure (``measure_id``), one field of action (``field``, its slug) or one
    challenge, event or organisation (``target_kind`` + ``target_id``).

    E-mail: signed-in people get digests at their account's address; anonymous people give
    ``email`` and confirm by the link sent to it. Webhook (signed-in only): ``webhook_url``.
    """

    measure_id: int | None = None
    field: str | None = Field(default=None, max_length=64)
    target_kind: str | None = Field(
        default=None,
        max_length=20,
        description="'challenge', 'event', 'organisation' or 'problem_statement'",
    )
    target_id: int | None = None
    channel: Channel = Channel.EMAIL
    email: EmailStr | None = None
    webhook_url: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_target(self) -> SubscriptionCreate:
        if self.target_kind == "measure" and self.measure_id is None:
            self.measure_id, self.target_kind, self.target_id = self.target_id, None, None
        given = [self.measure_id is not None, bool(self.field), bool(self.target_kind)]
        if sum(given) != 1:
            raise ValueError(
                "Bitte genau ein Ziel angeben: eine Maßnahme, ein Handlungsfeld oder "
                "target_kind mit target_id (Wettbewerb, Veranstaltung, Organisation, "
                "Fragestellung)."
            )
        if self.target_kind and self.target_id is None:
            raise ValueError("Zu target_kind gehört eine target_id.")
        return self


class SubscriptionPublic(BaseModel):
    """A subscription as its owner sees it."""

    id: int
    target: str = Field(
        description="'measure', 'field', 'challenge', 'event', 'organisation' or "
        "'problem_statement'"
    )
    target_id: int
    target_label: str = Field(description="German name of the kind (Maßnahme, Wettbewerb …)")
    measure_id: int | None
    field: str | None
    target_title: str
    target_url: str = Field(description="Path of the target's page ('' when no longer public)")
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
