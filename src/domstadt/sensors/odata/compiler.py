"""Compile a parsed $filter / $orderby AST into parameterised SQLAlchemy expressions.

Every literal becomes a bound parameter; property names are looked up in the entity
registry, never pasted into SQL. Paths through to-one relations become correlated scalar
subqueries (``Datastream/Thing/name``); paths into JSON properties (``properties/owner``)
and results are cast by the type of the literal they are compared with, compared with
``null`` as described and ordered by the rule written down in ``jsonvalues.py``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    Integer,
    String,
    Time,
    and_,
    bindparam,
    not_,
    null,
    or_,
)
from sqlalchemy.orm import Session, aliased

from domstadt.sensors.odata import geo
from domstadt.sensors.odata.functions import (
    FUNCTIONS,
    bound_moment,
    check_arity,
    literal_call,
)
from domstadt.sensors.odata.jsonvalues import ORDER_KINDS, json_builder, result_builder, wrapped
from domstadt.sensors.odata.parser import (
    Binary,
    Call,
    FilterError,
    Literal,
    Node,
    Path,
    Unary,
    parse_filter,
    parse_orderby,
)
from domstadt.sensors.odata.relations import any_related, hop, identity
from domstadt.sensors.odata.sqlfunctions import Remainder, TruncatedDiv
from domstadt.sensors.sta.entities import ENTITY_TYPES, ID_NAMES, EntityType

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "divby": operator.truediv,
    "mod": Remainder,
}
# OData 4.01 §5.1.1.2: div and mod of two integers give an integer (div truncated toward zero)
_INTEGER_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "div": TruncatedDiv,
    "mod": operator.mod,
}
_LITERAL_TYPES: dict[str, Any] = {
    "string": String(),
    "int": BigInteger(),  # Edm.Int64: a literal id of 2^40 is no "integer out of range"
    "float": Float(),
    "bool": Boolean(),
    "date": Date(),
    "time": Time(),
}
_KIND_OF_LITERAL = {
    "string": "string",
    "int": "number",
    "float": "number",
    "bool": "bool",
    "date": "date",
    "time": "time",
}
_KIND_NAMES = {
    "string": "Text",
    "number": "Zahl",
    "bool": "Wahrheitswert",
    "datetime": "Zeitpunkt",
    "date": "Datum",
    "time": "Uhrzeit",
    "json": "JSON-Wert",
    "null": "null",
    "geometry": "Geometrie",
}
_GEO_PROPS = {"location", "feature"}

_TEMPORAL = {"datetime", "date", "time"}  # JSON values are not cast to these


@dataclass
class Typed:
    """A compiled expression and its kind (string, number, bool, datetime, date, time, null,
    json, geometry).

    ``build`` casts values of open type (JSON properties, observation results) to a kind;
    ``alt`` holds the expression as other kinds it may be read as (a date literal compared
    with a timestamp is midnight UTC).
    """

    expr: Any
    kind: str
    pos: int
    build: Callable[[str], Any] | None = None
    geo: Any = None
    # set on values reached through a to-many relation: wraps the predicate built from the
    # value into EXISTS (any-semantics), see Compiler.path
    scope: Callable[[Any], Any] | None = None
    alt: dict[str, Any] = field(default_factory=dict)

    def as_kind(self, kind: str) -> Any:
        """The expression cast to ``kind`` when its own type is open."""
        if self.build is not None:
            return self.build(kind)
        return self.expr


class Compiler:
    """Compiles expressions in the context of one entity type."""

    def __init__(self, entity: EntityType, session: Session | None = None) -> None:
        self.entity = entity
        self.session = session

    def condition(self, node: Node) -> Any:
        """A WHERE clause for a boolean expression."""
        typed = self.compile(node)
        if typed.kind not in {"bool", "json"}:
            raise FilterError("der Ausdruck ergibt keinen Wahrheitswert", typed.pos)
        return self._bool(typed)

    def _bool(self, typed: Typed) -> Any:
        expr = typed.as_kind("bool")
        return typed.scope(expr) if typed.scope is not None else expr

    def compile(self, node: Node) -> Typed:
        """Compile any expression node; a predicate on a to-many path becomes EXISTS."""
        if isinstance(node, Literal):
            typed = self.literal(node)
        elif isinstance(node, Path):
            typed = self.path(node)
        elif isinstance(node, Unary):
            typed = self.unary(node)
        elif isinstance(node, Binary):
            typed = self.binary(node)
        else:
            typed = self.call(node)
        if typed.kind == "bool" and typed.scope is not None:
            return Typed(typed.scope(typed.expr), "bool", typed.pos)
        return typed

    @staticmethod
    def _scope(node: Node, *operands: Typed) -> Callable[[Any], Any] | None:
        scopes = {id(t.scope): t.scope for t in operands if t.scope is not None}
        if len(scopes) > 1:
            raise FilterError(
                "ein Vergleich darf nur einen Pfad über mehrere Entitäten enthalten", node.pos
            )
        return next(iter(scopes.values()), None)

    def literal(self, node: Literal) -> Typed:
        """A bound parameter typed by the literal."""
        if node.kind == "null":
            return Typed(null(), "null", node.pos)
        if node.kind == "geography":
            return Typed(None, "geometry", node.pos, geo=geo.parse_wkt(node.value, node.pos))
        if node.kind == "datetime":
            return Typed(bound_moment(node.value), "datetime", node.pos)
        type_ = _LITERAL_TYPES[node.kind]
        typed = Typed(
            bindparam(None, node.value, type_=type_), _KIND_OF_LITERAL[node.kind], node.pos
        )
        if node.kind == "date":
            typed.alt["datetime"] = bound_moment(dt.datetime.combine(node.value, dt.time(), dt.UTC))
        return typed

    def path(self, node: Path) -> Typed:
        """Resolve a property path through relations and into JSON.

        To-one steps become correlated scalar subqueries; a to-many step (``Datastreams``,
        ``Locations``) gives the value a ``scope`` that wraps the predicate built from it into
        ``EXISTS (…)``: true when any related entity matches. Every step uses a fresh alias, so
        a table of the outer query is never correlated by mistake.
        """
        entity = self.entity
        model: Any = entity.model
        wrap: Callable[[Any], Any] = identity
        scope: Callable[[Any], Any] | None = None
        key = model.id  # the current entity's id as seen from the outer query
        segments = list(node.segments)
        while segments:
            name = segments.pop(0)
            if name in ID_NAMES:
                typed = self._leaf(model.id, "number", node.pos, wrap, segments)
            elif name in entity.props:
                typed = self._prop(entity, model, name, node, wrap, segments)
            else:
                nav = entity.navs.get(name)
                if nav is None:
                    raise FilterError(
                        f"unbekannte Eigenschaft {name!r} von {entity.singular}", node.pos
                    )
                target = ENTITY_TYPES[nav.target]
                alias: Any = aliased(target.model)
                if nav.kind == "one":
                    key = wrap(getattr(model, nav.attr))
                    wrap = hop(alias, getattr(model, nav.attr), wrap)
                else:
                    scope = any_related(nav, alias, key, scope)
                    key, wrap = alias.id, identity
                entity, model = target, alias
                continue
            typed.scope = scope
            return typed
        raise FilterError(f"Pfad {'/'.join(node.segments)!r} endet bei einer Entität", node.pos)

    def _leaf(
        self, column: Any, kind: str, pos: int, wrap: Callable[[Any], Any], rest: list[str]
    ) -> Typed:
        if rest:
            raise FilterError(f"{'/'.join(rest)!r} kann nicht weiter aufgelöst werden", pos)
        return Typed(wrap(column), kind, pos)

    def _prop(
        self,
        entity: EntityType,
        model: Any,
        name: str,
        node: Path,
        wrap: Callable[[Any], Any],
        rest: list[str],
    ) -> Typed:
        prop = entity.props[name]
        column = getattr(model, prop.attr)
        if prop.kind == "required_json" and name in _GEO_PROPS and not rest:
            return Typed(None, "geometry", node.pos, geo=geo.GeoColumn(model, column, wrap))
        if prop.kind in {"json", "required_json"}:
            if not rest:
                raise FilterError(
                    f"{name!r} ist ein Objekt; vergleichen Sie einen Schlüssel, z. B. {name}/key",
                    node.pos,
                )
            return Typed(None, "json", node.pos, wrapped(json_builder(column, tuple(rest)), wrap))
        if prop.kind == "result":
            if rest:
                raise FilterError("result hat keine Unter-Eigenschaften", node.pos)
            return Typed(None, "json", node.pos, wrapped(result_builder(model), wrap))
        kind = "datetime" if prop.kind in {"time", "interval"} else "string"
        return self._leaf(column, kind, node.pos, wrap, rest)

    def unary(self, node: Unary) -> Typed:
        """``not`` and negation."""
        operand = self.compile(node.operand)
        if node.op == "not":
            self._expect(operand, "bool")
            return Typed(not_(self._bool(operand)), "bool", node.pos)
        return Typed(-self._expect(operand, "number"), "number", node.pos, scope=operand.scope)

    def _expect(self, typed: Typed, kind: str) -> Any:
        if typed.kind == kind or (typed.kind == "json" and kind not in _TEMPORAL):
            return typed.as_kind(kind)
        if kind in typed.alt:
            return typed.alt[kind]
        raise FilterError(
            f"{_KIND_NAMES[kind]} erwartet, aber {_KIND_NAMES.get(typed.kind, typed.kind)} "
            "gefunden",
            typed.pos,
        )

    def binary(self, node: Binary) -> Typed:
        """Logical, comparison and arithmetic operators."""
        if isinstance(node.left, Call) and node.left.name in geo.MEASURES and node.op in _COMPARE:
            return self.geo_measure(node, node.left)
        left, right = self.compile(node.left), self.compile(node.right)
        if node.op in {"and", "or"}:
            combine = and_ if node.op == "and" else or_
            for side in (left, right):
                self._expect(side, "bool")
            return Typed(combine(self._bool(left), self._bool(right)), "bool", node.pos)
        scope = self._scope(node, left, right)
        if node.op in _ARITH:
            a, b = self._expect(left, "number"), self._expect(right, "number")
            return Typed(arithmetic(node.op, a, b), "number", node.pos, scope=scope)
        typed = self.compare(node, left, right)
        typed.scope = scope
        return typed

    def compare(self, node: Binary, left: Typed, right: Typed) -> Typed:
        """Comparison; the literal's type decides how open values (JSON, result) are cast."""
        op = _COMPARE[node.op]
        if "geometry" in {left.kind, right.kind}:
            raise FilterError("Geometrien vergleicht man mit geo.*- oder st_*-Funktionen", node.pos)
        if right.kind == "null" or left.kind == "null":
            other = left if right.kind == "null" else right
            value = other.as_kind("null")
            if node.op not in {"eq", "ne"}:
                raise FilterError("mit null kann nur eq oder ne verglichen werden", node.pos)
            return Typed(
                value.is_(None) if node.op == "eq" else value.is_not(None), "bool", node.pos
            )
        kind = right.kind if left.kind == "json" or right.kind in left.alt else left.kind
        if kind == "json":
            kind = "string"
        a, b = self._expect(left, kind), self._expect(right, kind)
        return Typed(op(a, b), "bool", node.pos)

    def call(self, node: Call) -> Typed:
        """A built-in function."""
        if node.name in geo.GEO_FUNCTIONS:
            return self.geo_call(node)
        spec = FUNCTIONS.get(node.name)
        if spec is None:
            raise FilterError(f"unbekannte Funktion {node.name!r}", node.pos)
        kinds, result_kind, build = spec
        check_arity(node, kinds)
        value = literal_call(node)
        if value is not None:
            return Typed(value, result_kind, node.pos)
        wanted = kinds[len(node.args)]
        operands = [self.compile(arg) for arg in node.args]
        args = [self._expect(t, k) for t, k in zip(operands, wanted, strict=True)]
        return Typed(build(*args), result_kind, node.pos, scope=self._scope(node, *operands))

    def _geo_args(self, node: Node, args: tuple[Node, ...]) -> tuple[list[Any], Any]:
        operands = [self.compile(arg) for arg in args]
        for typed in operands:
            if typed.kind != "geometry":
                raise FilterError(
                    "Geometrie erwartet (location, feature oder geography'…')", typed.pos
                )
        return [t.geo for t in operands], self._scope(node, *operands)

    def geo_call(self, node: Call) -> Typed:
        """A boolean geospatial function (``geo.intersects``, ``st_*``)."""
        check_arity(node, [geo.ARITY[node.name]])
        if node.name in geo.MEASURES:
            raise FilterError(
                f"{node.name} ist nur im Vergleich mit einer Zahl möglich, z. B. "
                f"{node.name}(…) lt 0.01",
                node.pos,
            )
        pattern = None
        args = node.args
        if node.name == "st_relate":
            last = args[-1] if args else None
            if len(args) != 3 or not isinstance(last, Literal) or last.kind != "string":
                raise FilterError(
                    "st_relate erwartet zwei Geometrien und ein DE-9IM-Muster", node.pos
                )
            pattern, args = str(last.value), args[:2]
            if len(pattern) != 9 or set(pattern.upper()) - set("TF*012"):
                raise FilterError(f"ungültiges DE-9IM-Muster {pattern!r}", last.pos)
        geoms, scope = self._geo_args(node, args)
        expr = geo.predicate(node.name, geoms, self.session, node.pos, pattern)
        return Typed(expr, "bool", node.pos, scope=scope)

    def geo_measure(self, node: Binary, call: Call) -> Typed:
        """``geo.distance(…) lt 0.01`` / ``geo.length(…) gt 0.5``, in degrees."""
        check_arity(call, [geo.ARITY[call.name]])
        right = node.right
        if not isinstance(right, Literal) or right.kind not in {"int", "float"}:
            raise FilterError(f"{call.name} muss mit einer Zahl verglichen werden", node.pos)
        geoms, scope = self._geo_args(call, call.args)
        expr = geo.measure(call.name, geoms, node.op, float(right.value), self.session, call.pos)
        return Typed(expr, "bool", node.pos, scope=scope)


