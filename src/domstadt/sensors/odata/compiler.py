"""Compile a parsed $filter / $orderby AST into parameterised SQLAlchemy expressions.

Every literal becomes a bound parameter; property names are looked up in the entity
registry, never pasted into SQL. Paths through to-one relations become correlated scalar
subqueries (``Datastream/Thing/name``); paths into JSON properties (``properties/owner``)
are cast by the type of the literal they are compared with.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    func,
    not_,
    null,
    or_,
    select,
)

from domstadt.core.db import UTCDateTime, utcnow
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
from domstadt.sensors.odata.sqlfunctions import DatePart, IndexOf, JsonRootText
from domstadt.sensors.sta.entities import ENTITY_TYPES, EntityType

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
    "mod": operator.mod,
}
_LITERAL_TYPES: dict[str, Any] = {
    "string": String(),
    "int": Integer(),
    "float": Float(),
    "bool": Boolean(),
}
_KIND_OF_LITERAL = {"string": "string", "int": "number", "float": "number", "bool": "bool"}
_KIND_NAMES = {
    "string": "Text",
    "number": "Zahl",
    "bool": "Wahrheitswert",
    "datetime": "Zeitpunkt",
    "null": "null",
}


@dataclass
class Typed:
    """A compiled expression and its kind (string, number, bool, datetime, null, json).

    ``build`` casts values of open type (JSON properties, observation results) to a kind.
    """

    expr: Any
    kind: str
    pos: int
    build: Callable[[str], Any] | None = None

    def as_kind(self, kind: str) -> Any:
        """The expression cast to ``kind`` when its own type is open."""
        if self.build is not None:
            return self.build(kind)
        return self.expr


def _json_builder(column: Any, keys: tuple[str, ...]) -> Callable[[str], Any]:
    def build(kind: str) -> Any:
        ref = column[keys[0]] if len(keys) == 1 else column[keys]
        if kind == "number":
            return ref.as_float()
        if kind == "bool":
            return ref.as_boolean()
        return ref.as_string()

    return build


def _result_builder(model: Any) -> Callable[[str], Any]:
    def build(kind: str) -> Any:
        if kind == "number":
            return model.result_number
        return JsonRootText(model.result_json)

    return build


def _wrap(build: Callable[[str], Any], wrap: Callable[[Any], Any]) -> Callable[[str], Any]:
    return lambda kind: wrap(build(kind))


class Compiler:
    """Compiles expressions in the context of one entity type."""

    def __init__(self, entity: EntityType) -> None:
        self.entity = entity

    def condition(self, node: Node) -> Any:
        """A WHERE clause for a boolean expression."""
        typed = self.compile(node)
        if typed.kind not in {"bool", "json"}:
            raise FilterError("der Ausdruck ergibt keinen Wahrheitswert", typed.pos)
        return typed.as_kind("bool")

    def compile(self, node: Node) -> Typed:
        """Compile any expression node."""
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, Path):
            return self.path(node)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def literal(self, node: Literal) -> Typed:
        """A bound parameter typed by the literal."""
        if node.kind == "null":
            return Typed(null(), "null", node.pos)
        if node.kind == "datetime":
            return Typed(bindparam(None, node.value, type_=UTCDateTime()), "datetime", node.pos)
        type_ = _LITERAL_TYPES[node.kind]
        return Typed(
            bindparam(None, node.value, type_=type_), _KIND_OF_LITERAL[node.kind], node.pos
        )

    def path(self, node: Path) -> Typed:
        """Resolve a property path, through to-one relations and into JSON."""
        entity = self.entity
        model: Any = entity.model
        wrap: Callable[[Any], Any] = lambda expr: expr  # noqa: E731
        segments = list(node.segments)
        while segments:
            name = segments.pop(0)
            if name in {"id", "@iot.id"}:
                return self._leaf(model.id, "number", node.pos, wrap, segments)
            if name in entity.props:
                return self._prop(entity, model, name, node, wrap, segments)
            nav = entity.navs.get(name)
            if nav is None:
                raise FilterError(
                    f"unbekannte Eigenschaft {name!r} von {entity.singular}", node.pos
                )
            if nav.kind != "one":
                raise FilterError(
                    f"{name!r} führt zu mehreren Entitäten; in $filter werden nur Pfade über "
                    "einzelne Entitäten (z. B. Datastream/Thing/name) unterstützt",
                    node.pos,
                )
            target = ENTITY_TYPES[nav.target]
            key = getattr(model, nav.attr)
            outer = wrap
            wrap = self._hop(target.model, key, outer)
            entity, model = target, target.model
        raise FilterError(f"Pfad {'/'.join(node.segments)!r} endet bei einer Entität", node.pos)

    @staticmethod
    def _hop(target: Any, key: Any, outer: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda expr: outer(select(expr).where(target.id == key).scalar_subquery())

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
        if prop.kind in {"json", "required_json"}:
            if not rest:
                raise FilterError(
                    f"{name!r} ist ein Objekt; vergleichen Sie einen Schlüssel, z. B. {name}/key",
                    node.pos,
                )
            return Typed(None, "json", node.pos, _wrap(_json_builder(column, tuple(rest)), wrap))
        if prop.kind == "result":
            if rest:
                raise FilterError("result hat keine Unter-Eigenschaften", node.pos)
            return Typed(None, "json", node.pos, _wrap(_result_builder(model), wrap))
        kind = "datetime" if prop.kind in {"time", "interval"} else "string"
        return self._leaf(column, kind, node.pos, wrap, rest)

    def unary(self, node: Unary) -> Typed:
        """``not`` and negation."""
        operand = self.compile(node.operand)
        if node.op == "not":
            return Typed(not_(self._expect(operand, "bool")), "bool", node.pos)
        return Typed(-self._expect(operand, "number"), "number", node.pos)

    def _expect(self, typed: Typed, kind: str) -> Any:
        if typed.kind == kind or (typed.kind == "json" and kind != "datetime"):
            return typed.as_kind(kind)
        raise FilterError(
            f"{_KIND_NAMES[kind]} erwartet, aber {_KIND_NAMES.get(typed.kind, typed.kind)} "
            "gefunden",
            typed.pos,
        )

    def binary(self, node: Binary) -> Typed:
        """Logical, comparison and arithmetic operators."""
        left, right = self.compile(node.left), self.compile(node.right)
        if node.op in {"and", "or"}:
            combine = and_ if node.op == "and" else or_
            return Typed(
                combine(self._expect(left, "bool"), self._expect(right, "bool")), "bool", node.pos
            )
        if node.op in _ARITH:
            a, b = self._expect(left, "number"), self._expect(right, "number")
            return Typed(_ARITH[node.op](a, b), "number", node.pos)
        return self.compare(node, left, right)

    def compare(self, node: Binary, left: Typed, right: Typed) -> Typed:
        """Comparison; the literal's type decides how open values (JSON, result) are cast."""
        op = _COMPARE[node.op]
        if right.kind == "null" or left.kind == "null":
            other = left if right.kind == "null" else right
            value = other.as_kind("string")
            if node.op not in {"eq", "ne"}:
                raise FilterError("mit null kann nur eq oder ne verglichen werden", node.pos)
            return Typed(
                value.is_(None) if node.op == "eq" else value.is_not(None), "bool", node.pos
            )
        kind = right.kind if left.kind == "json" else left.kind
        if kind == "json":
            kind = "string"
        a, b = self._expect(left, kind), self._expect(right, kind)
        return Typed(op(a, b), "bool", node.pos)

    def call(self, node: Call) -> Typed:
        """A built-in function."""
        spec = FUNCTIONS.get(node.name)
        if spec is None:
            raise FilterError(f"unbekannte Funktion {node.name!r}", node.pos)
        kinds, result_kind, build = spec
        if len(node.args) not in kinds:
            raise FilterError(
                f"{node.name} erwartet {len(kinds[0]) if kinds else 0} Argument(e), "
                f"nicht {len(node.args)}",
                node.pos,
            )
        wanted = kinds[len(node.args)]
        args = [
            self._expect(self.compile(arg), k) for arg, k in zip(node.args, wanted, strict=True)
        ]
        return Typed(build(*args), result_kind, node.pos)


