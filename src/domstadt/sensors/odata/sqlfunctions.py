"""SQL constructs whose spelling differs between SQLite and PostgreSQL (compiled per dialect)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

_SQLITE_PARTS = {"year": "%Y", "month": "%m", "day": "%d", "hour": "%H", "minute": "%M"}


class DatePart(FunctionElement[int]):
    """year/month/day/hour/minute/second of a UTC timestamp as an integer."""

    type = Integer()
    inherit_cache = True
    name = "date_part"

    def __init__(self, part: str, expr: Any) -> None:
        self.part = part
        super().__init__(expr)


@compiles(DatePart, "sqlite")
def _date_part_sqlite(element: DatePart, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(next(iter(element.clauses)), **kw)
    if element.part == "second":
        return f"CAST(strftime('%S', {arg}) AS INTEGER)"
    return f"CAST(strftime('{_SQLITE_PARTS[element.part]}', {arg}) AS INTEGER)"


@compiles(DatePart, "postgresql")
def _date_part_pg(element: DatePart, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(next(iter(element.clauses)), **kw)
    return (
        f"CAST(FLOOR(EXTRACT({element.part.upper()} FROM ({arg}) AT TIME ZONE 'UTC')) AS INTEGER)"
    )


class IndexOf(FunctionElement[int]):
    """Zero-based position of the second argument in the first (-1 when absent)."""

    type = Integer()
    inherit_cache = True
    name = "index_of"


@compiles(IndexOf, "sqlite")
def _index_of_sqlite(element: IndexOf, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"(instr({a}, {b}) - 1)"


@compiles(IndexOf, "postgresql")
def _index_of_pg(element: IndexOf, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"(strpos({a}, {b}) - 1)"


class JsonRootText(FunctionElement[str]):
    """A JSON column's top-level value as text (for string results of observations)."""

    type = String()
    inherit_cache = True
    name = "json_root_text"


@compiles(JsonRootText, "sqlite")
def _json_root_sqlite(element: JsonRootText, compiler: Any, **kw: Any) -> str:
    return f"json_extract({compiler.process(next(iter(element.clauses)), **kw)}, '$')"


@compiles(JsonRootText, "postgresql")
def _json_root_pg(element: JsonRootText, compiler: Any, **kw: Any) -> str:
    return f"(({compiler.process(next(iter(element.clauses)), **kw)}) #>> '{{}}')"


class EpochSeconds(FunctionElement[float]):
    """Seconds since 1970 of a UTC timestamp (for time buckets)."""

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(EpochSeconds, "sqlite")
def _epoch_sqlite(element: EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(next(iter(element.clauses)), **kw)}) AS INTEGER)"


@compiles(EpochSeconds, "postgresql")
def _epoch_pg(element: EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(next(iter(element.clauses)), **kw)})"
