"""Observations of one ObservedProperty (by its ``definition`` URI) in id order, for domains
that build on sensor data without touching ingest: a reader pulls everything after the last
id it took (transit connectivity measurements, issue 12). Nothing is added to the write path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, public
from domstadt.sensors import models as m

MAX_LIMIT = 10_000


class FeedObservation(BaseModel):
    """One observation with what a reader needs: time, result, parameters and the
    FeatureOfInterest's GeoJSON."""

    id: int
    datastream_id: int
    time: dt.datetime
    result: Any = None
    parameters: Any = None
    feature: Any = None


class FeedPage(BaseModel):
    """A page of observations and the id to continue after (the last one read, or the
    newest observation id of all when the page was not full, so a reader never rescans)."""

    items: list[FeedObservation]
    next_after: int


@public("sensor data is open data")
def observations_after(
    session: Session, *, actor: Actor, definition: str, after_id: int = 0, limit: int = 1000
) -> FeedPage:
    """Observations of datastreams whose ObservedProperty has ``definition``, with an id
    greater than ``after_id``, oldest id first, at most ``limit`` (≤ 10,000)."""
    limit = max(1, min(limit, MAX_LIMIT))
    newest = session.scalar(select(func.max(m.Observation.id))) or 0
    query = (
        select(
            m.Observation.id,
            m.Observation.datastream_id,
            m.Observation.phenomenon_time_start,
            m.Observation.result_number,
            m.Observation.result_json,
            m.Observation.parameters,
            m.FeatureOfInterest.feature,
        )
        .join(m.Datastream, m.Datastream.id == m.Observation.datastream_id)
        .join(m.ObservedProperty, m.ObservedProperty.id == m.Datastream.observed_property_id)
        .join(m.FeatureOfInterest, m.FeatureOfInterest.id == m.Observation.feature_of_interest_id)
        .where(m.ObservedProperty.definition == definition, m.Observation.id > after_id)
        .order_by(m.Observation.id)
        .limit(limit)
    )
    items = [
        FeedObservation(
            id=row[0],
            datastream_id=row[1],
            time=row[2],
            result=row[4] if row[4] is not None else row[3],
            parameters=row[5],
            feature=row[6],
        )
        for row in session.execute(query)
    ]
    if len(items) == limit:
        return FeedPage(items=items, next_after=items[-1].id)
    last = items[-1].id if items else 0
    return FeedPage(items=items, next_after=max(int(newest), after_id, last))
