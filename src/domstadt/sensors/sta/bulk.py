"""Trigger-free bulk ingest of observations (``CreateObservations``, dataArray format).

Structure errors (not a list, unknown Datastream, unknown component) refuse the whole
request; value errors refuse only their row, answered as ``"error: …"`` in its place.
Duplicate policy: one observation per Datastream and phenomenonTime. A duplicate (of a
stored row or of an earlier row in the same request) is refused per row; the other rows are
stored. Rows are written with one executemany (multi-row INSERT … RETURNING id).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from domstadt.core.errors import Invalid
from domstadt.sensors import models as m
from domstadt.sensors.sta import fastinsert
from domstadt.sensors.sta.entities import interval, iso, result_value
from domstadt.sensors.sta.writer import (
    feature_for_datastream,
    parse_interval,
    parse_time,
    split_result,
    widen_datastream_times,
)

COMPONENTS = {
    "id",
    "phenomenonTime",
    "result",
    "resultTime",
    "resultQuality",
    "validTime",
    "parameters",
    "FeatureOfInterest/id",
}


@dataclass
class BulkResult:
    """Self links (or errors) in input order, and what was written."""

    links: list[str] = field(default_factory=list)
    created: int = 0
    refused: int = 0
    datastream_ids: list[int] = field(default_factory=list)
    inserted: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class RowError(ValueError):
    """A single row is refused; the message goes into that row's answer."""


def _group(session: Session, group: Any, index: int) -> tuple[int, list[str], list[Any]]:
    where = f"Eintrag {index + 1}"
    if not isinstance(group, dict):
        raise Invalid(f"{where}: ein JSON-Objekt erwartet.")
    ds = group.get("Datastream")
    ds_id = ds.get("@iot.id", ds.get("id")) if isinstance(ds, dict) else None
    if not isinstance(ds_id, int) or isinstance(ds_id, bool):
        raise Invalid(f'{where}: "Datastream": {{"@iot.id": …}} fehlt.', field="Datastream")
    if session.get(m.Datastream, ds_id) is None:
        raise Invalid(f"{where}: Datastream mit @iot.id {ds_id} gibt es nicht.", field="Datastream")
    components = group.get("components")
    if not isinstance(components, list) or "result" not in components:
        raise Invalid(f'{where}: "components" muss eine Liste mit "result" sein.')
    unknown = [c for c in components if c not in COMPONENTS]
    if unknown:
        raise Invalid(f"{where}: unbekannte Komponente {unknown[0]!r}.", field="components")
    rows = group.get("dataArray")
    if not isinstance(rows, list):
        raise Invalid(f'{where}: "dataArray" muss eine Liste sein.', field="dataArray")
    return ds_id, components, rows


class _Builder:
    def __init__(self, session: Session, ds_id: int) -> None:
        self.session = session
        self.ds_id = ds_id
        self.default_feature: int | None = None
        self.known_features: set[int] = set()

    def row(self, components: list[str], values: Any) -> dict[str, Any]:
        if not isinstance(values, list) or len(values) != len(components):
            raise RowError(f"{len(components)} Werte erwartet")
        data = dict(zip(components, values, strict=True))
        try:
            start, end = parse_interval(data.get("phenomenonTime"), "phenomenonTime")
            result_time = data.get("resultTime")
            row = {
                "datastream_id": self.ds_id,
                "phenomenon_time_start": start or dt.datetime.now(dt.UTC),
                "phenomenon_time_end": end,
                "result_time": parse_time(result_time, "resultTime") if result_time else None,
                "result_quality": data.get("resultQuality"),
                "parameters": data.get("parameters"),
            }
            row["valid_time_start"], row["valid_time_end"] = parse_interval(
                data.get("validTime"), "validTime"
            )
        except Invalid as exc:
            raise RowError(exc.message) from None
        row["result_number"], row["result_json"] = split_result(data["result"])
        row["feature_of_interest_id"] = self.feature(data.get("FeatureOfInterest/id"))
        return row

    def feature(self, given: Any) -> int:
        if given is None:
            if self.default_feature is None:
                self.default_feature = feature_for_datastream(self.session, self.ds_id)
            return self.default_feature
        if not isinstance(given, int) or isinstance(given, bool):
            raise RowError("FeatureOfInterest/id muss eine ganze Zahl sein")
        if given not in self.known_features:
            if self.session.get(m.FeatureOfInterest, given) is None:
                raise RowError(f"FeatureOfInterest {given} gibt es nicht")
            self.known_features.add(given)
        return given


