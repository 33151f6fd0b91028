"""German cities named in a text, for the duplicate judgement's place signal beyond Cologne.

Two descriptions of one project name the same city, or only one of them names one; a project
of Leipzig and one of Magdeburg are two projects however alike their words ("Leipzig giesst" /
"Magdeburg gießt"). The list holds Germany's cities of more than 100,000 inhabitants (2023,
Destatis) and a few smaller ones often named by civic projects, each with its
inhabitants' adjective ("Berliner", "Münchner") where that is not just name + "er".
Names are compared folded (ä → ae, ß → ss), whole words only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from domstadt.core.text.normalize import fold

_CITIES = (  # noqa: SIM905 (one name a word, easier to read and extend)
    "Aachen Augsburg Bergisch-Gladbach Berlin Bielefeld Bochum Bonn Bottrop Braunschweig Bremen "
    "Bremerhaven Chemnitz Cottbus Darmstadt Dortmund Dresden Duisburg Düsseldorf Erfurt Erlangen "
    "Essen Frankfurt Freiburg Fürth Gelsenkirchen Gera Göttingen Gütersloh Hagen Halle Hamburg "
    "Hamm Hannover Heidelberg Heilbronn Herne Hildesheim Ingolstadt Jena Karlsruhe Kassel Kiel "
    "Koblenz Köln Krefeld Leipzig Leverkusen Lübeck Ludwigshafen Magdeburg Mainz Mannheim Moers "
    "Mönchengladbach Mülheim München Münster Neuss Nürnberg Oberhausen Offenbach Oldenburg "
    "Osnabrück Paderborn Pforzheim Potsdam Recklinghausen Regensburg Remscheid Reutlingen "
    "Rostock Saarbrücken Salzgitter Siegen Solingen Stuttgart Trier Ulm Wiesbaden Wolfsburg "
    "Wuppertal Würzburg Flensburg Gießen Konstanz Lüneburg Marburg Schwerin Tübingen Weimar "
    "Wismar Bamberg Bayreuth Passau Kempten Dessau Greifswald Stralsund Frankfurt-Oder"
).split()
_ADJECTIVES = {
    "Münchner": "München", "Münchener": "München", "Dresdner": "Dresden",
    "Münsteraner": "Münster", "Hannoveraner": "Hannover", "Hallenser": "Halle",
    "Bremer": "Bremen", "Essener": "Essen", "Kölle": "Köln", "Cologne": "Köln",
    "Jenaer": "Jena", "Mainzer": "Mainz", "Kieler": "Kiel",
}  # fmt: skip
_NOT_A_CITY = {"essen", "halle", "hamm", "hagen", "siegen", "gera", "neuss", "kassel"}
"""Names that are also ordinary words ("essen", "Halle", "siegen"): counted only after a
preposition ("in Essen") or with a capital letter inside a sentence."""
_PREPOSITION = re.compile(r"\b(?:in|aus|nach|für|von|bei|um)\s+$", re.I)
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß-]+")


def _table() -> dict[str, str]:
    table = {fold(c.lower()): c for c in _CITIES}
    table |= {fold(c.lower()) + "er": c for c in _CITIES if not c.endswith(("e", "en"))}
    table |= {fold(a.lower()): c for a, c in _ADJECTIVES.items()}
    return table


_TABLE = _table()


@lru_cache(maxsize=8192)
def cities_in(text: str) -> frozenset[str]:
    """The cities a text names (canonical names)."""
    found = set()
    for match in _WORD.finditer(text):
        word = match.group(0)
        key = fold(word.lower())
        city = _TABLE.get(key)
        if city is None or not word[0].isupper():
            continue
        if key in _NOT_A_CITY and not _PREPOSITION.search(
            text[max(0, match.start() - 6) : match.start()]
        ):
            continue
        found.add(city)
    return frozenset(found)