def _is_integer(expr: Any) -> bool:
    """Whether a compiled number is of integer type (an integer literal, ``id``, ``year(…)``);
    JSON numbers and results are floats."""
    return isinstance(expr.type, Integer)


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """``a <op> b`` for the arithmetic operators. ``div`` and ``mod`` of two integers stay
    integers, ``div`` truncated toward zero (``7 div 2`` is 3, ``-7 div 2`` is -3); with a
    float they are float division and the float remainder (``7.5 mod 2`` is 1.5); ``divby``
    always divides as floats (OData 4.01)."""
    if op in _INTEGER_ARITH and _is_integer(a) and _is_integer(b):
        return _INTEGER_ARITH[op](a, b)
    return _ARITH[op](a, b)


def compile_filter(entity: EntityType, text: str, session: Session | None = None) -> Any:
    """Parse and compile a $filter for ``entity`` into a WHERE clause.

    Geospatial functions need ``session``: they are evaluated during compilation (see
    ``geo.py``).
    """
    return Compiler(entity, session).condition(parse_filter(text))


def compile_orderby(entity: EntityType, text: str) -> list[tuple[Any, bool, Path | None]]:
    """Parse and compile $orderby into ORDER BY keys: (expression, descending, the plain path
    if it is one). A JSON value or result gives several keys (see ``jsonvalues.py``)."""
    compiler = Compiler(entity)
    out: list[tuple[Any, bool, Path | None]] = []
    for node, descending in parse_orderby(text):
        try:
            typed = compiler.compile(node)
        except FilterError as exc:
            raise FilterError(exc.message, exc.position, "$orderby") from None
        if typed.scope is not None:
            raise FilterError(
                "nach einem Pfad über mehrere Entitäten kann nicht sortiert werden",
                typed.pos,
                "$orderby",
            )
        if typed.kind in {"null", "geometry"}:
            raise FilterError(
                f"nach {_KIND_NAMES[typed.kind]} kann nicht sortiert werden", typed.pos, "$orderby"
            )
        if typed.kind == "json":
            out += [(typed.as_kind(kind), descending, None) for kind in ORDER_KINDS]
        else:
            out.append((typed.expr, descending, node if isinstance(node, Path) else None))
    return out
