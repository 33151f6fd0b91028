"""SQL constructs whose spelling differs between SQLite and PostgreSQL (compiled per dialect).

SQLAlchemy caches a statement's compiled SQL under a key built from each construct's
``_traverse_internals``: a construct that carries state besides its arguments (``DatePart``'s
part) lists that state there, or two different calls would share one compiled SQL.

SQLite keeps timestamps as text ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLAlchemy's storage format
for stored and bound values alike, always with six fractional digits): the parts are read
from their fixed positions, exact to the microsecond and for every year up to 9999 (SQLite's
date functions keep milliseconds and fail on ``9999-12-31 23:59:59.9995``). The date is the
first 10 characters and the time of day the 15 from position 12, the formats of a bound DATE
and TIME (``YYYY-MM-DD``, ``HH:MM:SS.ffffff``), so both compare as text. PostgreSQL
evaluates every part in UTC whatever the session's time zone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Float, Integer, Numeric, String, Time, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from domstadt.core.db import SQLITE_LOWER, SQLITE_UPPER

# (first character, length) in SQLite's text form of a timestamp
_SQLITE_PARTS = {
    "year": (1, 4),
    "month": (6, 2),
    "day": (9, 2),
    "hour": (12, 2),
    "minute": (15, 2),
    "second": (18, 2),
}
_JSON_INDEX = {operators.json_getitem_op, operators.json_path_getitem_op}
# ordering rank of each JSON type name (json_type on SQLite, json_typeof on PostgreSQL);
# null and missing values rank last (RANK_NULL)
RANK_NUMBER, RANK_STRING, RANK_BOOL, RANK_STRUCTURE, RANK_NULL = range(5)
_SQLITE_RANKS = {
    "integer": RANK_NUMBER,
    "real": RANK_NUMBER,
    "text": RANK_STRING,
    "true": RANK_BOOL,
    "false": RANK_BOOL,
    "object": RANK_STRUCTURE,
    "array": RANK_STRUCTURE,
}
_PG_RANKS = {
    "number": RANK_NUMBER,
    "string": RANK_STRING,
    "boolean": RANK_BOOL,
    "object": RANK_STRUCTURE,
    "array": RANK_STRUCTURE,
}


def _arg(element: FunctionElement[Any], compiler: Any, **kw: Any) -> str:
    """The compiled SQL of a one-argument construct's argument."""
    return str(compiler.process(next(iter(element.clauses)), **kw))


class DatePart(FunctionElement[int]):
    """year/month/day/hour/minute/second of a UTC timestamp as an integer."""

    type = Integer()
    inherit_cache = True
    name = "date_part"
    # the part belongs to the cache key: year(…) and month(…) must not share compiled SQL
    _traverse_internals = [
        *FunctionElement._traverse_internals,
        ("part", InternalTraversal.dp_string),
    ]

    def __init__(self, part: str, expr: Any) -> None:
        if part not in _SQLITE_PARTS:
            raise ValueError(f"unknown date part {part!r}")
        self.part = part
        super().__init__(expr)


@compiles(DatePart, "sqlite")
def _date_part_sqlite(element: DatePart, compiler: Any, **kw: Any) -> str:
    start, length = _SQLITE_PARTS[element.part]
    return f"CAST(substr({_arg(element, compiler, **kw)}, {start}, {length}) AS INTEGER)"


@compiles(DatePart, "postgresql")
def _date_part_pg(element: DatePart, compiler: Any, **kw: Any) -> str:
    arg = _arg(element, compiler, **kw)
    return (
        f"CAST(FLOOR(EXTRACT({element.part.upper()} FROM ({arg}) AT TIME ZONE 'UTC')) AS INTEGER)"
    )


def render_as(construct: type[FunctionElement[Any]], **templates: str) -> None:
    """Compile ``construct`` per dialect (keyword: dialect name) by filling its compiled
    arguments into a fixed SQL template (``{0}``, ``{1}``, …)."""
    for dialect, template in templates.items():

        def render(
            element: FunctionElement[Any], compiler: Any, _sql: str = template, **kw: Any
        ) -> str:
            return _sql.format(*(compiler.process(c, **kw) for c in element.clauses))

        compiles(construct, dialect)(render)


def sql_function(name: str, type_: Any, doc: str, **templates: str) -> Any:
    """A construct class ``name`` returning ``type_``, compiled per dialect from
    ``templates`` (see :func:`render_as`); it has no state besides its arguments, so its
    cache key is the default one."""
    construct: Any = type(
        name,
        (FunctionElement,),
        {"type": type_, "inherit_cache": True, "name": name.lower(), "__doc__": doc},
    )
    render_as(construct, **templates)
    return construct


