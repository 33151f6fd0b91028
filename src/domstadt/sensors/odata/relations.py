"""Relation steps of $filter paths: to-one as scalar subqueries, to-many as EXISTS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, exists, select

from domstadt.sensors.sta.entities import Nav


def identity(expr: Any) -> Any:
    """The expression unchanged (no relation step yet)."""
    return expr


def hop(target: Any, key: Any, outer: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A to-one step: the value ``expr`` of the target row whose id is ``key``."""
    return lambda expr: outer(select(expr).where(target.id == key).scalar_subquery())


def any_related(
    nav: Nav, alias: Any, parent_key: Any, outer: Callable[[Any], Any] | None
) -> Callable[[Any], Any]:
    """Scope of a to-many step: EXISTS over the related rows (nested in ``outer``)."""
    if nav.kind == "many":
        link = getattr(alias, nav.attr) == parent_key
    else:
        assert nav.table is not None
        table = nav.table.alias()
        link = and_(table.c[nav.attr] == parent_key, table.c[nav.target_attr] == alias.id)

    def scope(predicate: Any) -> Any:
        inner = exists().where(link, predicate)
        return outer(inner) if outer is not None else inner

    return scope
