"""The time spans of (Multi)Datastreams: every write of an Observation widens its
(Multi)Datastream's phenomenonTime and resultTime to cover it (they never shrink; see
docs/api.md), in single Core statements built once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, case, or_, update
from sqlalchemy.orm import Session

from domstadt.sensors import models as m

OBSERVATION_SPAN = (
    "datastream_id",
    "multi_datastream_id",
    "phenomenon_time_start",
    "phenomenon_time_end",
    "result_time",
)
"""The Observation attributes ``widen_*_times`` read."""


def observation_span(row: Any) -> dict[str, Any]:
    """The times of an Observation row (model object) as ``widen_*_times`` take them."""
    return {name: getattr(row, name) for name in OBSERVATION_SPAN}


def widen_observation_times(session: Session, row: Any) -> None:
    """Widen the phenomenonTime/resultTime of the (Multi)Datastream of one Observation row."""
    span = observation_span(row)
    if row.datastream_id is not None:
        widen_datastream_times(session, [span])
    if row.multi_datastream_id is not None:
        widen_multi_datastream_times(session, [span])


def widen_datastream_times(session: Session, rows: list[dict[str, Any]]) -> None:
    """Widen each Datastream's phenomenonTime/resultTime to cover the new observation rows.

    Incremental (no scan of old observations); deletes do not shrink the spans. One UPDATE per
    Datastream that compares in SQL, so concurrent writers never narrow a span.
    """
    spans: dict[int, list[Any]] = {}
    for row in rows:
        if row.get("datastream_id") is None:
            continue
        start = row["phenomenon_time_start"]
        end = row.get("phenomenon_time_end") or start
        result_time = row.get("result_time")
        span = spans.setdefault(row["datastream_id"], [start, end, result_time, result_time])
        span[0], span[1] = min(span[0], start), max(span[1], end)
        if result_time is not None:
            span[2] = result_time if span[2] is None else min(span[2], result_time)
            span[3] = result_time if span[3] is None else max(span[3], result_time)
    for ds_id, (start, end, r_start, r_end) in spans.items():
        params = {"ds": ds_id, "start": start, "end": end, "r_start": r_start, "r_end": r_end}
        session.execute(_WIDEN[r_start is not None], params)
        loaded = session.identity_map.get(session.identity_key(m.Datastream, ds_id))
        if loaded is not None:
            session.expire(loaded, list(_SPAN_COLUMNS))


_DS: Any = m.Datastream.__table__
_SPAN_COLUMNS = (
    "phenomenon_time_start",
    "phenomenon_time_end",
    "result_time_start",
    "result_time_end",
)


def _widened(name: str, param: str) -> Any:
    """SQL for column ``name`` widened to include parameter ``param`` (NULL: no span yet)."""
    column = _DS.c[name]
    bound = bindparam(param, type_=column.type)
    beyond = column > bound if name.endswith("_start") else column < bound
    return case((or_(column.is_(None), beyond), bound), else_=column)


def _widen_statement(with_result_time: bool) -> Any:
    names = _SPAN_COLUMNS if with_result_time else _SPAN_COLUMNS[:2]
    params = ("start", "end", "r_start", "r_end")
    values = {name: _widened(name, param) for name, param in zip(names, params, strict=False)}
    return update(_DS).where(_DS.c.id == bindparam("ds")).values(values)


_WIDEN = {False: _widen_statement(False), True: _widen_statement(True)}


def widen_multi_datastream_times(session: Session, rows: list[dict[str, Any]]) -> None:
    """Widen each MultiDatastream's phenomenonTime/resultTime to cover the new rows."""
    by_stream: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_stream.setdefault(row["multi_datastream_id"], []).append(row)
    for multi_id, items in by_stream.items():
        multi = session.get(m.MultiDatastream, multi_id)
        if multi is None:
            continue
        starts = [r["phenomenon_time_start"] for r in items]
        ends = [r["phenomenon_time_end"] or r["phenomenon_time_start"] for r in items]
        results = [r["result_time"] for r in items if r["result_time"] is not None]
        multi.phenomenon_time_start = min([*starts, *_known(multi.phenomenon_time_start)])
        multi.phenomenon_time_end = max([*ends, *_known(multi.phenomenon_time_end)])
        if results:
            multi.result_time_start = min([*results, *_known(multi.result_time_start)])
            multi.result_time_end = max([*results, *_known(multi.result_time_end)])


def _known(value: dt.datetime | None) -> list[dt.datetime]:
    return [] if value is None else [value]