DateOf = sql_function(
    "DateOf",
    Date(),
    "The UTC date of a timestamp (OData ``date``).",
    sqlite="substr({0}, 1, 10)",
    postgresql="CAST(({0}) AT TIME ZONE 'UTC' AS DATE)",
)
TimeOf = sql_function(
    "TimeOf",
    Time(),
    "The UTC time of day of a timestamp (OData ``time``), to the microsecond.",
    sqlite="substr({0}, 12, 15)",
    postgresql="CAST(({0}) AT TIME ZONE 'UTC' AS TIME)",
)
FractionalSeconds = sql_function(
    "FractionalSeconds",
    Float(),
    "The fraction of the second of a timestamp, 0 ≤ x < 1 (OData ``fractionalseconds``).",
    sqlite="CAST(substr({0}, 20, 7) AS REAL)",
    postgresql="CAST(MOD(EXTRACT(MICROSECONDS FROM ({0})), 1000000) / 1000000 AS FLOAT)",
)
ToLower = sql_function(
    "ToLower",
    String(),
    "Lower case of every letter, not only ASCII (SQLite's ``lower`` maps ASCII only).",
    sqlite=f"{SQLITE_LOWER}({{0}})",
    postgresql="lower({0})",
)
ToUpper = sql_function(
    "ToUpper",
    String(),
    "Upper case of every letter, not only ASCII (SQLite's ``upper`` maps ASCII only).",
    sqlite=f"{SQLITE_UPPER}({{0}})",
    postgresql="upper({0})",
)
IndexOf = sql_function(
    "IndexOf",
    Integer(),
    "One-based position of the second argument in the first (0 when absent): OGC 18-088 "
    "Table 23's example counts from 1 (``indexof(description,'Sensor Things') eq 1``) and "
    "FROST-Server answers SQL ``position``; OData's zero-based count is not followed.",
    sqlite="instr({0}, {1})",
    postgresql="strpos({0}, {1})",
)
NumberText = sql_function(
    "NumberText",
    String(),
    "A stored number as text the way JSON writes it: whole numbers without a fraction "
    "(``6``, not ``6.0``), others in the database's shortest form (``6.5``).",
    sqlite=(
        "(CASE WHEN {0} = CAST({0} AS INTEGER) AND abs({0}) < 1e15 "
        "THEN CAST(CAST({0} AS INTEGER) AS TEXT) ELSE CAST({0} AS TEXT) END)"
    ),
    postgresql="CAST({0} AS TEXT)",
)
EpochSeconds = sql_function(
    "EpochSeconds",
    Float(),
    "Seconds since 1970 of a UTC timestamp (for time buckets).",
    sqlite="CAST(strftime('%s', {0}) AS INTEGER)",
    postgresql="EXTRACT(EPOCH FROM {0})",
)


class JsonRank(FunctionElement[int]):
    """The rank of the type of a JSON value or of a path into one, for ordering and for
    casting only values of the wanted type: numbers, strings, booleans, objects and arrays,
    null or missing (``RANK_…``)."""

    type = Integer()
    inherit_cache = True
    name = "json_rank"


def _rank_case(type_name: str, ranks: dict[str, int]) -> str:
    """``CASE <type_name> WHEN '<name>' THEN <rank> … ELSE <RANK_NULL> END`` (fixed ranks)."""
    whens = " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in ranks.items())
    return f"CASE {type_name} {whens} ELSE {RANK_NULL} END"


@compiles(JsonRank, "sqlite")
def _json_rank_sqlite(element: JsonRank, compiler: Any, **kw: Any) -> str:
    value = next(iter(element.clauses))
    if isinstance(value, BinaryExpression) and value.operator in _JSON_INDEX:
        # column[path]: json_type reads the path itself (JSON_EXTRACT would turn true into 1)
        column, path = compiler.process(value.left, **kw), compiler.process(value.right, **kw)
        return _rank_case(f"json_type({column}, {path})", _SQLITE_RANKS)
    return _rank_case(f"json_type({compiler.process(value, **kw)})", _SQLITE_RANKS)


@compiles(JsonRank, "postgresql")
def _json_rank_pg(element: JsonRank, compiler: Any, **kw: Any) -> str:
    return _rank_case(f"json_typeof({_arg(element, compiler, **kw)})", _PG_RANKS)


TruncatedDiv = sql_function(
    "TruncatedDiv",
    Integer(),
    "Integer division truncated toward zero (OData ``div`` of two integers): both databases "
    "divide integers so.",
    sqlite="({0} / {1})",
    postgresql="({0} / {1})",
)


class Remainder(FunctionElement[float]):
    """The remainder of a division truncated toward zero, for numbers that need not be
    integers (OData ``mod``): ``7.5 mod 2`` is 1.5 and ``-7.5 mod 2`` is -1.5. SQLite's ``%``
    would cut both operands to integers; PostgreSQL has no ``%`` for floating point."""

    type = Float()
    inherit_cache = True
    name = "remainder"


@compiles(Remainder, "sqlite")
def _remainder_sqlite(element: Remainder, compiler: Any, **kw: Any) -> str:
    left, right = element.clauses
    # CAST(… AS INTEGER) truncates toward zero in SQLite; the parentheses keep the
    # subtraction whole inside a larger expression (``… mod 3 mul 3``)
    return f"({compiler.process(left - right * cast(left / right, Integer), **kw)})"


@compiles(Remainder, "postgresql")
def _remainder_pg(element: Remainder, compiler: Any, **kw: Any) -> str:
    left, right = (cast(c, Numeric) for c in element.clauses)
    return str(compiler.process(cast(func.mod(left, right), Float), **kw))
