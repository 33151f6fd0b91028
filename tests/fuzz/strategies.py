"""Hypothesis strategies for the standard APIs that OpenAPI does not describe: OData query
options of the SensorThings API (a grammar built from the parser's own operators and
functions, mixed with random text), CKAN action arguments and DataStore queries."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from domstadt.sensors.odata.functions import FUNCTIONS
from domstadt.sensors.odata.geo import ARITY as GEO_ARITY
from domstadt.sensors.odata.parser import BINARY_PRECEDENCE
from domstadt.sensors.sta.entities import ENTITY_TYPES

ENTITY_SETS = sorted(ENTITY_TYPES)
PROPERTIES = sorted({"id", "@iot.id", *(p for e in ENTITY_TYPES.values() for p in e.props)})
NAVIGATIONS = sorted({n for e in ENTITY_TYPES.values() for n in e.navs})
# Numbers at the edges: 64-bit limits, beyond them, floats that overflow or vanish.
EDGE_NUMBERS = [
    "0",
    "-1",
    "1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1" + "0" * 40,
    "1e308",
    "1e309",
    "-1e309",
    "1e-400",
    "0.5",
    "2147483648",
]
# Moments at the edges of what a datetime holds, also shifted past them by their offset.
EDGE_TIMES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:30:00+14:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:00:00-14:00",
    "2026-02-30T00:00:00Z",
    "2026-13-01",
    "0000-01-01",
    "2026-03-29T02:30:00+02:00",
    "2026-06-01",
    "9999-12-31",
    "0001-01-01",
]
TEXT_LITERALS = ["'x'", "''", "'O''Neil'", "'%'", "'_'", "'ä€😀'", "'\\'", "null", "true"]
GEO_LITERALS = [
    "geography'POINT(6.95 50.94)'",
    "geography'POINT(1e400 0)'",
    "geography'POLYGON((0 0, 1 0, 1 1, 0 0))'",
    "geography'LINESTRING(0 0)'",
    "geography'POINT EMPTY'",
    "geography'nonsense'",
]
TIME_LITERALS = ["00:00", "23:59:59.999999", "24:00", "12:00:00.123456789012"]
DURATIONS = ["duration'P1D'", "duration'P99999999999D'", "duration'-PT1S'"]
RESULT_PATHS = ["result", "properties/owner", "properties/lanes", "parameters/x", "Datastream/id"]

_atoms = st.one_of(
    st.sampled_from(PROPERTIES + RESULT_PATHS),
    st.sampled_from(EDGE_NUMBERS + EDGE_TIMES + TEXT_LITERALS + GEO_LITERALS),
    st.sampled_from(TIME_LITERALS + DURATIONS),
    st.integers().map(str),
    st.floats(allow_nan=False).map(repr),
)


def _call(name: str, arity: int, argument: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(argument, min_size=arity, max_size=arity).map(
        lambda args: f"{name}({', '.join(args)})"
    )


def _arities() -> list[tuple[str, int]]:
    found = [(name, n) for name, (shapes, _, _) in FUNCTIONS.items() for n in shapes]
    return found + sorted(GEO_ARITY.items())


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(sorted(BINARY_PRECEDENCE)), inner).map(" ".join)
    calls = st.sampled_from(_arities()).flatmap(lambda fa: _call(fa[0], fa[1], inner))
    return st.one_of(
        binary,
        calls,
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"not {e}"),
        inner.map(lambda e: f"-{e}"),
        st.sampled_from(NAVIGATIONS).flatmap(
            lambda nav: inner.map(lambda e: f"{nav}/any(x: x/{e})")
        ),
    )


# Grammar-shaped expressions, with a share of random text to cover the tokenizer.
filters = st.one_of(
    st.recursive(_atoms, _extend, max_leaves=8),
    st.text(max_size=40),
)
orderbys = st.lists(
    st.tuples(st.sampled_from(PROPERTIES + RESULT_PATHS), st.sampled_from(["", " asc", " desc"])),
    min_size=1,
    max_size=3,
).map(lambda items: ",".join(p + d for p, d in items)) | st.text(max_size=20)
selects = st.lists(st.sampled_from(PROPERTIES + NAVIGATIONS), max_size=4).map(",".join)
numbers = st.sampled_from(EDGE_NUMBERS) | st.integers().map(str) | st.text(max_size=6)


PAGE_OPTIONS = {
    "$filter": filters,
    "$top": numbers,
    "$skip": numbers,
    "$select": selects,
    "$orderby": orderbys,
}


def _expand_item(depth: int) -> st.SearchStrategy[str]:
    options = st.fixed_dictionaries({}, optional=PAGE_OPTIONS)
    inner = _expand_item(depth - 1) if depth else st.nothing()
    options = options | st.builds(lambda o, e: {**o, "$expand": e}, options, inner)
    return st.tuples(st.sampled_from(NAVIGATIONS), options).map(
        lambda item: (
            item[0] + (f"({';'.join(f'{k}={v}' for k, v in item[1].items())})" if item[1] else "")
        )
    )


expands = st.lists(_expand_item(1), min_size=1, max_size=2).map(",".join)
query_options = st.fixed_dictionaries(
    {},
    optional={
        **PAGE_OPTIONS,
        "$expand": expands,
        "$count": st.sampled_from(["true", "false", "yes"]),
        "$resultFormat": st.sampled_from(["dataArray", "GeoJSON", "x"]),
    },
)
resource_paths = st.one_of(
    st.sampled_from(ENTITY_SETS),
    st.tuples(st.sampled_from(ENTITY_SETS), numbers, st.sampled_from(["", *NAVIGATIONS])).map(
        lambda t: f"{t[0]}({t[1]})" + (f"/{t[2]}" if t[2] else "")
    ),
)

# CKAN: every action argument may arrive with any JSON type.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)

CKAN_ARGUMENTS = [
    "id",
    "name",
    "title",
    "notes",
    "owner_org",
    "url",
    "license_id",
    "private",
    "state",
    "tags",
    "extras",
    "resources",
    "groups",
    "q",
    "fq",
    "fl",
    "rows",
    "start",
    "sort",
    "facet.field",
    "facet.limit",
    "limit",
    "offset",
    "all_fields",
    "include_private",
    "resource_id",
    "package_id",
    "filters",
    "fields",
    "sql",
    "format",
    "description",
    "temporal_start",
    "temporal_end",
    "issued",
    "modified",
    "access_rights",
]
ckan_arguments = st.dictionaries(
    st.sampled_from(CKAN_ARGUMENTS),
    json_values | st.sampled_from(EDGE_NUMBERS + EDGE_TIMES) | st.integers(),
    max_size=5,
)
package_search_params = st.fixed_dictionaries(
    {},
    optional={
        "q": st.text(max_size=30) | st.sampled_from(["title:Fuzz", "*:*", "tags:Fuzz OR x", '"']),
        "fq": st.text(max_size=30)
        | st.sampled_from(
            [
                "tags:Fuzz",
                "metadata_modified:[2020-01-01T00:00:00Z TO *]",
                "metadata_modified:[0001-01-01T00:00:00Z TO 9999-12-31T23:59:59Z]",
                "metadata_modified:[* TO 99999-01-01]",
                "organization:x res_format:CSV",
                "(",
            ]
        ),
        "rows": numbers,
        "start": numbers,
        "sort": st.sampled_from(["score desc", "metadata_modified asc", "name", "x y z", ""])
        | st.text(max_size=15),
        "facet.field": st.sampled_from(['["tags","res_format"]', '"tags"', "[", "[1]", "tags"])
        | st.text(max_size=15),
        "facet.limit": numbers,
    },
)
TABLE_COLUMNS = ["stadtbezirk", "jahr", "wert", "notiz", "_id", "x"]
datastore_params = st.fixed_dictionaries(
    {},
    optional={
        "filters": st.dictionaries(st.sampled_from(TABLE_COLUMNS), json_values, max_size=3)
        | json_values,
        "q": st.text(max_size=20) | json_values,
        "sort": st.lists(
            st.tuples(
                st.sampled_from(TABLE_COLUMNS), st.sampled_from(["", " asc", " desc", " x"])
            ).map("".join),
            max_size=2,
        ).map(",".join)
        | json_values,
        "limit": numbers | json_values,
        "offset": numbers | json_values,
        "fields": st.lists(st.sampled_from(TABLE_COLUMNS), max_size=3).map(",".join) | json_values,
    },
)
SQL_FRAGMENTS = [
    "*",
    "count(*)",
    "stadtbezirk",
    "wert * 2",
    "wert / 0",
    "1e400",
    "9223372036854775808",
    "cast(jahr as date)",
    "make_date(9999, 12, 31) + interval 1 day",
    "'x' || 1",
    "sum(wert) over ()",
    "regexp_matches(notiz, '(')",
    "read_csv('/etc/passwd')",
    "strptime('x', '%Y')",
    "range(10)",
    "random()",
    "NULL",
]
SQL_TAILS = [
    "",
    "WHERE wert > 1",
    "ORDER BY 1",
    "LIMIT 9223372036854775808",
    "GROUP BY 1",
    "WHERE jahr = 'x'",
    "OFFSET -1",
    "UNION SELECT 1",
]


def datastore_sql(resource_id: str) -> st.SearchStrategy[str]:
    """SELECTs over the seeded table, built from fragments and random text."""
    select = st.tuples(
        st.lists(st.sampled_from(SQL_FRAGMENTS) | st.text(max_size=12), min_size=1, max_size=3),
        st.sampled_from(SQL_TAILS) | st.text(max_size=12),
    ).map(lambda t: f'SELECT {", ".join(t[0])} FROM "{resource_id}" {t[1]}')
    return select | st.text(max_size=40).map(lambda s: f'SELECT {s} FROM "{resource_id}"')
