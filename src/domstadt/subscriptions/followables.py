"""The registry of followable kinds besides measures and fields (challenge, event, organisation).

A domain that has things worth following registers a :class:`Followable` per kind from a
provider module; the providers are named in :data:`PROVIDERS` and imported on first use (the
way ``web/domains.py`` mounts domain packages), so subscriptions never import a domain's
internals and the import-linter contracts stay as they are. A followable answers two
questions: what is target *id* (title, page; None when unknown or not public) and what
changed about it in a time window (public changes only, as :class:`FollowChange`)."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

PROVIDERS = ("domstadt.participation.follow", "domstadt.funding.follow")
"""Modules that call :func:`register` when imported."""


@dataclass(frozen=True)
class FollowTarget:
    """Something one can follow: its kind, id, title, page path and JSON API path."""

    kind: str
    id: int
    title: str
    path: str
    api_path: str


@dataclass(frozen=True)
class FollowChange:
    """One public change of a followed target.

    ``event`` names it for webhooks (``challenge.phase``, ``event.cancelled`` …), ``text`` is
    the German line of the digest, ``changes`` lists ``{"field", "before", "after"}`` like a
    measure's version, ``data`` carries references (a submission, an event) as JSON."""

    at: dt.datetime
    event: str
    text: str
    path: str
    changes: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


class Followable(Protocol):
    """A kind of target (``kind``) with its German name (``label``)."""

    kind: str
    label: str

    def target(self, session: Session, target_id: int) -> FollowTarget | None:
        """The target, or None when it does not exist or is not public."""

    def changes(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        """Public changes with ``since < at <= until``, oldest first."""


_KINDS: dict[str, Followable] = {}
_loaded = False


def register(followable: Followable) -> None:
    """Make a kind followable (called by provider modules when imported)."""
    _KINDS[followable.kind] = followable


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in PROVIDERS:
            importlib.import_module(module)
        _loaded = True


def kinds() -> dict[str, Followable]:
    """Every registered kind by name."""
    _load()
    return dict(_KINDS)


def get(kind: str) -> Followable | None:
    """The followable kind ``kind``, or None when nothing registered it."""
    _load()
    return _KINDS.get(kind)
