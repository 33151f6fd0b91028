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


def _normal(name: str) -> str:
    return fold(name.lower()).replace("-", " ")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Normalised name or name part → place key."""
    names: dict[str, str] = {}
    for bezirk, quarters in STADTBEZIRKE.items():
        bezirk_key = f"bezirk:{fold(bezirk.lower())}"
        names[_normal(bezirk)] = bezirk_key
        for quarter in quarters:
            key = bezirk_key if quarter == bezirk else f"teil:{fold(quarter.lower())}"
            names[_normal(quarter)] = key
            for part in re.split(r"[/-]", quarter):
                if len(part) > 3 and part not in ("Nord", "Süd"):
                    names.setdefault(_normal(part), key)
    return names


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """One alternation of every name, longest first; ambiguous ones after a preposition."""

    def alternatives(ambiguous: bool) -> str:
        found = []
        for bezirk, quarters in STADTBEZIRKE.items():
            for name in [bezirk, *quarters, *re.split(r"[/-]", "/".join(quarters))]:
                if len(name) > 2 and (name.lower() in AMBIGUOUS) == ambiguous:
                    found.append(re.escape(name).replace(r"\-", "[- ]?"))
        return "|".join(sorted(set(found), key=len, reverse=True))

    return re.compile(
        rf"(?<!\w)(?:{_PREPOSITION}(?P<amb>{alternatives(True)})|(?P<name>{alternatives(False)}))"
        r"(?!\w)",
        re.IGNORECASE,
    )


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


@lru_cache(maxsize=8192)
def places_in(text: str) -> frozenset[str]:
    """Keys of the Cologne places ``text`` names (``bezirk:kalk``, ``teil:vingst``)."""
    names = _names()
    found = set()
    for match in _pattern().finditer(text):
        word = match.group("amb") or match.group("name")
        key = names.get(_normal(word).replace("  ", " "))
        if key is None:
            key = names.get(_normal(word).replace(" ", ""))
        if key is not None:
            found.add(key)
    return frozenset(found)


def is_place(word: str) -> bool:
    """True when a single word is a Cologne place name."""
    return _normal(word) in _names()


def places_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when some place of ``a`` equals, contains or lies in some place of ``b``."""
    bezirk = _bezirk_of()
    for x in a:
        for y in b:
            if x == y or bezirk.get(x) == y or bezirk.get(y) == x:
                return True
    return False


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for bezirk, quarters in STADTBEZIRKE.items():
        for name in [bezirk, *quarters]:
            labels.setdefault(fold(name.lower()), name)
    return labels


def place_label(key: str) -> str:
    """A readable name for a place key."""
    wanted = key.split(":", 1)[1]
    return _labels().get(wanted, wanted)
