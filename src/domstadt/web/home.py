"""What the home page shows (issue 13): the measures' state by status and field with the
latest changes, what one can take part in, the newest datasets and live sensor values.
Every part comes from its domain's public service functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domstadt.catalog import search_service as catalog_search
from domstadt.catalog.schemas import SearchQuery
from domstadt.core.auth.permissions import Actor
from domstadt.masterplan import labels as measure_labels
from domstadt.masterplan import measure_read_service, overview_service
from domstadt.participation import challenge_service, event_service, lab_service
from domstadt.participation import labels as participation_labels
from domstadt.participation.challenges.phases import Phase
from domstadt.sensors import analytics_service

SHOWN = 5
OPEN_PHASES = {Phase.ANNOUNCEMENT, Phase.SUBMISSION, Phase.VOTE}


def _participation(session: Any, actor: Actor, now: dt.datetime) -> dict[str, Any]:
    challenges = [
        c for c in challenge_service.challenge_list(session, actor=actor) if c.phase in OPEN_PHASES
    ]
    events = event_service.event_list(session, actor=actor, date_from=now.date()).items
    labs = [s for s in lab_service.lab_overview(session, actor=actor).items if s.starts_at >= now]
    return {"challenges": challenges[:3], "events": events[:3], "labs": labs[:3]}


def _sensors(session: Any, actor: Actor) -> list[analytics_service.LatestValue]:
    latest = analytics_service.latest_values(session, actor=actor, limit=200)
    with_value = [v for v in latest if v.time is not None and v.result is not None]
    with_value.sort(key=lambda v: v.time or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    return with_value[:6]


def home_context(session: Any, actor: Actor) -> dict[str, Any]:
    """Everything the home page shows, each part with the page it leads to."""
    now = dt.datetime.now(dt.UTC)
    board = overview_service.dashboard(session, actor=actor)
    newest = catalog_search.dataset_search(
        session, actor=actor, query=SearchQuery(sort="metadata_created desc", rows=SHOWN)
    )
    return {
        "mix": board.mix,
        "by_field": [g for g in board.by_field if g.mix.total],
        "status_labels": measure_labels.STATUS,
        "phase_labels": participation_labels.PHASE,
        "changes": measure_read_service.recent_changes(session, actor=actor, limit=SHOWN),
        **_participation(session, actor, now),
        "datasets": newest.results,
        "dataset_count": newest.count,
        "sensors": _sensors(session, actor),
    }
