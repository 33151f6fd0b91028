"""Deep insert and update of SensorThings entities (validation, links by @iot.id, side effects).

Side effects the specification asks for: a Thing's new or changed Locations write a
HistoricalLocation; an Observation without FeatureOfInterest gets one made from (or reused
for) its Thing's Location; a (Multi)Datastream's phenomenonTime/resultTime widen with its
observations. ``DeepInsert`` keeps what it created and linked, so the caller can notify
MQTT subscribers of every entity, not only the one the request named.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.sensors import models as m
from domstadt.sensors.odata.parser import parse_datetime
from domstadt.sensors.sta import duplicates
from domstadt.sensors.sta.entities import (
    ENTITY_TYPES,
    FLOAT_EXACT,
    EntityType,
    Nav,
    Prop,
    storable_id,
)
from domstadt.sensors.sta.rules import (
    check_geometry,
    check_multi_datastream,
    check_multi_result,
    check_stream_links,
)
from domstadt.sensors.sta.timespans import widen_observation_times


def parse_time(value: Any, field: str) -> dt.datetime:
    """An ISO 8601 timestamp (UTC when no offset is given)."""
    if not isinstance(value, str):
        raise Invalid(f"{field}: Zeitpunkt als ISO-8601-Text erwartet.", field=field)
    try:
        return parse_datetime(value.strip(), 0)
    except ValueError:
        raise Invalid(f"{field}: {value!r} ist kein ISO-8601-Zeitpunkt.", field=field) from None


def parse_interval(value: Any, field: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A time or an interval ``start/end``."""
    if value is None:
        return None, None
    if isinstance(value, str) and "/" in value:
        start, _, end = value.partition("/")
        return parse_time(start, field), parse_time(end, field)
    moment = parse_time(value, field)
    return moment, None


def set_prop(row: Any, prop: Prop, value: Any, entity: EntityType) -> None:
    """Check and assign one property from its JSON value."""
    field = f"{entity.singular}.{prop.name}"
    if value is None and prop.required:
        raise Invalid(f"{field} darf nicht leer sein.", field=field)
    if prop.kind == "text":
        if not isinstance(value, str):
            raise Invalid(f"{field}: Text erwartet.", field=field)
        setattr(row, prop.attr, value)
    elif prop.kind == "time":  # null for an optional time (a required one is refused above)
        setattr(row, prop.attr, None if value is None else parse_time(value, field))
    elif prop.kind == "interval":
        start, end = parse_interval(value, field)
        setattr(row, prop.attr, start)
        setattr(row, prop.end_attr, end)
    elif prop.kind == "result":
        number, other = split_result(value)
        row.result_number, row.result_json = number, other
    else:
        if prop.name in {"properties", "parameters"} and not isinstance(value, dict | None):
            raise Invalid(f"{field}: ein JSON-Objekt erwartet.", field=field)
        setattr(row, prop.attr, value)


def split_result(value: Any) -> tuple[float | None, Any]:
    """Numbers go to the float column, everything else to the JSON column, and so do integers
    from 2**53 on: a float cannot hold most of them, and one it can hold (2**64) would read
    back as a float (``entities.result_value`` gives integers back below 2**53 only)."""
    if isinstance(value, float) or (type(value) is int and abs(value) < FLOAT_EXACT):
        return float(value), None
    return None, value


def _link(session: Session, entity: EntityType, data: dict[str, Any]) -> Any:
    key = data.get("@iot.id")
    if not isinstance(key, int) or isinstance(key, bool):
        raise Invalid(f"{entity.singular}: @iot.id muss eine ganze Zahl sein.", field="@iot.id")
    row = session.get(entity.model, key) if storable_id(key) else None
    if row is None:
        raise Invalid(
            f"Verknüpfung ins Leere: {entity.singular} mit @iot.id {key} gibt es nicht.",
            field=entity.singular,
        )
    return row


