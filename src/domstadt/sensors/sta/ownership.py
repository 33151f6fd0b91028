"""Which department a SensorThings entity belongs to, and the write scope of editors.

Things, Locations, Sensors, ObservedProperties and FeaturesOfInterest carry an owning
department (``department_id``): the creator's department when made through the API (a
generated FeatureOfInterest takes its Location's), none for rows from before migration 0010
or made by the system (``domstadt sensors owner`` assigns them). Datastreams,
MultiDatastreams, HistoricalLocations and Observations belong to their Thing's department.

Editors create, change and delete only entities of their department or one below it; linking
to another department's Sensor, ObservedProperty, Location or FeatureOfInterest is reading,
and allowed. Deleting a shared entity that other departments' data uses is for admins (the
database would cascade into their Datastreams). Admins and the system may do everything; an
entity without a department is theirs alone. Lookups are one indexed query each, cached per
session (one request, or one whole $batch).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Forbidden
from domstadt.sensors import models as m
from domstadt.sensors.sta.entities import ENTITY_TYPES, EntityType
from domstadt.sensors.sta.writer import DeepInsert

OWNED = ("Things", "Locations", "Sensors", "ObservedProperties", "FeaturesOfInterest")
"""Entity sets with their own ``department_id``."""
_ID: Any = bindparam("id")
_T = m.Thing


def _own(model: Any) -> Select[Any]:
    return select(model.department_id).where(model.id == _ID)


def _via_thing(model: Any, *, column: str = "thing_id") -> Select[Any]:
    return (
        select(_T.department_id).join(model, getattr(model, column) == _T.id).where(model.id == _ID)
    )


_OBS_STREAM = select(
    func.coalesce(
        select(m.Datastream.thing_id)
        .where(m.Datastream.id == m.Observation.datastream_id)
        .scalar_subquery(),
        select(m.MultiDatastream.thing_id)
        .where(m.MultiDatastream.id == m.Observation.multi_datastream_id)
        .scalar_subquery(),
    )
).where(m.Observation.id == _ID)
_OWNER: dict[str, Select[Any]] = {
    **{s: _own(ENTITY_TYPES[s].model) for s in OWNED},
    "Datastreams": _via_thing(m.Datastream),
    "MultiDatastreams": _via_thing(m.MultiDatastream),
    "HistoricalLocations": _via_thing(m.HistoricalLocation),
    "Observations": select(_T.department_id).where(_T.id == _OBS_STREAM.scalar_subquery()),
}
"""Entity set → the query of an entity's owning department (bind parameter ``id``)."""
_CACHE = "sta_owner"


def unrestricted(actor: Actor) -> bool:
    """Admins and the system are not limited to a department."""
    return actor.is_system or actor.role == Role.ADMIN


def department_of(session: Session, set_name: str, entity_id: int) -> tuple[bool, int | None]:
    """(found, owning department) of an entity; found ones are cached in the session."""
    cache: dict[tuple[str, int], int | None] = session.info.setdefault(_CACHE, {})
    key = (set_name, entity_id)
    if key not in cache:
        row = session.execute(_OWNER[set_name], {"id": entity_id}).first()
        if row is None:
            return False, None
        cache[key] = row[0]
    return True, cache[key]


def forget(session: Session) -> None:
    """Drop the cached owners (an update may move an entity to another Thing)."""
    session.info.pop(_CACHE, None)


def check(session: Session, actor: Actor, set_name: str, entity_id: int) -> None:
    """Raise Forbidden unless ``actor`` may write the entity; an unknown entity passes (the
    write itself then says it does not exist)."""
    if unrestricted(actor):
        return
    found, department = department_of(session, set_name, entity_id)
    if found and not actor.can_edit_department(department):
        raise Forbidden(_refusal(set_name, entity_id, department))


def _refusal(set_name: str, entity_id: int, department: int | None) -> str:
    singular = ENTITY_TYPES[set_name].singular
    owner = "einer anderen Dienststelle" if department is not None else "keiner Dienststelle"
    return (
        f"{singular} {entity_id} gehört {owner}. Redakteurinnen und Redakteure ändern nur "
        "SensorThings-Daten ihrer Dienststelle und der ihr untergeordneten; "
        + ("fragen Sie dort nach." if department is not None else "das dürfen nur Admins.")
    )


def check_row(session: Session, actor: Actor, entity: EntityType, row: Any) -> None:
    """Check a written row by what it belongs to now (a created Observation by its stream, an
    updated Datastream by its possibly new Thing). Rows of the owned sets made in this write
    carry the writer's department and pass."""
    if unrestricted(actor) or entity.set_name in OWNED:
        return
    if entity.set_name == "Observations":
        if row.multi_datastream_id is not None:
            check(session, actor, "MultiDatastreams", row.multi_datastream_id)
        else:
            check(session, actor, "Datastreams", row.datastream_id)
        return
    check(session, actor, "Things", row.thing_id)


def check_written(session: Session, actor: Actor, inserter: DeepInsert) -> None:
    """Check what a deep insert or update created and linked: every new row, and every Thing
    that got a Location linked."""
    if unrestricted(actor):
        return
    for entity, row in inserter.made:
        check_row(session, actor, entity, row)
    for nav, own_id, target_id in inserter.links:
        if nav.table is m.thing_location:
            check(session, actor, "Things", own_id if nav.attr == "thing_id" else target_id)


def _outside(scope: frozenset[int]) -> Any:
    """A Thing outside ``scope`` (or without department)."""
    return or_(_T.department_id.is_(None), _T.department_id.not_in(scope or {-1}))


def _users_elsewhere(set_name: str, entity_id: int, scope: frozenset[int]) -> list[Select[Any]]:
    """Queries for data of other departments that uses the shared entity."""
    ds, mds, obs = m.Datastream, m.MultiDatastream, m.Observation
    things = select(_T.id).where(_outside(scope))
    if set_name == "Sensors":
        return [
            select(t.id).where(t.sensor_id == entity_id, t.thing_id.in_(things)) for t in (ds, mds)
        ]
    if set_name == "ObservedProperties":
        link = m.multi_datastream_observed_property.c
        linked = select(link.multi_datastream_id).where(link.observed_property_id == entity_id)
        return [
            select(ds.id).where(ds.observed_property_id == entity_id, ds.thing_id.in_(things)),
            select(mds.id).where(mds.id.in_(linked), mds.thing_id.in_(things)),
        ]
    if set_name == "Locations":
        link = m.thing_location.c
        return [
            select(link.thing_id).where(link.location_id == entity_id, link.thing_id.in_(things))
        ]
    if set_name == "FeaturesOfInterest":
        foreign_ds = select(ds.id).where(ds.thing_id.in_(things))
        foreign_mds = select(mds.id).where(mds.thing_id.in_(things))
        uses = obs.feature_of_interest_id == entity_id
        return [
            select(obs.id).where(uses, obs.datastream_id.in_(foreign_ds)),
            select(obs.id).where(uses, obs.multi_datastream_id.in_(foreign_mds)),
        ]
    return []


def check_delete(session: Session, actor: Actor, entity: EntityType, entity_id: int) -> None:
    """Deleting needs the right to write the entity and, for a shared one, that no other
    department's data uses it (the database would delete that data with it)."""
    check(session, actor, entity.set_name, entity_id)
    if unrestricted(actor):
        return
    for query in _users_elsewhere(entity.set_name, entity_id, actor.department_ids):
        if session.execute(query.limit(1)).first() is not None:
            raise Forbidden(
                f"{entity.singular} {entity_id} wird von Daten einer anderen Dienststelle "
                "verwendet; löschen dürfen es nur Admins."
            )
