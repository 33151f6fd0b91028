"""The registry of search sources: what each domain contributes to the site search."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session


def N_(message: str) -> str:
    """Mark a label for translation; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Document:
    """One public item: ``url`` is a site path; ``text`` is searched and shortened to a
    summary; ``extra`` is searched like text but not shown (keywords, codes)."""

    entity_id: int
    title: str
    url: str
    text: str = ""
    extra: str = ""


Lister = Callable[[Session, Collection[int] | None], Iterable[Document]]
"""``list(session, ids)``: the public documents among ``ids`` (None: all of the kind)."""


@dataclass(frozen=True)
class Source:
    """A kind of item (``kind`` e.g. "measure", ``label`` its German plural) and how to list
    it. ``watch`` maps model classes to a function giving the entity id a written row of that
    class changes (None: none), so the index follows every commit."""

    kind: str
    label: str
    list: Lister
    watch: dict[type, Callable[[Any], int | None]] = field(default_factory=dict)
    order: int = 100


_SOURCES: dict[str, Source] = {}
_WATCHERS: dict[type, list[tuple[str, Callable[[Any], int | None]]]] = {}


def register(source: Source) -> None:
    """Add (or replace) the source of ``source.kind``; safe to call more than once."""
    _SOURCES[source.kind] = source
    _WATCHERS.clear()
    for each in _SOURCES.values():
        for cls, key in each.watch.items():
            _WATCHERS.setdefault(cls, []).append((each.kind, key))


def sources() -> list[Source]:
    """Every registered source in display order."""
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.kind))


def source(kind: str) -> Source | None:
    """The source of ``kind``, None when no domain registered it."""
    return _SOURCES.get(kind)


def watchers(cls: type) -> list[tuple[str, Callable[[Any], int | None]]]:
    """(kind, id function) for every source watching rows of ``cls``."""
    return _WATCHERS.get(cls, [])
