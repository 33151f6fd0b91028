"""What every CKAN action runs with (``Context``) and the helper for a required argument."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domstadt.core.auth.permissions import Actor
from domstadt.core.db import DbSession
from domstadt.core.errors import Invalid


@dataclass
class Context:
    """What an action runs with: the session, the actor, storage and an optional upload."""

    session: DbSession
    actor: Actor
    data_dir: Path
    base_url: str
    upload: tuple[str, bytes] | None = None


def required(data: dict[str, Any], key: str) -> str:
    """A required argument as text, else CKAN's Validation Error naming it."""
    value = data.get(key)
    if value in (None, ""):
        raise Invalid(f"Fehlender Wert: {key}", field=key, details={key: ["Missing value"]})
    return str(value)
