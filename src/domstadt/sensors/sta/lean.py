"""Fast path for the common single ``POST /Observations``.

The shape ``{"phenomenonTime": "…", "result": …, "Datastream": {"@iot.id": n}}`` (optionally
``resultTime`` and ``parameters``) is what sensors send one by one. It skips the generic deep
insert (ORM objects, flush, reading the row back for the answer): the row is built with the
bulk ingest's builder, written with one Core ``INSERT … RETURNING id`` and answered from the
values written. Anything else — and any value the fast path would not accept — goes the
generic way, which also produces the established error messages.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core.errors import Conflict
from domstadt.sensors import models as m
from domstadt.sensors.sta.bulk import RowError, observation_json
from domstadt.sensors.sta.bulk import _Builder as Builder
from domstadt.sensors.sta.entities import storable_id
from domstadt.sensors.sta.timespans import widen_datastream_times
from domstadt.sensors.sta.writer import FEATURE_OF

LEAN_KEYS = frozenset({"phenomenonTime", "result", "resultTime", "parameters", "Datastream"})
_TABLE: Any = m.Observation.__table__
_INSERT: Any = insert(_TABLE).returning(_TABLE.c.id)


def lean_shape(path: str, data: Any) -> int | None:
    """The Datastream id when ``data`` is a plain Observation for the fast path, else None."""
    if path.strip("/") != "Observations" or not isinstance(data, dict):
        return None
    if not data.keys() <= LEAN_KEYS or "result" not in data:
        return None
    ds = data.get("Datastream")
    if not isinstance(ds, dict) or ds.keys() != {"@iot.id"}:
        return None
    ds_id = ds["@iot.id"]
    if not isinstance(ds_id, int) or isinstance(ds_id, bool) or not storable_id(ds_id):
        return None
    if not all(isinstance(data.get(k, ""), str) for k in ("phenomenonTime", "resultTime")):
        return None
    if not isinstance(data.get("parameters"), dict | None):
        return None
    return ds_id


def create_observation(
    session: Session, ds_id: int, data: dict[str, Any], base: str, duplicate: str
) -> tuple[dict[str, Any], Any] | None:
    """Insert the observation; its JSON and a row-like object for notifications, or None
    when the generic path has to handle it (unknown Datastream, a value it refuses)."""
    found = session.execute(FEATURE_OF["Datastream"], {"id": ds_id}).first()
    if found is None or found[1] is None:  # unknown Datastream, or a feature to create
        return None
    builder = Builder(session, ds_id)
    builder.default_feature = found[1]
    components = [k for k in data if k != "Datastream"]
    try:
        row = builder.row(components, [data[k] for k in components])
    except RowError:
        return None
    try:
        obs_id = session.execute(_INSERT, row).scalar_one()
    except IntegrityError:
        raise Conflict(duplicate) from None
    widen_datastream_times(session, [row])
    body = observation_json(base, obs_id, row)
    foi_link = body.pop("FeatureOfInterest@iot.navigationLink")  # same keys and order as
    body["MultiDatastream@iot.navigationLink"] = f"{body['@iot.selfLink']}/MultiDatastream"
    body["FeatureOfInterest@iot.navigationLink"] = foi_link  # the generic Serializer's
    return body, SimpleNamespace(id=obs_id, multi_datastream_id=None, **row)