class DeepInsert:
    """Creates an entity with nested entities and links inside the caller's transaction.

    ``made`` lists every row it created (nested entities, HistoricalLocations, generated
    FeaturesOfInterest) in creation order; ``links`` every many-to-many link it added as
    (navigation of the owning side, owner id, target id). New Things, Locations, Sensors,
    ObservedProperties and FeaturesOfInterest belong to ``department_id`` (the writer's).
    """

    def __init__(self, session: Session, department_id: int | None = None) -> None:
        self.session = session
        self.department_id = department_id
        self.created = 0
        self.made: list[tuple[EntityType, Any]] = []
        self.links: list[tuple[Nav, int, int]] = []

    def entity(self, entity: EntityType, data: Any, preset: dict[str, Any] | None = None) -> Any:
        """Create (or, for ``{"@iot.id": n}``, link) one entity; returns the row."""
        if not isinstance(data, dict):
            raise Invalid(f"{entity.singular}: ein JSON-Objekt erwartet.", field=entity.singular)
        if "@iot.id" in data:  # a link to an existing entity; other keys are ignored (FROST)
            return _link(self.session, entity, data)
        unknown = set(data) - set(entity.props) - set(entity.navs)
        unknown = {k for k in unknown if "@" not in k}
        if unknown:
            name = sorted(unknown)[0]
            raise Invalid(f"{entity.singular} hat keine Eigenschaft {name!r}.", field=name)
        row = self._new_row(entity)
        for name, prop in entity.props.items():
            if name in data:
                set_prop(row, prop, data[name], entity)
            elif prop.required and entity.singular != "Observation":
                field = f"{entity.singular}.{name}"
                raise Invalid(f"{field} fehlt.", field=field)
        for key, value in (preset or {}).items():
            setattr(row, key, value)
        for nav in entity.navs.values():
            if nav.kind == "one" and nav.name in data:
                target = self.entity(ENTITY_TYPES[nav.target], data[nav.name])
                setattr(row, nav.attr, target.id)
        if entity.singular == "Observation":
            self._observation_defaults(row, data)
        self._require_links(entity, row)
        check_geometry(entity, row)
        duplicates.check_stream_setting(entity.singular, row)
        self._add(entity, row)
        self._children(entity, row, data)
        if entity.singular == "MultiDatastream":
            check_multi_datastream(self.session, row)
        return row

    def _new_row(self, entity: EntityType) -> Any:
        """An empty row; the owned entity sets get the writer's department."""
        row: Any = entity.model()
        if hasattr(row, "department_id"):
            row.department_id = self.department_id
        return row

    def _add(self, entity: EntityType, row: Any) -> None:
        """Write the new row; an Observation widens its (Multi)Datastream's times."""
        self.session.add(row)
        self.session.flush()
        self.created += 1
        self.made.append((entity, row))
        if entity.singular == "Observation":
            widen_observation_times(self.session, row)

    def _require_links(self, entity: EntityType, row: Any) -> None:
        for nav in entity.navs.values():
            if nav.required and getattr(row, nav.attr) is None:
                raise Invalid(
                    f"{entity.singular}: die Verknüpfung {nav.name} fehlt "
                    f'(z. B. "{nav.name}": {{"@iot.id": 1}}).',
                    field=nav.name,
                )

    def _children(self, entity: EntityType, row: Any, data: dict[str, Any]) -> None:
        for nav in entity.navs.values():
            if nav.kind == "one" or nav.name not in data:
                continue
            items = data[nav.name]
            if not isinstance(items, list):
                raise Invalid(f"{entity.singular}.{nav.name}: eine Liste erwartet.", field=nav.name)
            target = ENTITY_TYPES[nav.target]
            if nav.kind == "many":
                for item in items:
                    self.entity(target, item, {nav.attr: row.id})
            else:
                linked = [self.entity(target, item) for item in items]
                self.link_many(nav, row.id, [r.id for r in linked], replace=False)

    def link_many(self, nav: Nav, own_id: int, target_ids: list[int], *, replace: bool) -> None:
        """Write m2m links; a Thing's changed Locations also write a HistoricalLocation."""
        assert nav.table is not None
        table = nav.table
        before: set[int] = set()
        if replace:
            own = table.c[nav.attr] == own_id
            before = set(self.session.scalars(select(table.c[nav.target_attr]).where(own)))
            self.session.execute(delete(table).where(own))
        rows = [{nav.attr: own_id, nav.target_attr: t} for t in dict.fromkeys(target_ids)]
        if rows:
            self._number(table, rows)
            self.session.execute(insert(table), rows)
        self.links += [
            (nav, own_id, r[nav.target_attr]) for r in rows if r[nav.target_attr] not in before
        ]
        if table is m.thing_location and rows:
            things = [own_id] if nav.attr == "thing_id" else [r["thing_id"] for r in rows]
            for thing_id in things:
                self.historical_location(thing_id)

    def _number(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Link tables with a ``position`` keep the order of the request: each new link gets
        the next position of its owner (the table's first key column)."""
        if "position" not in table.c:
            return
        owner = table.primary_key.columns.values()[0]
        owners = {row[owner.key] for row in rows}
        latest = select(owner, func.max(table.c.position)).where(owner.in_(owners))
        following = {o: p + 1 for o, p in self.session.execute(latest.group_by(owner))}
        for row in rows:
            row["position"] = following.get(row[owner.key], 0)
            following[row[owner.key]] = row["position"] + 1

    def historical_location(self, thing_id: int) -> None:
        """Record the Thing's current Locations as of now."""
        history = m.HistoricalLocation(time=utcnow(), thing_id=thing_id)
        self.session.add(history)
        self.session.flush()
        self.made.append((ENTITY_TYPES["HistoricalLocations"], history))
        tl = m.thing_location.c
        location_ids = self.session.scalars(
            select(tl.location_id).where(tl.thing_id == thing_id)
        ).all()
        if location_ids:
            self.session.execute(
                insert(m.historical_location_location),
                [{"historical_location_id": history.id, "location_id": i} for i in location_ids],
            )
            nav = ENTITY_TYPES["HistoricalLocations"].navs["Locations"]
            self.links += [(nav, history.id, i) for i in location_ids]

    def _observation_defaults(self, row: m.Observation, data: dict[str, Any]) -> None:
        if "result" not in data:
            raise Invalid("Observation.result fehlt.", field="result")
        if row.phenomenon_time_start is None:
            row.phenomenon_time_start = utcnow()
        check_stream_links(row)
        duplicates.key_row(self.session, row)
        if row.multi_datastream_id is not None:
            check_multi_result(self.session, row.multi_datastream_id, data["result"])
        if row.feature_of_interest_id is None:
            made: list[Any] = []
            row.feature_of_interest_id = feature_for_datastream(
                self.session, row.datastream_id, row.multi_datastream_id, made
            )
            self.made += [(ENTITY_TYPES["FeaturesOfInterest"], f) for f in made]


def _feature_query(stream: Any) -> Any:
    """The Location of the stream's Thing and its FeatureOfInterest: one indexed query."""
    tl = m.thing_location.c
    foi = m.FeatureOfInterest
    return (
        select(tl.location_id, foi.id)
        .join(stream, stream.thing_id == tl.thing_id)
        .outerjoin(foi, foi.source_location_id == tl.location_id)
        .where(stream.id == bindparam("id"))
        .order_by(tl.location_id, foi.id)
        .limit(1)
    )


FEATURE_OF: dict[str, Any] = {
    "Datastream": _feature_query(m.Datastream),
    "MultiDatastream": _feature_query(m.MultiDatastream),
}


def feature_for_datastream(
    session: Session,
    datastream_id: int | None,
    multi_datastream_id: int | None = None,
    made: list[Any] | None = None,
) -> int:
    """The FeatureOfInterest made from the (Multi)Datastream's Thing's Location (reused);
    a feature made here is appended to ``made`` (for notifications)."""
    if datastream_id is not None:
        found = session.execute(FEATURE_OF["Datastream"], {"id": datastream_id}).first()
    else:
        found = session.execute(FEATURE_OF["MultiDatastream"], {"id": multi_datastream_id}).first()
    if found is not None and found[1] is not None:
        return int(found[1])
    location = session.get(m.Location, found[0]) if found is not None else None
    if location is None:
        raise Invalid(
            "Observation: FeatureOfInterest fehlt, und das Thing des Datastreams hat keine "
            "Location, aus der eines erzeugt werden könnte.",
            field="FeatureOfInterest",
        )
    existing = session.scalar(
        select(m.FeatureOfInterest.id).where(m.FeatureOfInterest.source_location_id == location.id)
    )
    if existing is not None:
        return existing
    feature = m.FeatureOfInterest(
        name=location.name,
        description=location.description,
        encoding_type=location.encoding_type,
        feature=location.location,
        source_location_id=location.id,
        department_id=location.department_id,
    )
    session.add(feature)
    session.flush()
    if made is not None:
        made.append(feature)
    return feature.id