def _contains(haystack: Any, needle: Any) -> Any:
    # position functions instead of LIKE: '%' and '_' in the argument stay literal
    return IndexOf(haystack, needle) >= 0


def _endswith(text: Any, suffix: Any) -> Any:
    start = func.length(text) - func.length(suffix) + 1
    return and_(func.length(suffix) <= func.length(text), func.substr(text, start) == suffix)


_S, _N, _D = "string", "number", "datetime"
FUNCTIONS: dict[str, tuple[dict[int, tuple[str, ...]], str, Callable[..., Any]]] = {
    "substringof": ({2: (_S, _S)}, "bool", lambda a, b: _contains(b, a)),
    "contains": ({2: (_S, _S)}, "bool", _contains),
    "startswith": ({2: (_S, _S)}, "bool", lambda a, b: IndexOf(a, b) == 0),
    "endswith": ({2: (_S, _S)}, "bool", _endswith),
    "length": ({1: (_S,)}, _N, func.length),
    "tolower": ({1: (_S,)}, _S, func.lower),
    "toupper": ({1: (_S,)}, _S, func.upper),
    "trim": ({1: (_S,)}, _S, func.trim),
    "concat": ({2: (_S, _S)}, _S, lambda a, b: a.concat(b)),
    "indexof": ({2: (_S, _S)}, _N, IndexOf),
    "substring": (
        {2: (_S, _N), 3: (_S, _N, _N)},
        _S,
        lambda s, start, length=None: (
            func.substr(s, start + 1) if length is None else func.substr(s, start + 1, length)
        ),
    ),
    "round": ({1: (_N,)}, _N, func.round),
    "floor": ({1: (_N,)}, _N, func.floor),
    "ceiling": ({1: (_N,)}, _N, func.ceil),
    "now": ({0: ()}, _D, lambda: bindparam(None, utcnow(), type_=UTCDateTime())),
    **{
        part: ({1: (_D,)}, _N, (lambda p: lambda expr: DatePart(p, expr))(part))
        for part in ("year", "month", "day", "hour", "minute", "second")
    },
}


def compile_filter(entity: EntityType, text: str) -> Any:
    """Parse and compile a $filter for ``entity`` into a WHERE clause."""
    return Compiler(entity).condition(parse_filter(text))


def compile_orderby(entity: EntityType, text: str) -> list[tuple[Any, bool, Path | None]]:
    """Parse and compile $orderby: (expression, descending, the plain path if it is one)."""
    compiler = Compiler(entity)
    out: list[tuple[Any, bool, Path | None]] = []
    for node, descending in parse_orderby(text):
        try:
            typed = compiler.compile(node)
        except FilterError as exc:
            raise FilterError(exc.message, exc.position, "$orderby") from None
        expr = typed.as_kind("number" if typed.kind == "json" else typed.kind)
        out.append((expr, descending, node if isinstance(node, Path) else None))
    return out
