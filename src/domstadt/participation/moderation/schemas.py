"""Moderation request and answer shapes (JSON API and pages)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from domstadt.core.ids import ID_MAX
from domstadt.participation.moderation.models import ReportReason


class ReportCreate(BaseModel):
    """A report: which item (kind and id), a reason from the fixed list, an optional comment."""

    kind: str = Field(max_length=40)
    id: int = Field(ge=1, le=ID_MAX)
    reason: ReportReason
    comment: str = Field(default="", max_length=1000)


class ReportPublic(BaseModel):
    """A report as the reporter and moderators see it (never the reporter's address)."""

    id: int
    kind: str
    item_id: int
    reason: ReportReason
    comment: str
    created_at: dt.datetime
    resolution: str = ""


class ReportReceipt(ReportPublic):
    """The answer to a report; ``already_reported`` when this client had reported it before."""

    already_reported: bool = False


class QueueEntry(BaseModel):
    """One reported item in the moderators' queue with its open reports."""

    kind: str
    kind_label: str
    item_id: int
    title: str
    text: str
    url: str
    hidden: bool
    reports: list[ReportPublic]


class HideRequest(BaseModel):
    """A moderator's reason for hiding (required, shown to the author)."""

    reason: str = Field(default="", max_length=500)


class ItemState(BaseModel):
    """An item's moderation state after a decision."""

    kind: str
    item_id: int
    title: str
    url: str
    hidden: bool
    hidden_reason: str = ""
    reports_resolved: int = 0


class HiddenItem(BaseModel):
    """A hidden item as its author (and moderators) see it, with the notice."""

    kind: str
    kind_label: str
    item_id: int
    title: str
    url: str
    reason: str
    hidden_at: dt.datetime
    notice: str
