"""Trigger-free bulk ingest of observations (``CreateObservations``, dataArray format).

Each group names a ``"Datastream"`` or a ``"MultiDatastream"`` (MultiDatastream extension:
its ``result`` is an array with one value per ObservedProperty). Structure errors (not a
list, unknown (Multi)Datastream, unknown component) refuse the whole request; value errors
(including a MultiDatastream result of the wrong length) refuse only their row, answered as
``"error: …"`` in its place. Duplicate rule (``duplicates.py``): one observation per
(Multi)Datastream and whole phenomenonTime unless the stream allows duplicates. A duplicate (of
a stored row or of an earlier row in the same request) is refused per row; the other rows are
stored. Rows are written in one go per kind of stream (``fastinsert``: COPY on PostgreSQL,
multi-row INSERTs on SQLite).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.errors import Invalid
from domstadt.sensors import models as m
from domstadt.sensors.sta import duplicates, fastinsert
from domstadt.sensors.sta.entities import interval, iso, result_value, storable_id
from domstadt.sensors.sta.timespans import widen_datastream_times, widen_multi_datastream_times
from domstadt.sensors.sta.writer import (
    feature_for_datastream,
    parse_interval,
    parse_time,
    split_result,
)

ROW_COMPONENTS = (
    "phenomenonTime",
    "result",
    "resultTime",
    "resultQuality",
    "validTime",
    "parameters",
    "FeatureOfInterest/id",
)
"""The components a row is built from, in the order :func:`_picker` picks them."""


COMPONENTS = {"id", *ROW_COMPONENTS}
"""Every component a group may name (an ``id`` is accepted and not used: the server assigns ids)."""


@dataclass
class BulkResult:
    """Self links (or errors) in input order, and what was written."""

    links: list[str] = field(default_factory=list)
    created: int = 0
    refused: int = 0
    datastream_ids: list[int] = field(default_factory=list)
    multi_datastream_ids: list[int] = field(default_factory=list)
    inserted: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    features: list[Any] = field(default_factory=list)
    """FeaturesOfInterest generated from a Thing's Location for the rows (to notify them)."""


class RowError(ValueError):
    """A single row is refused; the message goes into that row's answer."""


@dataclass(frozen=True)
class Stream:
    """The (Multi)Datastream a group of rows belongs to; ``size`` is the length of a
    MultiDatastream's result array (None for a Datastream)."""

    kind: str
    id: int
    size: int | None = None

    @property
    def column(self) -> str:
        """The observation column that links to this stream."""
        return "datastream_id" if self.size is None else "multi_datastream_id"


def _stream(session: Session, group: dict[str, Any], where: str) -> Stream:
    kind = "MultiDatastream" if "MultiDatastream" in group else "Datastream"
    if kind == "MultiDatastream" and "Datastream" in group:
        raise Invalid(f"{where}: entweder Datastream oder MultiDatastream, nicht beide.")
    link = group.get(kind)
    key = link.get("@iot.id", link.get("id")) if isinstance(link, dict) else None
    if not isinstance(key, int) or isinstance(key, bool):
        raise Invalid(f'{where}: "{kind}": {{"@iot.id": …}} fehlt.', field=kind)
    if kind == "Datastream":
        if not storable_id(key) or session.get(m.Datastream, key) is None:
            raise Invalid(f"{where}: Datastream mit @iot.id {key} gibt es nicht.", field=kind)
        return Stream(kind, key)
    multi = session.get(m.MultiDatastream, key) if storable_id(key) else None
    if multi is None:
        raise Invalid(f"{where}: MultiDatastream mit @iot.id {key} gibt es nicht.", field=kind)
    return Stream(kind, key, len(multi.unit_of_measurements or []))


def _group(session: Session, group: Any, index: int) -> tuple[Stream, list[str], list[Any]]:
    where = f"Eintrag {index + 1}"
    if not isinstance(group, dict):
        raise Invalid(f"{where}: ein JSON-Objekt erwartet.")
    stream = _stream(session, group, where)
    components = group.get("components")
    if not isinstance(components, list) or "result" not in components:
        raise Invalid(f'{where}: "components" muss eine Liste mit "result" sein.')
    unknown = [c for c in components if c not in COMPONENTS]
    if unknown:
        raise Invalid(f"{where}: unbekannte Komponente {unknown[0]!r}.", field="components")
    twice = [c for position, c in enumerate(components) if c in components[:position]]
    if twice:
        raise Invalid(f"{where}: Komponente {twice[0]!r} ist doppelt genannt.", field="components")
    rows = group.get("dataArray")
    if not isinstance(rows, list):
        raise Invalid(f'{where}: "dataArray" muss eine Liste sein.', field="dataArray")
    return stream, components, rows


