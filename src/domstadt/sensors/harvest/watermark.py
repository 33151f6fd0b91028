"""Per-Datastream watermarks: the phenomenonTime of the newest mirrored Observation. A run
asks the remote only for Observations after it (``$filter=phenomenonTime gt …``, oldest
first) and moves it forward in the same transaction that stores a page, so it never passes
what was stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.db import utcnow
from domstadt.sensors.harvest.models import StaHarvestWatermark


def get(session: Session, source_id: int, remote_datastream_id: str) -> StaHarvestWatermark:
    """The watermark row of a remote Datastream (made when missing, not yet flushed)."""
    row = session.scalar(
        select(StaHarvestWatermark).where(
            StaHarvestWatermark.source_id == source_id,
            StaHarvestWatermark.remote_datastream_id == remote_datastream_id,
        )
    )
    if row is None:
        row = StaHarvestWatermark(
            source_id=source_id, remote_datastream_id=remote_datastream_id, observations=0
        )
        session.add(row)
    return row


def query(mark: dt.datetime | None, page_size: int) -> dict[str, str]:
    """The query options of the Observations listing after ``mark``."""
    params = {"$orderby": "phenomenonTime asc", "$top": str(page_size)}
    if mark is not None:
        stamp = mark.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        params["$filter"] = f"phenomenonTime gt {stamp}"
    return params


def advance(row: StaHarvestWatermark, newest: dt.datetime | None, stored: int) -> None:
    """Move the watermark to ``newest`` (never back) and count ``stored`` observations."""
    if newest is not None and (row.phenomenon_time is None or newest > row.phenomenon_time):
        row.phenomenon_time = newest
    row.observations = (row.observations or 0) + stored
    row.updated = utcnow()
