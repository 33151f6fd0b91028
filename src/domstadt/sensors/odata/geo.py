"""Geospatial $filter functions (``geo.*``, ``st_*``) without PostGIS.

How it works, the same on SQLite and PostgreSQL:

1. Every Location and FeatureOfInterest stores the bounding box of its GeoJSON geometry in
   four indexed columns (``bbox_min_x`` … ``bbox_max_y``, written by an ORM hook in
   ``models.py``).
2. A geospatial call in $filter is evaluated while the filter is compiled: the rows whose
   bounding box can satisfy it (the SQL prefilter; no prefilter for ``st_disjoint``,
   ``st_relate``, ``geo.length`` and ``geo.distance … gt/ge/ne``) are read as (id, GeoJSON)
   and tested exactly with shapely in Python.
3. The call becomes ``<geometry owner id> IN (<matching ids>)`` with the ids bound as one JSON
   parameter. The rest of the filter, $count, $orderby and keyset paging then run in SQL
   unchanged, so counts are exact and next links walk every row exactly once.

Limits: the candidates of one call are held in memory for the request (fine for Locations
and FeaturesOfInterest up to some 10^5 rows in the prefiltered box); each page request
recomputes them. Coordinates are taken as planar lon/lat: ``geo.distance`` and
``geo.length`` are in degrees, as in the examples of the specification. Geometries that are
not GeoJSON never match.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import shapely
from shapely import wkt
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Boolean, and_, bindparam, false, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from domstadt.sensors.odata.parser import FilterError
from domstadt.sensors.odata.sqlfunctions import render_as

Bbox = tuple[float, float, float, float]
Predicate = Callable[[BaseGeometry, BaseGeometry], bool]

# name -> (exact test of (first, second) argument, whether a match needs overlapping boxes)
PREDICATES: dict[str, tuple[Predicate, bool]] = {
    "geo.intersects": (lambda a, b: bool(a.intersects(b)), True),
    "st_intersects": (lambda a, b: bool(a.intersects(b)), True),
    "st_equals": (lambda a, b: bool(a.equals(b)), True),
    "st_disjoint": (lambda a, b: bool(a.disjoint(b)), False),
    "st_touches": (lambda a, b: bool(a.touches(b)), True),
    "st_within": (lambda a, b: bool(a.within(b)), True),
    "st_overlaps": (lambda a, b: bool(a.overlaps(b)), True),
    "st_crosses": (lambda a, b: bool(a.crosses(b)), True),
    "st_contains": (lambda a, b: bool(a.contains(b)), True),
}
MEASURES = {"geo.distance", "geo.length"}
GEO_FUNCTIONS = {*PREDICATES, *MEASURES, "st_relate"}
ARITY = {**dict.fromkeys(PREDICATES, 2), "geo.distance": 2, "geo.length": 1, "st_relate": 3}
"""The number of arguments of each geospatial function."""


def from_geojson(value: Any) -> BaseGeometry | None:
    """The shapely geometry of a GeoJSON geometry or Feature (None when it is none)."""
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or "type" not in value:
        return None
    try:
        geom = shape(value)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return None if geom.is_empty else geom


def bbox_of(value: Any) -> Bbox | None:
    """Bounding box (min x, min y, max x, max y) of GeoJSON, None when it is not GeoJSON."""
    geom = from_geojson(value)
    if geom is None:
        return None
    bounds = tuple(float(v) for v in geom.bounds)
    return bounds if all(math.isfinite(v) for v in bounds) else None  # type: ignore[return-value]


def parse_wkt(text: str, pos: int) -> BaseGeometry:
    """A ``geography'…'`` literal (WKT) as a geometry, or a FilterError at ``pos``."""
    try:
        geom = wkt.loads(text)
    except (ShapelyError, ValueError, TypeError):
        raise FilterError(
            f"ungültige Geometrie {text!r}; erwartet z. B. POINT(6.95 50.94)", pos
        ) from None
    if geom.is_empty:
        raise FilterError(f"leere Geometrie {text!r}", pos)
    return geom


class IdIn(FunctionElement[bool]):
    """``expr IN (ids)`` with the ids bound as one JSON array parameter (any number of ids)."""

    type = Boolean()
    inherit_cache = True
    name = "id_in"


render_as(
    IdIn,
    sqlite="({0} IN (SELECT value FROM json_each({1})))",
    postgresql="({0} IN (SELECT CAST(jsonb_array_elements_text(CAST({1} AS JSONB)) AS BIGINT)))",
)


class GeoColumn:
    """The geometry of a $filter path: the owning model and its GeoJSON column."""

    def __init__(self, model: Any, column: Any, wrap: Callable[[Any], Any]) -> None:
        self.model = model
        self.column = column
        self.wrap = wrap

    def matching(
        self,
        session: Session | None,
        test: Callable[[BaseGeometry], bool],
        box: Bbox | None,
        pos: int,
    ) -> ColumnElement[bool]:
        """Condition selecting the outer rows whose geometry passes ``test``."""
        if session is None:
            raise FilterError("Geofunktionen brauchen eine Datenbankabfrage", pos)
        model = self.model
        stmt = select(model.id, self.column)
        if box is not None:
            stmt = stmt.where(
                and_(
                    model.bbox_max_x >= box[0],
                    model.bbox_min_x <= box[2],
                    model.bbox_max_y >= box[1],
                    model.bbox_min_y <= box[3],
                )
            )
        else:
            stmt = stmt.where(model.bbox_min_x.is_not(None))
        ids = []
        for key, value in session.execute(stmt):
            geom = from_geojson(value)
            if geom is not None and test(geom):
                ids.append(key)
        if not ids:
            return false()
        return IdIn(self.wrap(model.id), bindparam(None, json.dumps(ids)))


def predicate(
    name: str,
    args: list[GeoColumn | BaseGeometry],
    session: Session | None,
    pos: int,
    pattern: str | None = None,
) -> ColumnElement[bool]:
    """A boolean geospatial function of one geometry path and one literal."""
    if name == "st_relate":
        assert pattern is not None
        test: Predicate = lambda a, b: bool(a.relate_pattern(b, pattern))  # noqa: E731
        needs_overlap = False
    else:
        test, needs_overlap = PREDICATES[name]
    column, literal, path_first = _split(args, pos)
    box = literal.bounds if needs_overlap else None
    if path_first:
        return column.matching(session, lambda g: test(g, literal), box, pos)
    return column.matching(session, lambda g: test(literal, g), box, pos)


def measure(
    name: str,
    args: list[GeoColumn | BaseGeometry],
    op: str,
    limit: float,
    session: Session | None,
    pos: int,
) -> ColumnElement[bool]:
    """``geo.distance(a, b) <op> limit`` or ``geo.length(a) <op> limit`` (degrees)."""
    compare = _OPS[op]
    if name == "geo.length":
        if len(args) != 1 or not isinstance(args[0], GeoColumn):
            raise FilterError("geo.length erwartet eine Geometrie-Eigenschaft", pos)
        return args[0].matching(session, lambda g: compare(float(g.length), limit), None, pos)
    column, literal, _first = _split(args, pos)
    box = None
    if op in {"lt", "le", "eq"}:
        x0, y0, x1, y1 = literal.bounds
        box = (x0 - limit, y0 - limit, x1 + limit, y1 + limit)
    return column.matching(
        session, lambda g: compare(float(shapely.distance(g, literal)), limit), box, pos
    )


_OPS: dict[str, Callable[[float, float], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def _split(args: list[GeoColumn | BaseGeometry], pos: int) -> tuple[GeoColumn, BaseGeometry, bool]:
    if len(args) != 2:
        raise FilterError("die Geofunktion erwartet zwei Geometrien", pos)
    first, second = args
    if isinstance(first, GeoColumn) and isinstance(second, BaseGeometry):
        return first, second, True
    if isinstance(second, GeoColumn) and isinstance(first, BaseGeometry):
        return second, first, False
    raise FilterError(
        "die Geofunktion erwartet eine Geometrie-Eigenschaft (location, feature) und ein "
        "geography'…'-Literal",
        pos,
    )
