"""Human names that must be unique (organisations, department codes): one written form, one key.

Two names that differ only by spaces at the ends or in a row, invisible characters (zero-width
space and joiners, soft hyphen, byte-order mark, bidi marks), no-break or other Unicode spaces,
Unicode normalisation form or letter case are the same name. :func:`normalise_name` gives the
form to store and show; :func:`name_key` the form uniqueness is checked on.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

_SPACES = re.compile(r"\s+")


def _visible(char: str) -> bool:
    """False for format (Cf: zero-width, soft hyphen, BOM, bidi) and control (Cc) characters
    that are not white space."""
    return char.isspace() or unicodedata.category(char) not in {"Cf", "Cc"}


def normalise_name(text: str) -> str:
    """NFC, without invisible characters, every run of white space (NBSP too) one space, trimmed."""
    composed = unicodedata.normalize("NFC", text)
    visible = "".join(c for c in composed if _visible(c))
    return _SPACES.sub(" ", visible).strip()


def name_key(text: str) -> str:
    """The key two names are compared on: normalised, compatibility-folded (NFKC) and case-folded,
    so "Köln GmbH", "KÖLN  GMBH" and "Ｋöln GmbH" collide."""
    return unicodedata.normalize("NFKC", normalise_name(text)).casefold()


def _checked_name(value: str) -> str:
    name = normalise_name(value)
    if not name:
        raise PydanticCustomError(
            "name_blank", "Der Name besteht nur aus Leerzeichen oder unsichtbaren Zeichen."
        )
    return name


HumanName = Annotated[str, AfterValidator(_checked_name)]
"""A pydantic field type: the name as :func:`normalise_name` writes it; never empty."""


MAX_COMPETENCES = 20
"""How many competence tags an organisation or an ecosystem entry may carry."""


def normalise_competences(values: list[str]) -> list[str]:
    """Trimmed free competence tags, duplicates (ignoring case) dropped, order kept; at most
    :data:`MAX_COMPETENCES` of 60 characters each (a :class:`ValueError` names the one too long).
    """
    seen: set[str] = set()
    tags: list[str] = []
    for raw in values:
        tag = " ".join(raw.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > 60:
            raise ValueError(f"Die Kompetenz '{tag[:60]}…' ist länger als 60 Zeichen.")
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_COMPETENCES:
        raise ValueError(f"Höchstens {MAX_COMPETENCES} Kompetenzen.")
    return tags
