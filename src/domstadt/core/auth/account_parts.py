"""What other domains hold of a person, for the account page, the GDPR export and deletion.

Core imports no domain, so each domain (or the app wiring them) registers an
:class:`AccountPart`: ``export`` returns the person's own data in that domain as JSON-ready
rows, ``forget`` anonymises or removes it when the account is deleted (contributions stay,
their author shown as :data:`FORMER_ACCOUNT`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor

FORMER_ACCOUNT = "ehemaliges Konto"
"""How the author of a deleted account's contributions is shown."""


@dataclass(frozen=True)
class AccountPart:
    """One domain's share of a person's data."""

    name: str
    export: Callable[[Session, Actor], list[dict[str, Any]]]
    forget: Callable[[Session, Actor], None]


_PARTS: dict[str, AccountPart] = {}


def register(part: AccountPart) -> None:
    """Add (or replace, on re-import) a domain's part."""
    _PARTS[part.name] = part


def parts() -> list[AccountPart]:
    """The registered parts, by name."""
    return [_PARTS[name] for name in sorted(_PARTS)]
