"""The SQL of one ``datastore_search``: the count and the page, over the table's index.

``Source`` names where the rows are: the tables of an attached index (``index.py``) or, when a
table has none, its Parquet file read with each row's position as ``__domstadt_pos`` ("pos").
Both give the same answers; the index only makes them cheaper:

- filters on a cluster column read the ``clustered`` copy (zone maps skip the other segments);
- ``q`` looks its words up in ``terms`` (the Parquet fallback splits every row into words);
- a page without filters, ``q`` or sort is the range pos >= offset (positions are dense);
- a page of ``q`` matches without a sort takes its positions from ``terms`` first and then
  fetches just those rows.

Rows come in file order (pos) unless ``sort`` says otherwise, and pos breaks ties of a sort,
so pages never overlap or skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from domstadt.catalog.datastore.index import words_sql
from domstadt.catalog.datastore.sandbox import quote_identifier as _quote
from domstadt.core.errors import Invalid
from domstadt.core.storable import INT64_MAX

_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
_INTEGER_TEXT = re.compile(r"0|-?[1-9][0-9]*")
"""An integer exactly as DuckDB writes it as text (what a filter value is compared with)."""


@dataclass(frozen=True)
class Source:
    """Where a table's rows are read from, with its columns (name, DuckDB type)."""

    rows: str
    clustered: str
    terms: str | None
    cluster: tuple[str, ...]
    text_columns: tuple[str, ...]
    described: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Request:
    """A checked ``datastore_search`` request."""

    filters: dict[str, Any]
    words: tuple[str, ...] | None
    columns: tuple[str, ...]
    sort: str
    limit: int
    offset: int


Statement = tuple[str, list[Any]]


def _filter(column: str, kind: str, value: Any) -> Statement:
    """``column`` equals one of the values, compared as text (CKAN's filters are text)."""
    values = [str(v) for v in (value if isinstance(value, list) else [value])]
    if kind in _INTEGER_TYPES:
        # the same rows as comparing the column's text, but on the column itself (zone maps)
        numbers = [int(v) for v in values if _INTEGER_TEXT.fullmatch(v)]
        if not numbers:
            return "FALSE", []
        return f"{_quote(column)} IN ({', '.join('?' for _ in numbers)})", list(numbers)
    target = _quote(column) if kind == "VARCHAR" else f"CAST({_quote(column)} AS VARCHAR)"
    return f"{target} IN ({', '.join('?' for _ in values)})", values


def _filters(source: Source, filters: dict[str, Any]) -> tuple[list[str], list[Any]]:
    types = dict(source.described)
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in filters.items():
        if column not in types:
            raise Invalid(f"Unbekannte Spalte '{column}' in filters.", field="filters")
        clause, values = _filter(column, types[column], value)
        clauses.append(clause)
        params.extend(values)
    return clauses, params


def _hits(source: Source, words: tuple[str, ...]) -> Statement:
    """The positions of the rows holding every word (one row per position)."""
    if source.terms is None:
        texts = ", ".join(f"CAST({_quote(c)} AS VARCHAR)" for c in source.text_columns)
        text = f"concat_ws(chr(32), {texts})"
        # the substring test first: splitting every row into words is the slow part
        contains = " AND ".join(f"contains(lower(strip_accents({text})), ?)" for _ in words)
        return (
            f"SELECT __domstadt_pos FROM {source.rows} WHERE {contains} "
            f"AND list_has_all({words_sql(text)}, ?)",
            [*words, list(words)],
        )
    if len(words) == 1:
        return f"SELECT __domstadt_pos FROM {source.terms} WHERE term = ?", [words[0]]
    marks = ", ".join("?" for _ in words)
    return (
        f"SELECT __domstadt_pos FROM {source.terms} WHERE term IN ({marks}) "
        f"GROUP BY __domstadt_pos HAVING count(*) = {len(words)}",
        list(words),
    )


def order(source: Source, sort: str) -> str:
    """ORDER BY of a CKAN sort ("a desc, b"), ties broken by file position."""
    names = {n for n, _ in source.described}
    parts = []
    for part in [p.strip() for p in sort.split(",") if p.strip()]:
        column, _, direction = part.rpartition(" ")
        if not column or direction.lower() not in {"asc", "desc"}:
            column, direction = part, "asc"
        column = column.strip().strip('"')
        if column not in names:
            raise Invalid(f"Unbekannte Spalte '{column}' in sort.", field="sort")
        parts.append(f"{_quote(column)} {direction.upper()}")
    return " ORDER BY " + ", ".join([*parts, "__domstadt_pos"])


def count(source: Source, request: Request) -> Statement:
    """The exact number of matching rows."""
    clauses, params = _filters(source, request.filters)
    if request.words == ():
        return "SELECT 0", []
    if request.words and not clauses:
        hits, hit_params = _hits(source, request.words)
        return f"SELECT count(*) FROM ({hits})", hit_params
    if request.words:
        hits, hit_params = _hits(source, request.words)
        clauses.append(f"__domstadt_pos IN ({hits})")
        params.extend(hit_params)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return f"SELECT count(*) FROM {_table(source, request)}{where}", params


def _table(source: Source, request: Request) -> str:
    return source.clustered if set(request.filters) & set(source.cluster) else source.rows


def page(source: Source, request: Request) -> Statement:
    """The page's rows (``request.columns`` in order)."""
    select = ", ".join(_quote(c) for c in request.columns)
    clauses, params = _filters(source, request.filters)
    if request.words == ():
        return f"SELECT {select} FROM {source.rows} WHERE FALSE", []
    if not clauses and not request.sort and request.words is None:
        # positions are dense (0 … rows-1): the page is a range, found by the zone maps
        return (
            f"SELECT {select} FROM {source.rows} "
            "WHERE __domstadt_pos >= ? AND __domstadt_pos < ? ORDER BY __domstadt_pos",
            [request.offset, min(request.offset + request.limit, INT64_MAX)],
        )
    if request.words:
        hits, hit_params = _hits(source, request.words)
        clauses.append(f"__domstadt_pos IN ({hits})")
        params.extend(hit_params)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return (
        f"SELECT {select} FROM {_table(source, request)}{where}{order(source, request.sort)} "
        "LIMIT ? OFFSET ?",
        [*params, request.limit, request.offset],
    )


def hit_positions(source: Source, request: Request) -> Statement | None:
    """For ``q`` alone (no filters, no sort) over an index: the page's positions, read from
    ``terms`` in order; None when the page is better read in one statement."""
    if source.terms is None or not request.words or request.filters or request.sort:
        return None
    hits, params = _hits(source, request.words)
    return (
        f"SELECT __domstadt_pos FROM ({hits}) ORDER BY __domstadt_pos LIMIT ? OFFSET ?",
        [*params, request.limit, request.offset],
    )


def rows_at(source: Source, request: Request, positions: list[int]) -> Statement:
    """The rows at ``positions`` (ascending), in that order: a hash lookup of the positions
    within their range (an ``IN`` list of 100 constants compares each row 100 times)."""
    select = ", ".join(_quote(c) for c in request.columns)
    return (
        f"SELECT {select} FROM {source.rows} WHERE __domstadt_pos BETWEEN ? AND ? "
        "AND __domstadt_pos IN (SELECT unnest(?::BIGINT[])) ORDER BY __domstadt_pos",
        [positions[0], positions[-1], positions],
    )
