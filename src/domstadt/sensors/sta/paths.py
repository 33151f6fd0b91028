"""Resource paths of the SensorThings API: ``Things(1)/Datastreams``, ``…/name/$value``, ``$ref``.

A path is a chain of entity steps (an entity set, then navigation properties, each optionally
keyed by ``(id)``) and an optional tail: a property, its ``$value``, or ``$ref``. A complex
(JSON) property may be followed by member names (``Things(1)/properties/address/street``,
OGC 18-088 §9.2.4 "further property name composition").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domstadt.core.errors import NotFound
from domstadt.sensors.sta.entities import ENTITY_TYPES, ID_NAMES, EntityType, Nav, storable_id

_SEGMENT = re.compile(r"^([A-Za-z]+)(?:\((\d+)\))?$")
COMPLEX_KINDS = frozenset({"json", "required_json", "result"})
"""Property kinds holding JSON, into which a path may continue with member names."""


@dataclass(frozen=True)
class Step:
    """One entity step; ``nav`` is None for the entity set at the start."""

    entity: EntityType
    nav: Nav | None
    key: int | None

    @property
    def single(self) -> bool:
        """True when the step names one entity (a key, or a to-one navigation)."""
        return self.key is not None or (self.nav is not None and self.nav.kind == "one")


@dataclass(frozen=True)
class ResourcePath:
    """The parsed path: entity steps, then an optional property (with member names inside a
    complex one), ``$value`` or ``$ref``."""

    steps: tuple[Step, ...]
    prop: str | None = None
    value: bool = False
    ref: bool = False
    members: tuple[str, ...] = ()

    @property
    def last(self) -> Step:
        """The final entity step."""
        return self.steps[-1]


def _not_found(text: str) -> NotFound:
    return NotFound(f"Der Pfad {text!r} ist in der SensorThings API unbekannt.")


def _key(entity: EntityType, key: str | None) -> int | None:
    """The id in a segment (``Things(1)``); one no entity can have is NotFound (404)."""
    if not key:
        return None
    number = int(key)
    if not storable_id(number):
        raise NotFound(f"{entity.singular} mit der id {number} gibt es nicht.")
    return number


def parse_path(path: str) -> ResourcePath:
    """Parse a path relative to /sta/v1.1; unknown names are NotFound (404)."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        raise _not_found(path)
    steps: list[Step] = []
    for index, part in enumerate(parts):
        match = _SEGMENT.match(part)
        name, key = (match.group(1), match.group(2)) if match else (part, None)
        if not steps:
            entity = ENTITY_TYPES.get(name) if match else None
            if entity is None:
                raise _not_found(part)
            steps.append(Step(entity, None, _key(entity, key)))
            continue
        previous = steps[-1]
        if part == "$ref" and index == len(parts) - 1:
            return ResourcePath(tuple(steps), ref=True)
        if not previous.single:
            raise _not_found(part)
        nav = previous.entity.navs.get(name) if match else None
        if nav is not None:
            steps.append(Step(ENTITY_TYPES[nav.target], nav, _key(ENTITY_TYPES[nav.target], key)))
            continue
        return _tail(tuple(steps), parts[index:], path)
    return ResourcePath(tuple(steps))


def _tail(steps: tuple[Step, ...], rest: list[str], path: str) -> ResourcePath:
    if rest == ["$ref"]:
        return ResourcePath(steps, ref=True)
    name, *members = rest
    value = bool(members) and members[-1] == "$value"
    if value:
        members.pop()
    prop = steps[-1].entity.props.get(name)
    if prop is None and name not in ID_NAMES:
        raise _not_found(name)
    if members and (prop is None or prop.kind not in COMPLEX_KINDS):
        raise _not_found(path)
    if {"$ref", "$value"} & set(members):
        raise _not_found(path)
    return ResourcePath(steps, prop=name, value=value, members=tuple(members))
