"""Datastreams (a sensor's series, with its Thing and observed property) in the site search;
a hit leads to the sensor dashboard with that series chosen."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.search import N_, Document, Source
from domstadt.sensors.models import Datastream, ObservedProperty, Thing


def _datastreams(session: Session, ids: Collection[int] | None) -> Iterator[Document]:
    stmt = (
        select(Datastream, Thing.name, ObservedProperty.name)
        .join(Thing, Thing.id == Datastream.thing_id)
        .join(ObservedProperty, ObservedProperty.id == Datastream.observed_property_id)
    )
    if ids is not None:
        stmt = stmt.where(Datastream.id.in_(list(ids)))
    for ds, thing, prop in session.execute(stmt.order_by(Datastream.id)):
        yield Document(
            entity_id=ds.id,
            title=ds.name,
            url=f"/sensoren?a={ds.id}",
            text=ds.description,
            extra=f"{thing} {prop}",
        )


SOURCE = Source(
    kind="sensor",
    label=N_("Sensors"),
    list=_datastreams,
    watch={Datastream: lambda ds: ds.id},
    order=40,
)
