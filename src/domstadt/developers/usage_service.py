"""Usage statistics of apps: writing a process's tallies (added to what other workers
wrote) and reading them per app for its owner and the operators (issue 12)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.developers.app_service import app_get
from domstadt.developers.models import AppUsage, DeveloperApp
from domstadt.developers.schemas import UsageRow
from domstadt.developers.usage import Tally, UsageKey

MAX_DAYS = 366


@requires(Permission.USER_MANAGE)
def usage_add(session: Session, *, actor: Actor, tallies: dict[UsageKey, Tally]) -> int:
    """Add ``tallies`` to the stored per-day rows (one upsert per key; apps deleted in the
    meantime are skipped); returns how many rows were written."""
    if not tallies:
        return 0
    known = set(
        session.scalars(select(DeveloperApp.id).where(DeveloperApp.id.in_({k[0] for k in tallies})))
    )
    rows = [
        {
            "app_id": app_id,
            "day": day,
            "family": family,
            "requests": t.requests,
            "errors": t.errors,
            "limited": t.limited,
            "latency_ms_total": t.latency_ms_total,
            "latency_ms_max": t.latency_ms_max,
        }
        for (app_id, day, family), t in tallies.items()
        if app_id in known
    ]
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(AppUsage)
    table = AppUsage.__table__.c
    statement = insert.on_conflict_do_update(
        index_elements=["app_id", "day", "family"],
        set_={
            "requests": table.requests + insert.excluded.requests,
            "errors": table.errors + insert.excluded.errors,
            "limited": table.limited + insert.excluded.limited,
            "latency_ms_total": table.latency_ms_total + insert.excluded.latency_ms_total,
            "latency_ms_max": func.max(table.latency_ms_max, insert.excluded.latency_ms_max)
            if dialect is sqlite
            else func.greatest(table.latency_ms_max, insert.excluded.latency_ms_max),
        },
    )
    session.execute(statement, rows)
    return len(rows)


@requires(Permission.ACCOUNT_SELF)
def usage_of_app(
    session: Session,
    *,
    actor: Actor,
    app_id: int,
    days: int = 30,
    pending: dict[UsageKey, Tally] | None = None,
) -> list[UsageRow]:
    """Requests, errors, limited requests and latency of one app per day and family over
    the last ``days`` days, newest first (its owner and operators). ``pending``: this
    process's counts not yet written, added in (other workers' arrive with their flush)."""
    app_get(session, actor=actor, app_id=app_id)  # owner or operator, else not found
    since = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=min(max(days, 1), MAX_DAYS) - 1)
    stored = session.scalars(
        select(AppUsage).where(AppUsage.app_id == app_id, AppUsage.day >= since)
    ).all()
    merged: dict[tuple[dt.date, str], Tally] = {
        (r.day, r.family): Tally(
            r.requests, r.errors, r.limited, r.latency_ms_total, r.latency_ms_max
        )
        for r in stored
    }
    for (pending_app, day, family), tally in (pending or {}).items():
        if pending_app == app_id and day >= since:
            merged[(day, family)] = merged.get((day, family), Tally()).plus(tally)
    return [
        UsageRow(
            day=day,
            family=family,
            requests=t.requests,
            errors=t.errors,
            limited=t.limited,
            latency_ms_mean=t.latency_ms_total / t.requests if t.requests else 0.0,
            latency_ms_max=t.latency_ms_max,
        )
        for (day, family), t in sorted(
            merged.items(), key=lambda i: (-i[0][0].toordinal(), i[0][1])
        )
    ]
