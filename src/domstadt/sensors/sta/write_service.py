"""SensorThings writes: create (deep insert), update (PATCH merge / PUT replace), delete.

Writes need an editor or admin (``Permission.CONTENT_EDIT``); every write appends to the
audit log in the same transaction, and any error rolls the whole request back.
"""

from __future__ import annotations

from typing import Any

import jsonpatch
import jsonpointer
from sqlalchemy import delete as sql_delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.sensors.mqtt import notify
from domstadt.sensors.odata.options import QueryOptions
from domstadt.sensors.sta import bulk, lean
from domstadt.sensors.sta.entities import ENTITY_TYPES, EntityType
from domstadt.sensors.sta.paths import parse_path
from domstadt.sensors.sta.query import Serializer, resolve
from domstadt.sensors.sta.writer import (
    DeepInsert,
    set_prop,
    widen_datastream_times,
    widen_multi_datastream_times,
)

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
            preset[nav.attr] = parent.entity_id
        else:
            link_m2m = (nav, parent.entity_id)
    inserter = DeepInsert(session)
    try:
        row = inserter.entity(last.entity, data, preset)
    except IntegrityError:
        raise Conflict(DUPLICATE) from None
    if link_m2m is not None:
        nav, parent_id = link_m2m
        reverse = next(n for n in last.entity.navs.values() if n.table is nav.table)
        inserter.link_many(reverse, row.id, [parent_id], replace=False)
    if last.entity.singular == "Observation" and row.datastream_id is not None:
        widen_datastream_times(session, [_obs_span(row)])
    if last.entity.singular == "Observation" and row.multi_datastream_id is not None:
        span = {**_obs_span(row), "multi_datastream_id": row.multi_datastream_id}
        widen_multi_datastream_times(session, [span])
    _flush(session)
    body = Serializer(session, base).entity(last.entity, row, QueryOptions())
    _created(session, actor, last.entity, row, body, inserter.created)
    return body


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


def _obs_span(row: Any) -> dict[str, Any]:
    return {
        "datastream_id": row.datastream_id,
        "phenomenon_time_start": row.phenomenon_time_start,
        "phenomenon_time_end": row.phenomenon_time_end,
        "result_time": row.result_time,
    }


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
    if not isinstance(data, dict):
        raise Invalid("Ein JSON-Objekt erwartet.")
    serializer = Serializer(session, base)
    before = _summary(serializer.entity(entity, row, QueryOptions()))
    inserter = DeepInsert(session)
    for key, value in data.items():
        if key in {"@iot.id", "id"}:
            if value != row.id:
                raise Invalid("@iot.id kann nicht geändert werden.", field="@iot.id")
        elif key in entity.props:
            set_prop(row, entity.props[key], value, entity)
        elif key in entity.navs:
            _relink(inserter, entity, row, key, value)
        elif "@" not in key:
            raise Invalid(f"{entity.singular} hat keine Eigenschaft {key!r}.", field=key)
    if replace:
        for name, prop in entity.props.items():
            if name not in data:
                if prop.required:
                    raise Invalid(f"PUT: {entity.singular}.{name} fehlt.", field=name)
                set_prop(row, prop, None, entity)
    _flush(session)
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
    return after


@requires(Permission.CONTENT_EDIT)
def patch_json(
    session: Session, *, actor: Actor, path: str, operations: Any, base: str
) -> dict[str, Any]:
    """PATCH with ``application/json-patch+json`` (RFC 6902) on the entity's properties.

    The operations apply to the entity as JSON (without @-annotations); the properties they
    change are then written like a merge PATCH (same validation, audit and notifications).
    """
    entity, row = _single(session, path)
    if not isinstance(operations, list):
        raise Invalid("JSON-Patch erwartet eine Liste von Operationen.")
    current = _summary(Serializer(session, base).entity(entity, row, QueryOptions()))
    current.pop("id", None)
    try:
        patched = jsonpatch.apply_patch(current, operations)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise Invalid(f"JSON-Patch nicht anwendbar: {exc}") from None
    except (TypeError, KeyError, AttributeError) as exc:
        raise Invalid(f"JSON-Patch ist fehlerhaft: {exc!r}") from None
    changes = {k: v for k, v in patched.items() if current.get(k) != v}
    changes.update({k: None for k in current if k not in patched})
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
    """Delete one entity; the database cascades to what depends on it (Datastreams of a Thing,
    Observations of a Datastream or FeatureOfInterest, HistoricalLocations of a Thing)."""
    entity, row = _single(session, path)
    model: Any = entity.model
    session.expunge(row)
    session.execute(sql_delete(model).where(model.id == row.id))
    audit.record(
        session,
        actor=actor,
        action=f"sta.{entity.singular}.delete",
        entity_type=f"sta_{entity.singular}",
        entity_id=row.id,
    )


@requires(Permission.CONTENT_EDIT)
def create_observations(session: Session, *, actor: Actor, data: Any, base: str) -> list[str]:
    """Bulk ingest (``CreateObservations``, dataArray format): one self link per row, or
    ``"error: …"`` for a row that was refused (bad value, duplicate time)."""
    result = bulk.create_observations(session, data, f"{base}/Observations")
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