def _existing_times(session: Session, ds_id: int, rows: list[dict[str, Any]]) -> set[Any]:
    if not rows:
        return set()
    times = [r["phenomenon_time_start"] for r in rows]
    o = m.Observation
    found = session.scalars(
        select(o.phenomenon_time_start).where(
            o.datastream_id == ds_id,
            o.phenomenon_time_start >= min(times),
            o.phenomenon_time_start <= max(times),
        )
    )
    return {t.astimezone(dt.UTC) for t in found}


def _insert(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Multi-row INSERT; the new ids in input order.

    PostgreSQL batches ``INSERT … RETURNING`` in parameter order. SQLite cannot promise the
    order of RETURNING for a multi-row insert, so SQLAlchemy would fall back to one statement
    per row (4× slower); there the rows go in as one precompiled executemany of plain tuples
    (``fastinsert``) whose ids follow from ``last_insert_rowid()``; should that not check out,
    they are read back by the unique key (datastream, phenomenonTime).
    """
    table: Any = m.Observation.__table__
    if session.get_bind().dialect.name != "sqlite":
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(stmt, rows).scalars())
    ids = fastinsert.insert_sqlite(session, rows)
    if ids is not None:
        return ids
    by_ds: dict[int, list[dt.datetime]] = {}
    for row in rows:
        by_ds.setdefault(row["datastream_id"], []).append(row["phenomenon_time_start"])
    found: dict[tuple[int, dt.datetime], int] = {}
    o = m.Observation
    for ds_id, times in by_ds.items():
        query = select(o.id, o.phenomenon_time_start).where(
            o.datastream_id == ds_id,
            o.phenomenon_time_start >= min(times),
            o.phenomenon_time_start <= max(times),
        )
        for obs_id, moment in session.execute(query):
            found[(ds_id, moment.astimezone(dt.UTC))] = obs_id
    return [
        found[(r["datastream_id"], r["phenomenon_time_start"].astimezone(dt.UTC))] for r in rows
    ]


def create_observations(session: Session, data: Any, link_base: str) -> BulkResult:
    """Validate, de-duplicate and insert; see the module docstring for the rules."""
    if not isinstance(data, list):
        raise Invalid("CreateObservations erwartet eine JSON-Liste von dataArray-Einträgen.")
    result = BulkResult()
    answers: list[str | int] = []
    to_insert: list[dict[str, Any]] = []
    for index, group in enumerate(data):
        ds_id, components, values = _group(session, group, index)
        result.datastream_ids.append(ds_id)
        builder = _Builder(session, ds_id)
        built: list[dict[str, Any] | str] = []
        for values_row in values:
            try:
                built.append(builder.row(components, values_row))
            except RowError as exc:
                built.append(f"error: {exc}")
        seen = _existing_times(session, ds_id, [b for b in built if isinstance(b, dict)])
        for item in built:
            if isinstance(item, str):
                answers.append(item)
                continue
            moment = item["phenomenon_time_start"].astimezone(dt.UTC)
            if moment in seen:
                answers.append("error: Duplikat (gleicher Datastream und phenomenonTime)")
                continue
            seen.add(moment)
            answers.append(len(to_insert))
            to_insert.append(item)
    ids: list[int] = []
    if to_insert:
        ids = _insert(session, to_insert)
        widen_datastream_times(session, to_insert)
    for answer in answers:
        if isinstance(answer, int):
            result.links.append(f"{link_base}({ids[answer]})")
        else:
            result.links.append(answer)
    result.created = len(ids)
    result.inserted = list(zip(ids, to_insert, strict=True))
    result.refused = len(answers) - len(ids)
    return result


def observation_json(base: str, obs_id: int, row: dict[str, Any]) -> dict[str, Any]:
    """The SensorThings JSON of an inserted row, built without reading it back."""
    link = f"{base}/Observations({obs_id})"
    return {
        "@iot.id": obs_id,
        "@iot.selfLink": link,
        "phenomenonTime": interval(row["phenomenon_time_start"], row["phenomenon_time_end"]),
        "resultTime": iso(row["result_time"]),
        "result": result_value(SimpleNamespace(**row)),
        "resultQuality": row["result_quality"],
        "validTime": interval(row["valid_time_start"], row["valid_time_end"]),
        "parameters": row["parameters"],
        "Datastream@iot.navigationLink": f"{link}/Datastream",
        "FeatureOfInterest@iot.navigationLink": f"{link}/FeatureOfInterest",
    }