class _Builder:
    """Builds insert rows of one stream (a Datastream unless ``stream`` says otherwise)."""

    def __init__(
        self,
        session: Session,
        ds_id: int,
        stream: Stream | None = None,
        made: list[Any] | None = None,
    ) -> None:
        self.session = session
        self.ds_id = ds_id
        self.stream = stream or Stream("Datastream", ds_id)
        self.column = self.stream.column
        self.refuse = duplicates.stream_refuses(session, self.column, ds_id)
        self.default_feature: int | None = None
        self.known_features: set[int] = set()
        self.made = made  # generated FeaturesOfInterest are appended here
        self._components: list[str] | None = None
        self._pick = _picker([])

    def row(self, components: list[str], values: Any) -> dict[str, Any]:
        if not isinstance(values, list) or len(values) != len(components):
            raise RowError(f"{len(components)} Werte erwartet")
        if components is not self._components:
            self._components, self._pick = components, _picker(components)
        time, result, result_time, quality, valid, parameters, feature = self._pick([*values, None])
        try:
            start, end = _interval(time)
            start = start or dt.datetime.now(dt.UTC)
            result_at = parse_time(result_time, "resultTime") if result_time else None
            valid_start, valid_end = (
                parse_interval(valid, "validTime") if valid is not None else (None, None)
            )
            row = {
                self.column: self.ds_id,
                "phenomenon_time_start": start,
                "phenomenon_time_end": end,
                "result_time": result_at,
                "result_quality": quality,
                "parameters": parameters,
                "valid_time_start": valid_start,
                "valid_time_end": valid_end,
                "phenomenon_time_key": duplicates.time_key(self.refuse, start, end),
            }
        except Invalid as exc:
            raise RowError(exc.message) from None
        if self.stream.size is not None:
            self._check_multi(result)
        row["result_number"], row["result_json"] = split_result(result)
        row["feature_of_interest_id"] = self.feature(feature)
        return row

    def _check_multi(self, result: Any) -> None:
        size = self.stream.size
        if isinstance(result, list) and len(result) == size:
            return
        if not isinstance(result, list):
            given = "keine Liste"
        else:
            given = f"{len(result)} Wert" if len(result) == 1 else f"{len(result)} Werte"
        raise RowError(
            f"result: für MultiDatastream {self.ds_id} eine Liste mit {size} Werten erwartet "
            f"(einer je ObservedProperty), erhalten: {given}"
        )

    def feature(self, given: Any) -> int:
        if given is None:
            if self.default_feature is None:
                multi = self.stream.size is not None
                self.default_feature = feature_for_datastream(
                    self.session,
                    None if multi else self.ds_id,
                    self.ds_id if multi else None,
                    self.made,
                )
            return self.default_feature
        if not isinstance(given, int) or isinstance(given, bool):
            raise RowError("FeatureOfInterest/id muss eine ganze Zahl sein")
        if given not in self.known_features:
            if not storable_id(given) or self.session.get(m.FeatureOfInterest, given) is None:
                raise RowError(f"FeatureOfInterest {given} gibt es nicht")
            self.known_features.add(given)
        return given


def _picker(components: list[str]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """Picks :data:`ROW_COMPONENTS` in order from a row of ``components`` with ``None``
    appended (a component not given is at -1, the ``None``): looked up once per group instead
    of a dict per row."""
    at = [components.index(c) if c in components else -1 for c in ROW_COMPONENTS]
    pick: Callable[[list[Any]], tuple[Any, ...]] = operator.itemgetter(*at)
    return pick


def _interval(value: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """phenomenonTime: the common plain timestamp parsed directly; anything else (intervals,
    odd text, errors with their message) through ``parse_interval``."""
    if type(value) is str and "/" not in value:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)), None
    return parse_interval(value, "phenomenonTime")


def _existing_times(session: Session, stream: Stream, rows: list[dict[str, Any]]) -> set[Any]:
    """(start, key) of the stream's stored Observations in the rows' time range."""
    if not rows:
        return set()
    times = [r["phenomenon_time_start"] for r in rows]
    o = m.Observation
    found = session.execute(
        select(o.phenomenon_time_start, o.phenomenon_time_key).where(
            getattr(o, stream.column) == stream.id,
            o.phenomenon_time_start >= min(times),
            o.phenomenon_time_start <= max(times),
        )
    )
    return {(start, key) for start, key in found}


