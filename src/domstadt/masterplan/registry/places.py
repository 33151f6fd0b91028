"""Cologne's 9 Stadtbezirke (city districts) and 86 Stadtteile (quarters), for place matching.

Used by duplicate detection: "Bäume pflanzen in Kalk" and "… in Porz" name different places.
A Stadtteil lies inside its Stadtbezirk, so "Vingst" and "Kalk" do not contradict each other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from domstadt.core.text.normalize import fold

STADTBEZIRKE: dict[str, list[str]] = {
    "Innenstadt": ["Altstadt-Nord", "Altstadt-Süd", "Neustadt-Nord", "Neustadt-Süd", "Deutz"],
    "Rodenkirchen": [
        "Bayenthal", "Godorf", "Hahnwald", "Immendorf", "Marienburg", "Meschenich",
        "Raderberg", "Raderthal", "Rodenkirchen", "Rondorf", "Sürth", "Weiß", "Zollstock",
    ],
    "Lindenthal": [
        "Braunsfeld", "Junkersdorf", "Klettenberg", "Lindenthal", "Lövenich", "Müngersdorf",
        "Sülz", "Weiden", "Widdersdorf",
    ],
    "Ehrenfeld": [
        "Bickendorf", "Bocklemünd/Mengenich", "Ehrenfeld", "Neuehrenfeld", "Ossendorf",
        "Vogelsang",
    ],
    "Nippes": [
        "Bilderstöckchen", "Longerich", "Mauenheim", "Niehl", "Nippes", "Riehl", "Weidenpesch",
    ],
    "Chorweiler": [
        "Blumenberg", "Chorweiler", "Esch/Auweiler", "Fühlingen", "Heimersdorf", "Lindweiler",
        "Merkenich", "Pesch", "Roggendorf/Thenhoven", "Seeberg", "Volkhoven/Weiler", "Worringen",
    ],
    "Porz": [
        "Eil", "Elsdorf", "Ensen", "Finkenberg", "Gremberghoven", "Grengel", "Langel", "Libur",
        "Lind", "Poll", "Porz", "Urbach", "Wahn", "Wahnheide", "Westhoven", "Zündorf",
    ],
    "Kalk": [
        "Brück", "Höhenberg", "Humboldt/Gremberg", "Kalk", "Merheim", "Neubrück", "Ostheim",
        "Rath/Heumar", "Vingst",
    ],
    "Mülheim": [
        "Buchforst", "Buchheim", "Dellbrück", "Dünnwald", "Flittard", "Höhenhaus", "Holweide",
        "Mülheim", "Stammheim",
    ],
}  # fmt: skip
"""Stadtbezirk → its Stadtteile (official names; a slash joins a quarter's two parts)."""

AMBIGUOUS = frozenset({"weiß", "weiden", "lind", "eil", "poll", "wahn", "rath", "esch", "pesch"})
"""Quarter names that are also ordinary words: matched only after a place preposition."""

_PREPOSITION = r"(?:in|im|nach|aus|von|für|bei|stadtteil|veedel|bezirk)\s+"


def stadtteile() -> list[str]:
    """All 86 Stadtteile."""
    return [name for quarters in STADTBEZIRKE.values() for name in quarters]


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, place key) for every name and name part, longest first."""
    names: dict[str, str] = {}
    for bezirk, quarters in STADTBEZIRKE.items():
        names[bezirk] = f"bezirk:{fold(bezirk.lower())}"
        for quarter in quarters:
            key = f"teil:{fold(quarter.lower())}"
            if quarter == bezirk:
                key = f"bezirk:{fold(bezirk.lower())}"
            names[quarter] = key
            for part in re.split(r"[/-]", quarter):
                if len(part) > 3 and part not in ("Nord", "Süd"):
                    names.setdefault(part, key)
    patterns = []
    for name in sorted(names, key=len, reverse=True):
        body = re.escape(name).replace(r"\-", "[- ]?")
        prefix = _PREPOSITION if name.lower() in AMBIGUOUS else ""
        patterns.append((re.compile(rf"(?<!\w){prefix}{body}(?!\w)", re.IGNORECASE), names[name]))
    return patterns


@lru_cache(maxsize=1)
def _bezirk_of() -> dict[str, str]:
    """Place key → key of its Stadtbezirk."""
    out: dict[str, str] = {}
    for bezirk, quarters in STADTBEZIRKE.items():
        bezirk_key = f"bezirk:{fold(bezirk.lower())}"
        out[bezirk_key] = bezirk_key
        for quarter in quarters:
            out[f"teil:{fold(quarter.lower())}"] = bezirk_key
    return out


def places_in(text: str) -> frozenset[str]:
    """Keys of the Cologne places ``text`` names (``bezirk:kalk``, ``teil:vingst``)."""
    found: set[str] = set()
    rest = text
    for pattern, key in _patterns():
        if pattern.search(rest):
            found.add(key)
            rest = pattern.sub(" ", rest)
    return frozenset(found)


def places_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when some place of ``a`` equals, contains or lies in some place of ``b``."""
    bezirk = _bezirk_of()
    for x in a:
        for y in b:
            if x == y or bezirk.get(x) == y or bezirk.get(y) == x:
                return True
    return False


def place_label(key: str) -> str:
    """A readable name for a place key."""
    wanted = key.split(":", 1)[1]
    for bezirk, quarters in STADTBEZIRKE.items():
        for name in [bezirk, *quarters]:
            if fold(name.lower()) == wanted:
                return name
    return wanted
