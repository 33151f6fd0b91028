"""The registry of moderatable kinds of user text. A kind says how to load an item (its
title, text, owners and page) and how to hide and unhide it; the engine does the rest
(reports, queue, decisions, audit, mail). Adding a kind: see docs/participation.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from domstadt.core.errors import NotFound


@dataclass(frozen=True)
class Item:
    """One moderatable text as the engine sees it."""

    title: str
    text: str
    url: str
    hidden: bool
    owner_ids: tuple[int, ...] = ()
    organisation_id: int | None = None


Loader = Callable[[Session, int], Item | None]
Hider = Callable[[Session, int, str, str], None]
Unhider = Callable[[Session, int], None]


def _nothing_to_hide(session: Session, item_id: int, reason: str, by: str) -> None:
    """Kinds without a hidden column rely on the engine's ``content_hidden`` row alone."""


def _nothing_to_unhide(session: Session, item_id: int) -> None:
    """Counterpart of ``_nothing_to_hide``."""


@dataclass(frozen=True)
class Kind:
    """A registered kind: ``load`` returns None for an unknown id; ``hide(session, id,
    reason, by)`` and ``unhide(session, id)`` flag the item in its own table, if it has one;
    ``entity_type`` names the item in the audit log (as its own domain does)."""

    name: str
    label: str
    load: Loader
    entity_type: str
    hide: Hider = field(default=_nothing_to_hide)
    unhide: Unhider = field(default=_nothing_to_unhide)


_KINDS: dict[str, Kind] = {}


def register(
    name: str,
    *,
    label: str,
    load: Loader,
    hide: Hider = _nothing_to_hide,
    unhide: Unhider = _nothing_to_unhide,
    entity_type: str = "",
) -> Kind:
    """Register (or replace) a kind of user text; ``label`` is German, shown to moderators;
    ``entity_type`` is the audit log's name of the item (default: ``name``)."""
    kind = Kind(
        name=name,
        label=label,
        load=load,
        entity_type=entity_type or name,
        hide=hide,
        unhide=unhide,
    )
    _KINDS[name] = kind
    return kind


def kind_of(name: str) -> Kind:
    """The registered kind ``name``; an unknown kind is a 404 naming the known ones."""
    kind = _KINDS.get(name)
    if kind is None:
        known = ", ".join(sorted(_KINDS))
        raise NotFound(f"Unbekannte Art von Beitrag '{name}'. Bekannt sind: {known}.", field="kind")
    return kind


def kinds() -> list[Kind]:
    """Every registered kind, by name."""
    return [_KINDS[k] for k in sorted(_KINDS)]
