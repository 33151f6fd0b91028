"""SensorThings writes: create (deep insert), update (PATCH merge / PUT replace), delete.

Writes need an editor or admin (``Permission.CONTENT_EDIT``), and an editor writes only
entities of their department (``sta/ownership.py``); every write appends to the audit log in
the same transaction, and any error rolls the whole request back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.sensors import models as m
from domstadt.sensors.mqtt import notify
from domstadt.sensors.odata.options import QueryOptions
from domstadt.sensors.sta import bulk, duplicates, lean, ownership
from domstadt.sensors.sta.entities import ENTITY_TYPES, ID_NAMES, EntityType, result_value
from domstadt.sensors.sta.json_patch import apply_json_patch
from domstadt.sensors.sta.paths import parse_path
from domstadt.sensors.sta.query import Serializer, resolve
from domstadt.sensors.sta.rules import (
    check_geometry,
    check_multi_datastream,
    check_multi_result,
    check_stream_links,
)
from domstadt.sensors.sta.timespans import widen_observation_times
from domstadt.sensors.sta.writer import DeepInsert, set_prop

DUPLICATE = (
    "Für diesen Datastream gibt es schon eine Observation mit derselben phenomenonTime "
    "(Duplikat-Regel: eine Observation je Datastream und Zeitpunkt)."
)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(DUPLICATE) from None


@requires(Permission.CONTENT_EDIT)
def create(session: Session, *, actor: Actor, path: str, data: Any, base: str) -> dict[str, Any]:
    """Create an entity with nested entities (deep insert) in the collection ``path``.

    ``Things(1)/Datastreams`` links the new Datastream to Thing 1.
    """
    ds_id = lean.lean_shape(path, data)
    if ds_id is not None:
        ownership.check(session, actor, "Datastreams", ds_id)
        done = lean.create_observation(session, ds_id, data, base, DUPLICATE)
        if done is not None:
            _created(session, actor, ENTITY_TYPES["Observations"], done[1], done[0], 1)
            return done[0]
    resource = parse_path(path)
    last = resource.last
    if last.single or resource.prop or resource.ref:
        raise Invalid("POST geht nur an eine Sammlung, z. B. /Things oder /Things(1)/Datastreams.")
    preset: dict[str, Any] = {}
    link_m2m = None
    if len(resource.steps) > 1:
        parent = resolve(session, type(resource)(resource.steps[:-1]))
        nav = last.nav
        assert nav is not None and parent.entity_id is not None
        if nav.kind == "many":
            _check_path_parent(last.entity, data, nav.attr, parent.entity_id)
            preset[nav.attr] = parent.entity_id
        else:
            link_m2m = (nav, parent.entity_id)
    inserter = DeepInsert(session, actor.department_id)
    try:
        row = inserter.entity(last.entity, data, preset)
    except IntegrityError:
        raise Conflict(DUPLICATE) from None
    if link_m2m is not None:
        nav, parent_id = link_m2m
        reverse = next(n for n in last.entity.navs.values() if n.table is nav.table)
        inserter.link_many(reverse, row.id, [parent_id], replace=False)
    _flush(session)
    ownership.check_written(session, actor, inserter)
    body = Serializer(session, base).entity(last.entity, row, QueryOptions())
    _created(session, actor, last.entity, row, body, inserter.created)
    _notify_side_effects(session, base, inserter, (last.entity, row))
    return body


def _check_path_parent(entity: EntityType, data: Any, attr: str, parent_id: int) -> None:
    """A POST to a navigation path (``Things(1)/Datastreams``) links to the entity in the path
    (OGC 18-088 §10.2); a body naming a different parent there is a contradiction, refused
    rather than silently decided either way."""
    if not isinstance(data, dict):
        return
    for nav in entity.navs.values():
        if nav.kind != "one" or nav.attr != attr or nav.name not in data:
            continue
        named = data[nav.name]
        if isinstance(named, dict) and named.get("@iot.id") == parent_id:
            continue
        raise Invalid(
            f"{entity.singular}.{nav.name}: der Pfad verknüpft mit {nav.target}({parent_id}), "
            f"der Inhalt nennt ein anderes {nav.name}; lassen Sie {nav.name} im Inhalt weg "
            "oder POSTen Sie an die Sammlung ohne Pfad.",
            field=nav.name,
        )


def _created(
    session: Session, actor: Actor, entity: EntityType, row: Any, body: dict[str, Any], n: int
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"sta.{entity.singular}.create",
        entity_type=f"sta_{entity.singular}",
        entity_id=row.id,
        after={"created": n, "entity": _summary(body)},
    )
    notify.entity_changed(session, entity, row, body)


def _notify_side_effects(
    session: Session, base: str, inserter: DeepInsert, named: tuple[EntityType, Any]
) -> None:
    """Notify what a write created or linked besides the entity it ``named`` (which the caller
    notifies): nested and generated entities, HistoricalLocations, entities newly linked into
    a many-to-many collection (``Things(1)/Locations``)."""
    if not notify.enabled(session):
        return
    serializer = Serializer(session, base)
    notified = {(named[0].set_name, named[1].id)}
    for entity, row in inserter.made:
        if (entity.set_name, row.id) not in notified:
            notified.add((entity.set_name, row.id))
            body = serializer.entity(entity, row, QueryOptions())
            notify.entity_changed(session, entity, row, body)
    for (set_name, entity_id), parents in notify.linked_members(inserter.links).items():
        if (set_name, entity_id) not in notified:
            entity = ENTITY_TYPES[set_name]
            row = session.get(entity.model, entity_id)
            body = serializer.entity(entity, row, QueryOptions())
            notify.entity_linked(session, entity, entity_id, body, parents)


def _summary(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if "@" not in k}


def _single(session: Session, path: str) -> tuple[EntityType, Any]:
    resource = parse_path(path)
    if resource.prop or resource.ref or not resource.last.single:
        raise Invalid("Geändert oder gelöscht werden nur einzelne Entitäten, z. B. /Things(1).")
    target = resolve(session, resource)
    row = session.get(target.entity.model, target.entity_id)
    if row is None:
        raise NotFound(f"{target.entity.singular} mit der id {target.entity_id} gibt es nicht.")
    return target.entity, row


@requires(Permission.CONTENT_EDIT)
def update(
    session: Session, *, actor: Actor, path: str, data: Any, base: str, replace: bool
) -> dict[str, Any]:
    """PATCH (``replace=False``: merge the given properties) or PUT (replace all)."""
    entity, row = _single(session, path)
    ownership.forget(session)
    ownership.check(session, actor, entity.set_name, row.id)
    if not isinstance(data, dict):
        raise Invalid("Ein JSON-Objekt erwartet.")
    serializer = Serializer(session, base)
    before = _summary(serializer.entity(entity, row, QueryOptions()))
    inserter = DeepInsert(session, actor.department_id)
    for key, value in data.items():
        if key in ID_NAMES:
            continue  # the id is not updatable; OGC 18-088 §10.3: the service ignores it
        if key in entity.props:
            set_prop(row, entity.props[key], value, entity)
        elif key in entity.navs:
            _relink(inserter, entity, row, key, value)
        elif "@" not in key:
            raise Invalid(f"{entity.singular} hat keine Eigenschaft {key!r}.", field=key)
    if replace:
        for name, prop in entity.props.items():
            if name not in data:
                if prop.required or (entity.singular, name) in _PUT_REQUIRED:
                    raise Invalid(f"PUT: {entity.singular}.{name} fehlt.", field=name)
                set_prop(row, prop, None, entity)
    _rekey(session, entity, row, "properties" in data)
    _flush(session)
    ownership.check_row(session, actor, entity, row)
    ownership.check_written(session, actor, inserter)
    _keep_consistent(session, entity, row)
    after = serializer.entity(entity, row, QueryOptions())
    audit.record(
        session,
        actor=actor,
        action=f"sta.{entity.singular}.update",
        entity_type=f"sta_{entity.singular}",
        entity_id=row.id,
        before=before,
        after=_summary(after),
    )
    changed = [k for k in entity.props if before.get(k) != after.get(k)]
    notify.entity_changed(session, entity, row, after, changed)
    _notify_side_effects(session, base, inserter, (entity, row))
    return after


def _rekey(session: Session, entity: EntityType, row: Any, properties_given: bool) -> None:
    """The duplicate rule after an update: an Observation's key follows its (new) time and
    stream; a stream whose properties were written re-keys its Observations."""
    if entity.singular == "Observation":
        if row.datastream_id is not None or row.multi_datastream_id is not None:
            duplicates.key_row(session, row)
    elif entity.singular in {"Datastream", "MultiDatastream"} and properties_given:
        duplicates.check_setting(entity.singular, row.properties)
        column = "datastream_id" if entity.singular == "Datastream" else "multi_datastream_id"
        session.flush()
        duplicates.rekey_stream(session, column, row.id, row.properties)


_PUT_REQUIRED = frozenset({("Observation", "phenomenonTime")})
"""Mandatory properties that a create may leave out (the service sets an Observation's
phenomenonTime to now, OGC 18-088 Table 13) but a PUT, which replaces, must name."""


def _keep_consistent(session: Session, entity: EntityType, row: Any) -> None:
    """What an update must leave true, as a create does: an Observation belongs to one
    (Multi)Datastream, whose time spans cover it and whose ObservedProperties its result
    matches; a MultiDatastream has one ObservedProperty per unitOfMeasurement; GeoJSON is
    GeoJSON."""
    if entity.singular == "Observation":
        check_stream_links(row)
        if row.multi_datastream_id is not None:
            check_multi_result(session, row.multi_datastream_id, result_value(row))
        widen_observation_times(session, row)
    elif entity.singular == "MultiDatastream":
        check_multi_datastream(session, row)
    else:
        check_geometry(entity, row)


@requires(Permission.CONTENT_EDIT)
def patch_json(
    session: Session, *, actor: Actor, path: str, operations: Any, base: str
) -> dict[str, Any]:
    """PATCH with ``application/json-patch+json`` (RFC 6902) on the entity's properties.

    The operations apply to the entity as JSON (its properties and ``@iot.id``, without other
    annotations); the properties they change are then written like a merge PATCH (same
    validation, audit and notifications). A change of ``@iot.id`` is ignored like the id in
    a merge PATCH body; a ``test`` of it compares with the real id.
    """
    entity, row = _single(session, path)
    if not isinstance(operations, list):
        raise Invalid("JSON-Patch erwartet eine Liste von Operationen.")
    answer = _summary(Serializer(session, base).entity(entity, row, QueryOptions()))
    current = {name: None for name in entity.props} | answer  # null ones are left out answers
    current.pop("id", None)
    current["@iot.id"] = row.id
    patched = apply_json_patch(current, operations)
    changes = {k: v for k, v in patched.items() if current.get(k) != v}
    changes.update({k: None for k in current if k not in patched})
    for key in ID_NAMES:
        changes.pop(key, None)
    return update(session, actor=actor, path=path, data=changes, base=base, replace=False)


def _relink(inserter: DeepInsert, entity: EntityType, row: Any, key: str, value: Any) -> None:
    nav = entity.navs[key]
    target = ENTITY_TYPES[nav.target]
    if nav.kind == "one":
        setattr(row, nav.attr, inserter.entity(target, value).id)
    elif nav.kind == "m2m" and isinstance(value, list):
        ids = [inserter.entity(target, item).id for item in value]
        inserter.link_many(nav, row.id, ids, replace=True)
    else:
        raise Invalid(
            f"{entity.singular}.{key} kann hier nicht geändert werden; "
            "ändern Sie die Verknüpfung auf der anderen Seite.",
            field=key,
        )


@requires(Permission.CONTENT_EDIT)
def delete(session: Session, *, actor: Actor, path: str) -> None:
    """Delete one entity and what depends on it (OGC 18-088 §10.4, integrity constraints when
    deleting): the database cascades (Datastreams and HistoricalLocations of a Thing,
    Observations of a Datastream or FeatureOfInterest, Datastreams of a Sensor or
    ObservedProperty); ``_delete_dependents`` does what runs through link tables."""
    entity, row = _single(session, path)
    ownership.forget(session)
    ownership.check_delete(session, actor, entity, row.id)
    model: Any = entity.model
    session.expunge(row)
    _delete_dependents(session, entity, row.id)
    session.execute(sql_delete(model).where(model.id == row.id))
    audit.record(
        session,
        actor=actor,
        action=f"sta.{entity.singular}.delete",
        entity_type=f"sta_{entity.singular}",
        entity_id=row.id,
    )


_LINKED_DEPENDENTS: dict[str, tuple[Any, Any, Any]] = {
    "Locations": (
        m.HistoricalLocation,
        m.historical_location_location.c.historical_location_id,
        m.historical_location_location.c.location_id,
    ),
    "ObservedProperties": (
        m.MultiDatastream,
        m.multi_datastream_observed_property.c.multi_datastream_id,
        m.multi_datastream_observed_property.c.observed_property_id,
    ),
}
"""Entity set → (dependent model, its column in the link table, the owner's column)."""


def _delete_dependents(session: Session, entity: EntityType, entity_id: int) -> None:
    """Dependents linked through many-to-many tables, which the database cannot cascade to:
    a Location's HistoricalLocations (§10.4: all HistoricalLocations linked to the Location),
    an ObservedProperty's MultiDatastreams (they would no longer have one ObservedProperty per
    unitOfMeasurement, which req/multi-datastream/constraints demands)."""
    if entity.set_name not in _LINKED_DEPENDENTS:
        return
    model, dependent_id, owner_id = _LINKED_DEPENDENTS[entity.set_name]
    linked = select(dependent_id).where(owner_id == entity_id)
    session.execute(sql_delete(model).where(model.id.in_(linked)))


@requires(Permission.CONTENT_EDIT)
def create_observations(session: Session, *, actor: Actor, data: Any, base: str) -> list[str]:
    """Bulk ingest (``CreateObservations``, dataArray format): one self link per row, or
    ``"error: …"`` for a row that was refused (bad value, duplicate time)."""
    result = bulk.create_observations(session, data, f"{base}/Observations")
    for ds_id in result.datastream_ids:
        ownership.check(session, actor, "Datastreams", ds_id)
    for mds_id in result.multi_datastream_ids:
        ownership.check(session, actor, "MultiDatastreams", mds_id)
    notify.observations_created(session, base, result)
    audit.record(
        session,
        actor=actor,
        action="sta.Observation.bulk_create",
        entity_type="sta_Datastream",
        entity_id=",".join(
            [str(i) for i in result.datastream_ids]
            + [f"MultiDatastream({i})" for i in result.multi_datastream_ids]
        ),
        after={"created": result.created, "refused": result.refused},
    )
    return result.links
