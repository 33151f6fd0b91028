"""The changes a subscription has not yet delivered, in one shape for every kind of target:
measure versions (a measure or a whole field of action) and the changes of challenges,
events and organisations from the registry of followables. Each :class:`Pending` carries
its digest lines (German) and its webhook payload."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.masterplan import labels
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan.measure_history import as_text
from domstadt.masterplan.measure_read_service import ChangeEntry
from domstadt.subscriptions import followables
from domstadt.subscriptions.followables import FollowChange, FollowTarget
from domstadt.subscriptions.models import Subscription
from domstadt.subscriptions.present import field_slug
from domstadt.web.i18n import translations

MAX_CHANGES = 500
"""Changes considered per subscription and run (the newest ones)."""


@dataclass(frozen=True)
class Pending:
    """One change to deliver: when, its webhook event, digest lines and webhook payload."""

    at: dt.datetime
    event: str
    lines: list[str]
    payload: dict[str, object]


def pending(
    session: Session, actor: Actor, row: Subscription, base_url: str, now: dt.datetime
) -> list[Pending]:
    """The changes after the subscription's cursor up to ``now``, oldest first."""
    if row.target_kind in ("measure", "field"):
        return [
            Pending(
                at=e.version.at,
                event="measure.changed",
                lines=_measure_lines(e, base_url),
                payload=_measure_payload(row, e, base_url),
            )
            for e in _measure_changes(session, actor, row)
        ]
    followable = followables.get(row.target_kind)
    target = followable.target(session, row.target_id) if followable else None
    if followable is None or target is None:
        return []
    found = followable.changes(session, row.target_id, row.cursor_at, now)
    return [
        Pending(
            at=c.at,
            event=c.event,
            lines=_follow_lines(c, base_url),
            payload=_follow_payload(row, target, c, base_url),
        )
        for c in sorted(found, key=lambda c: c.at)[-MAX_CHANGES:]
    ]


def _measure_changes(session: Session, actor: Actor, row: Subscription) -> list[ChangeEntry]:
    """Measure versions after the subscription's cursor, oldest first."""
    entries = reader.recent_changes(
        session,
        actor=actor,
        field_slug=field_slug(session, row),
        measure_id=row.measure_id,
        limit=MAX_CHANGES,
    )
    return sorted(
        (e for e in entries if e.version.at > row.cursor_at),
        key=lambda e: (e.version.at, e.version.version),
    )


_VALUE_LABELS: dict[str, dict[Any, str]] = {
    "status": labels.STATUS,
    "rollout_stage": labels.STAGE,
    "priority": labels.PRIORITY,
}


def _short(value: object, field: str = "") -> str:
    table: dict[object, str] = dict(_VALUE_LABELS.get(field, {}))
    if isinstance(value, str) and value in table:
        return translations("de").gettext(table[value])
    text = as_text(value) or "–"
    return text if len(text) <= 120 else text[:117] + "…"


def _measure_lines(entry: ChangeEntry, base_url: str) -> list[str]:
    german = translations("de").gettext
    v = entry.version
    lines = [
        f"* {entry.measure.code} {entry.measure.title} – Änderung Nr. {v.version} am "
        f"{v.at.strftime('%d.%m.%Y %H:%M')} UTC",
        f"  {base_url}/massnahmen/{entry.measure.id}#version-{v.version}",
    ]
    for c in v.changes:
        name = german(labels.FIELD.get(c.field, c.field))
        lines.append(f"  - {name}: {_short(c.before, c.field)} → {_short(c.after, c.field)}")
    return lines


def _measure_payload(row: Subscription, entry: ChangeEntry, base_url: str) -> dict[str, object]:
    v = entry.version
    return {
        "event": "measure.changed",
        "subscription_id": row.id,
        "measure": {
            "id": entry.measure.id,
            "code": entry.measure.code,
            "title": entry.measure.title,
            "url": f"{base_url}/massnahmen/{entry.measure.id}",
            "api": f"{base_url}/api/v1/measures/{entry.measure.id}",
        },
        "version": v.version,
        "at": v.at.isoformat(),
        "changes": [c.model_dump(mode="json") for c in v.changes],
    }


def _follow_lines(change: FollowChange, base_url: str) -> list[str]:
    return [
        f"* {change.at.strftime('%d.%m.%Y %H:%M')} UTC – {change.text}",
        f"  {base_url}{change.path}",
    ]


def _follow_payload(
    row: Subscription, target: FollowTarget, change: FollowChange, base_url: str
) -> dict[str, object]:
    """Shaped like a measure's (event, subscription, what changed, at, changes), the target
    under ``target`` (its ``kind`` says which: the kind ``event`` would clash with the key),
    plus ``summary`` (the German line of the digest), ``url`` and references in ``data``."""
    return {
        "event": change.event,
        "subscription_id": row.id,
        "target": {
            "kind": target.kind,
            "id": target.id,
            "title": target.title,
            "url": f"{base_url}{target.path}",
            "api": f"{base_url}{target.api_path}",
        },
        "at": change.at.isoformat(),
        "summary": change.text,
        "url": f"{base_url}{change.path}",
        "changes": change.changes,
        "data": change.data,
    }