def _insert(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows``; the new ids in input order.

    PostgreSQL: ``COPY`` with ids drawn from the sequence first (``fastinsert``). SQLite
    cannot promise the order of RETURNING for a multi-row insert, so SQLAlchemy would fall
    back to one statement per row (4× slower); there the rows go in as precompiled multi-row
    INSERTs of plain tuples (``fastinsert``) whose ids follow from ``last_insert_rowid()``;
    should that not check out, they are read back by (stream, phenomenonTime start): several
    rows may share a start (an instant and an interval, or a stream that allows duplicates),
    so each start takes the newest ids found for it, in insert order (SQLite hands out
    ascending ids while this transaction holds the write lock).
    """
    if session.get_bind().dialect.name == "postgresql":
        return fastinsert.insert_postgres(session, rows)
    ids = fastinsert.insert_sqlite(session, rows)
    if ids is not None:
        return ids
    return _read_back_ids(session, rows)


def _read_back_ids(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """The ids of just-inserted ``rows``, read back as :func:`_insert` describes."""
    column = "multi_datastream_id" if "multi_datastream_id" in rows[0] else "datastream_id"
    by_ds: dict[int, list[dt.datetime]] = {}
    wanted: dict[tuple[int, dt.datetime], int] = {}
    for row in rows:
        by_ds.setdefault(row[column], []).append(row["phenomenon_time_start"])
        key = (row[column], row["phenomenon_time_start"].astimezone(dt.UTC))
        wanted[key] = wanted.get(key, 0) + 1
    found: dict[tuple[int, dt.datetime], list[int]] = {}
    o = m.Observation
    for ds_id, times in by_ds.items():
        query = (
            select(o.id, o.phenomenon_time_start)
            .where(
                getattr(o, column) == ds_id,
                o.phenomenon_time_start >= min(times),
                o.phenomenon_time_start <= max(times),
            )
            .order_by(o.id)
        )
        for obs_id, moment in session.execute(query):
            found.setdefault((ds_id, moment.astimezone(dt.UTC)), []).append(obs_id)
    newest = {key: found[key][-count:] for key, count in wanted.items()}
    return [newest[(r[column], r["phenomenon_time_start"].astimezone(dt.UTC))].pop(0) for r in rows]


def _insert_all(session: Session, rows: list[dict[str, Any]], has_multi: bool) -> list[int]:
    """Insert and widen the streams' times; the ids in input order. Rows of Datastreams and
    of MultiDatastreams have different columns, so they go in as separate inserts (the plain
    Datastream case, ``has_multi`` False, without sorting)."""
    if not has_multi:
        ids = _insert(session, rows)
        widen_datastream_times(session, rows)
        return ids
    plain = [i for i, r in enumerate(rows) if "multi_datastream_id" not in r]
    multi = [i for i, r in enumerate(rows) if "multi_datastream_id" in r]
    out = [0] * len(rows)
    for part in (plain, multi):
        if part:
            part_rows = [rows[i] for i in part]
            for position, obs_id in zip(part, _insert(session, part_rows), strict=True):
                out[position] = obs_id
    widen_datastream_times(session, [rows[i] for i in plain])
    widen_multi_datastream_times(session, [rows[i] for i in multi])
    return out


def _rows(
    session: Session, stream: Stream, components: list[str], values: list[Any], made: list[Any]
) -> list[dict[str, Any] | str]:
    """Built rows of one group, ``"error: …"`` in place of a refused one (duplicates too);
    generated FeaturesOfInterest are appended to ``made``."""
    builder = _Builder(session, stream.id, stream, made)
    built: list[dict[str, Any] | str] = []
    for values_row in values:
        try:
            built.append(builder.row(components, values_row))
        except RowError as exc:
            built.append(f"error: {exc}")
    if not builder.refuse:
        return built
    rows = [b for b in built if isinstance(b, dict)]
    seen = _existing_times(session, stream, rows)
    if not seen and _rising(rows):
        return built  # nothing stored in their time range, no start twice: no duplicate
    duplicate = f"error: Duplikat (gleicher {stream.kind} und phenomenonTime)"
    for position, item in enumerate(built):
        if isinstance(item, str):
            continue
        # aware datetimes: equal and hashed by the instant; the key is the end (or instant)
        moment = (item["phenomenon_time_start"], item["phenomenon_time_key"])
        if moment in seen:
            built[position] = duplicate
        else:
            seen.add(moment)
    return built


def _rising(rows: list[dict[str, Any]]) -> bool:
    """Whether each row starts after the one before (a sensor's batch, as a rule): then no two
    rows share a phenomenonTime, checked without hashing every row's times."""
    starts = [row["phenomenon_time_start"] for row in rows]
    return all(map(operator.lt, starts, starts[1:]))


def create_observations(session: Session, data: Any, link_base: str) -> BulkResult:
    """Validate, de-duplicate and insert; see the module docstring for the rules."""
    if not isinstance(data, list):
        raise Invalid("CreateObservations erwartet eine JSON-Liste von dataArray-Einträgen.")
    result = BulkResult()
    answers: list[str | int] = []
    to_insert: list[dict[str, Any]] = []
    for index, group in enumerate(data):
        stream, components, values = _group(session, group, index)
        if stream.size is None:
            result.datastream_ids.append(stream.id)
        else:
            result.multi_datastream_ids.append(stream.id)
        for item in _rows(session, stream, components, values, result.features):
            if isinstance(item, str):
                answers.append(item)
            else:
                answers.append(len(to_insert))
                to_insert.append(item)
    ids: list[int] = []
    if to_insert:
        ids = _insert_all(session, to_insert, bool(result.multi_datastream_ids))
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
        "MultiDatastream@iot.navigationLink": f"{link}/MultiDatastream",
        "FeatureOfInterest@iot.navigationLink": f"{link}/FeatureOfInterest",
    }
