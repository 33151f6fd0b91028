"""Street and square names anywhere in Germany ("Schützenstraße 19", "Peter-Thumb-Str."),
for the place agreement of duplicate judgement (Cologne's quarters are in :mod:`places`).

A name is a capitalised word ending in a street word (straße, weg, gasse, platz, …), or a
capitalised word followed by one ("Bruder Klaus Straße"). Generic ways that name no place
(Radweg, Gehweg, Spielplatz …) are left out. Names are folded (ß→ss, umlauts) and "str." is
written out, so "Schuetzenstr." and "Schützenstraße" are one street.
"""

from __future__ import annotations

import re
from functools import lru_cache

from domstadt.core.text.normalize import fold

_SUFFIX = r"(?:straße|strasse|str\.|weg|gasse|platz|steig|allee|ring|ufer|damm|gässle|gaessle)"
_STREET = re.compile(
    rf"\b[A-ZÄÖÜ][\w-]*?{_SUFFIX}(?![\w])"
    r"|\b[A-ZÄÖÜ][\w-]+[ -](?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee)(?![\w])"
)
GENERIC = frozenset(
    {
        "fahrradweg", "radweg", "fussweg", "gehweg", "waldweg", "wanderweg", "schulweg",
        "feldweg", "uferweg", "treppenweg", "spielplatz", "parkplatz", "sportplatz",
        "grillplatz", "bolzplatz", "marktplatz", "schulhof", "stellplatz", "bodenseeradweg",
        "radschnellweg", "kreisverkehr",
    }
)  # fmt: skip


def _key(name: str) -> str:
    folded = fold(name.lower()).replace(" ", "-")
    if folded.endswith("str."):
        folded = folded[:-4] + "strasse"
    return folded


@lru_cache(maxsize=8192)
def streets_in(text: str) -> frozenset[str]:
    """Folded street and square names named in ``text``."""
    found = {_key(m.group(0)) for m in _STREET.finditer(text)}
    return frozenset(f for f in found if f not in GENERIC and len(f) > 4)
