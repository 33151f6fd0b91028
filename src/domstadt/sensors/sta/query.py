"""Running SensorThings reads: resolve a path, apply query options, page, serialise.

Paging: when every $orderby key is a plain non-null column of the entity (the default is
``id``), the next link carries a ``$skiptoken`` with the last row's keys (keyset paging, no
deep OFFSET), so walking the next links visits every row exactly once even while rows are
added. Other orderings fall back to ``$skip``.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, bindparam, exists, or_, select, tuple_
from sqlalchemy.orm import Session

from domstadt.core.db import UTCDateTime
from domstadt.core.errors import Invalid, NotFound
from domstadt.sensors.odata.compiler import compile_filter, compile_orderby
from domstadt.sensors.odata.options import ExpandItem, QueryOptions
from domstadt.sensors.odata.parser import FilterError, Path
from domstadt.sensors.sta.counting import Count, count_rows
from domstadt.sensors.sta.entities import (
    ENTITY_TYPES,
    ID_NAMES,
    EntityType,
    Nav,
    omitted_when_null,
    prop_getter,
    row_columns,
)
from domstadt.sensors.sta.paths import ResourcePath


@dataclass
class Target:
    """What a path resolved to: one entity id, or a collection with an optional condition."""

    entity: EntityType
    entity_id: int | None
    condition: Any = None
    order: Any = None
    """The order the navigation keeps (see :func:`nav_order`) when no $orderby is given."""


def _missing(entity: EntityType, key: int) -> NotFound:
    return NotFound(f"{entity.singular} mit der id {key} gibt es nicht.")


def nav_condition(nav: Nav, parent_id: Any) -> Any:
    """Condition on the target model selecting the targets of ``nav`` of parent ``parent_id``."""
    target: Any = ENTITY_TYPES[nav.target].model
    if nav.kind == "many":
        return getattr(target, nav.attr) == parent_id
    assert nav.table is not None
    link = nav.table.c
    return target.id.in_(select(link[nav.target_attr]).where(link[nav.attr] == parent_id))


def nav_order(nav: Nav, parent_id: Any) -> Any:
    """The ``position`` of each target in a link table that keeps the order of the request
    (a MultiDatastream's ObservedProperties), or None when the navigation keeps none."""
    table = nav.table
    if nav.kind != "m2m" or table is None or "position" not in table.c:
        return None
    if table.primary_key.columns.values()[0].key != nav.attr:  # not the owning side
        return None
    target: Any = ENTITY_TYPES[nav.target].model
    link = table.c
    own = (link[nav.attr] == parent_id, link[nav.target_attr] == target.id)
    return select(link.position).where(*own).scalar_subquery()


def resolve(session: Session, path: ResourcePath) -> Target:
    """Walk the path's steps; every keyed or to-one step must exist (else NotFound)."""
    first = path.steps[0]
    current: int | None = first.key
    if current is not None and session.get(first.entity.model, current) is None:
        raise _missing(first.entity, current)
    condition = order = None
    parent = first
    for step in path.steps[1:]:
        nav = step.nav
        assert nav is not None and current is not None
        parent_model: Any = parent.entity.model
        if nav.kind == "one":
            fk = session.scalar(
                select(getattr(parent_model, nav.attr)).where(parent_model.id == current)
            )
            if fk is None or (step.key is not None and step.key != fk):
                raise NotFound(f"{parent.entity.singular} {current} hat kein {nav.name}.")
            current, condition, order = fk, None, None
        else:
            condition, order = nav_condition(nav, current), nav_order(nav, current)
            parent_id, current = current, step.key
            if current is not None:
                model: Any = step.entity.model
                if not session.scalar(select(exists().where(model.id == current, condition))):
                    if session.get(model, current) is None:
                        raise _missing(step.entity, current)
                    raise NotFound(
                        f"{parent.entity.singular} {parent_id} ist nicht mit "
                        f"{step.entity.singular} {current} verknüpft."
                    )
                condition = order = None
        parent = step
    return Target(path.last.entity, current, condition, order)


def _orderings(
    entity: EntityType, opts: QueryOptions, order: Any = None
) -> tuple[list[tuple[Any, bool]], bool]:
    """ORDER BY keys (id appended as tie-breaker) and whether keyset paging applies; without
    $orderby a navigation's own ``order`` comes first (paged with $skip)."""
    model: Any = entity.model
    keys: list[tuple[Any, bool]] = []
    keyset = True
    if not opts.orderby and order is not None:
        keys, keyset = [(order, False)], False
    if opts.orderby:
        for expr, descending, node in compile_orderby(entity, opts.orderby):
            keys.append((expr, descending))
            keyset = keyset and _plain_non_null(entity, node)
    if not any(k[0] is model.id for k in keys):
        keys.append((model.id, keys[-1][1] if keys else False))
    return keys, keyset


def _plain_non_null(entity: EntityType, node: Path | None) -> bool:
    if node is None or len(node.segments) != 1:
        return False
    name = node.segments[0]
    if name in ID_NAMES:
        return True
    prop = entity.props.get(name)
    if prop is None or prop.kind not in {"text", "time", "interval"}:
        return False
    column = getattr(entity.model, prop.attr)
    return not column.expression.nullable


def _encode_token(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode_token(token: str, keys: list[tuple[Any, bool]]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        assert isinstance(raw, list) and len(raw) == len(keys)
        values = []
        for value, (expr, _desc) in zip(raw, keys, strict=True):
            is_time = isinstance(expr.type, UTCDateTime)
            values.append(dt.datetime.fromisoformat(value) if is_time else value)
        return values
    except Exception:
        raise Invalid(
            "$skiptoken ist ungültig; folgen Sie dem @iot.nextLink unverändert."
        ) from None


def _after(keys: list[tuple[Any, bool]], values: list[Any]) -> Any:
    """Rows after ``values`` in the ordering (row values when all directions agree)."""
    if len({d for _, d in keys}) == 1:
        row = tuple_(*[k for k, _ in keys])
        bound = tuple_(
            *[bindparam(None, v, type_=k.type) for (k, _), v in zip(keys, values, strict=True)]
        )
        return row < bound if keys[0][1] else row > bound
    clauses = []
    for i, (expr, descending) in enumerate(keys):
        equal = [keys[j][0] == values[j] for j in range(i)]
        clauses.append(and_(*equal, expr < values[i] if descending else expr > values[i]))
    return or_(*clauses)


@dataclass
class Page:
    """Rows of one page, whether more follow, the total when asked, the next token."""

    rows: list[Any]
    more: bool
    count: Count | None
    next_params: dict[str, str] | None


def query_rows(
    session: Session, entity: EntityType, condition: Any, opts: QueryOptions, order: Any = None
) -> Page:
    """Run a collection query with $filter, $orderby, $skip/$skiptoken, $top and $count
    (``order``: the navigation's own order, used without $orderby)."""
    model: Any = entity.model
    stmt = select(*row_columns(entity.set_name))
    if condition is not None:
        stmt = stmt.where(condition)
    if opts.filter:
        stmt = stmt.where(compile_filter(entity, opts.filter, session))
    count = None
    if opts.count:
        count = count_rows(session, model, stmt, bool(opts.filter) or condition is not None)
    keys, keyset = _orderings(entity, opts, order)
    if opts.skiptoken:
        if not keyset:
            raise FilterError("$skiptoken passt nicht zu dieser Sortierung", option="$skiptoken")
        stmt = stmt.where(_after(keys, _decode_token(opts.skiptoken, keys)))
    stmt = stmt.order_by(*[k.desc() if d else k.asc() for k, d in keys])
    size = opts.page_size
    rows = list(session.execute(stmt.offset(opts.skip or None).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    next_params = None
    if more and rows:
        if keyset:
            last = rows[-1]
            values = [getattr(last, k.key) for k, _ in keys]
            next_params = {"$skiptoken": _encode_token(values), "$skip": ""}
        else:
            next_params = {"$skip": str(opts.skip + size)}
    return Page(rows, more, count, next_params)


def next_link(url: str, params: list[tuple[str, str]], changes: dict[str, str]) -> str:
    """``url`` with ``params`` updated by ``changes`` (an empty value drops the option)."""
    kept = [(k, v) for k, v in params if k.lower() not in {c.lower() for c in changes}]
    kept += [(k, v) for k, v in changes.items() if v]
    return f"{url}?{urlencode(kept, safe='$/,()')}"


def option_pairs(opts: QueryOptions, *, page_size: bool = True) -> list[tuple[str, str]]:
    """``opts`` as URL query options again, so that the link to an expanded collection repeats
    the options given inside ``$expand(...)``; ``page_size``: always name ``$top``."""
    pairs = []
    if page_size or opts.top is not None:
        pairs.append(("$top", str(opts.page_size)))
    if opts.skip:
        pairs.append(("$skip", str(opts.skip)))
    if opts.count:
        pairs.append(("$count", "true"))
    for name, text in (("$filter", opts.filter), ("$orderby", opts.orderby)):
        if text:
            pairs.append((name, text))
    if opts.select:
        pairs.append(("$select", ",".join(opts.select)))
    if opts.expand:
        pairs.append(("$expand", ",".join(_expand_text(item) for item in opts.expand)))
    return pairs


def _expand_text(item: ExpandItem) -> str:
    """One ``$expand`` item as text: ``Nav`` or ``Nav($opt=value;…)`` (nested alike)."""
    inner = ";".join(f"{k}={v}" for k, v in option_pairs(item.options, page_size=False))
    return f"{item.nav}({inner})" if inner else item.nav


class Serializer:
    """Turns rows into SensorThings JSON with self and navigation links and expansions."""

    def __init__(self, session: Session, base: str) -> None:
        self.session = session
        self.base = base

    def self_link(self, entity: EntityType, entity_id: int) -> str:
        """Absolute link of one entity."""
        return f"{self.base}/{entity.set_name}({entity_id})"

    def entity(self, entity: EntityType, row: Any, opts: QueryOptions) -> dict[str, Any]:
        """One entity as JSON (from a model object or a result row), honouring $select and
        $expand."""
        plan = row_plan(entity.set_name, tuple(opts.select) if opts.select else None)
        out: dict[str, Any] = {}
        link = f"{self.base}/{entity.set_name}({row.id})"
        if plan.with_id:
            out["@iot.id"] = row.id
        if plan.with_self_link:
            out["@iot.selfLink"] = link
        plan.write_props(out, row)
        for name in plan.navs:
            out[f"{name}@iot.navigationLink"] = f"{link}/{name}"
        for item in opts.expand:
            nav = entity.navs.get(item.nav)
            if nav is None:
                raise FilterError(
                    f"{entity.singular} hat keine Navigation {item.nav!r}", option="$expand"
                )
            self._expand(out, link, nav, row, item.options)
        return out

    def _expand(
        self, out: dict[str, Any], link: str, nav: Nav, row: Any, opts: QueryOptions
    ) -> None:
        target = ENTITY_TYPES[nav.target]
        if nav.kind == "one":
            fk = getattr(row, nav.attr)
            related = self.session.get(target.model, fk) if fk is not None else None
            out[nav.name] = self.entity(target, related, opts) if related is not None else None
            return
        condition, order = nav_condition(nav, row.id), nav_order(nav, row.id)
        page = query_rows(self.session, target, condition, opts, order)
        out[nav.name] = [self.entity(target, r, opts) for r in page.rows]
        if page.count is not None:
            out[f"{nav.name}@iot.count"] = page.count.value
            if page.count.estimated:
                out[f"{nav.name}@domstadt:countEstimated"] = True
        if page.more:
            out[f"{nav.name}@iot.nextLink"] = next_link(
                f"{link}/{nav.name}", option_pairs(opts), page.next_params or {}
            )


@dataclass(frozen=True)
class RowPlan:
    """What one entity's JSON holds under one ``$select``, worked out once, not per row."""

    with_id: bool
    with_self_link: bool
    props: tuple[tuple[str, Callable[[Any], Any]], ...]
    navs: tuple[str, ...]
    omit_null: frozenset[str] = frozenset()
    """Properties left out while null (FROST-Server's rule, see ``entities.NULL_WRITTEN``)."""

    def write_props(self, out: dict[str, Any], row: Any) -> None:
        """Put the properties of ``row`` into ``out``; the plain loop when none is omitted."""
        if not self.omit_null:
            for name, get in self.props:
                out[name] = get(row)
            return
        omit = self.omit_null
        for name, get in self.props:
            value = get(row)
            if value is not None or name not in omit:
                out[name] = value


@functools.lru_cache(maxsize=256)
def row_plan(entity_name: str, select: tuple[str, ...] | None) -> RowPlan:
    """The plan for ``entity_name`` under ``$select`` (None: everything); unknown names are
    refused with the option named."""
    entity = ENTITY_TYPES[entity_name]
    chosen = set(select) if select else None
    unknown = (chosen or set()) - set(entity.props) - set(entity.navs)
    unknown -= ID_NAMES | {"@iot.selfLink"}
    if unknown:
        raise FilterError(
            f"unbekannte Eigenschaft {sorted(unknown)[0]!r} von {entity.singular}",
            option="$select",
        )
    return RowPlan(
        with_id=chosen is None or bool(chosen & ID_NAMES),
        with_self_link=chosen is None or "@iot.selfLink" in chosen,
        props=tuple(
            (name, prop_getter(prop))
            for name, prop in entity.props.items()
            if chosen is None or name in chosen
        ),
        navs=tuple(name for name in entity.navs if chosen is None or name in chosen),
        omit_null=frozenset(name for name in entity.props if omitted_when_null(entity, name)),
    )
