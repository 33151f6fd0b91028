"""Word classes that tell near-duplicates apart: actions, target groups, numbers and years.

Patterns run on folded lower-case text (ä→ae, ß→ss, see core.text.normalize.fold), so they
match inflections and compounds ("Baumpflanzung", "Seniorentreff") without a stemmer.
"""

from __future__ import annotations

import re
from functools import lru_cache

ACTIONS: dict[str, str] = {
    "pflanzen": r"pflanz|begruen|aufforst",
    "fällen": r"faell|\broden|\brodung|gerodet|abholz",
    "pflegen": r"\bpfleg|bewaesser|giess",
    "bauen": r"ausbau|\bbau(?:en|t|te)?\b|gebaut|errichte|neubau|erweiter|installier|aufbau",
    "abbauen": r"rueckbau|abriss|abreiss|abgerissen|abbau|abgebaut|demontier",
    "öffnen": r"eroeffn|\boeffn|geoeffnet|freigeben|freigegeben",
    "schließen": r"schliess|geschlossen|still+eg|still+geleg|abschalt|sperr",
    "einführen": r"einfuehr|eingefuehrt|einricht|eingerichtet|startet|\bstarten|\blaunch",
    "abschaffen": r"abschaff|abgeschafft|einstell|eingestellt|beend|auslaufen",
    "erhöhen": r"erhoeh|steiger|ausweit|verdoppel|aufstock",
    "senken": r"\bsenk|gesenkt|reduzier|verringer|kuerz|halbier",
    "messen": r"\bmess|gemessen|erfass|ueberwach|monitor|sensor",
    "sanieren": r"sanier|renovier|instand|modernisier",
    "schulen": r"schulung|weiterbild|fortbild|qualifizier|trainier|workshop|kurs",
    "beraten": r"berat|sprechstunde|unterstuetz|begleit|coach",
    "fördern": r"foerder|zuschuss|finanzier|stipend",
    "verkaufen": r"verkauf|veraeusser|privatisier",
    "kaufen": r"\bkauf|\bgekauft|beschaff|anschaff|erwerb",
    "verbieten": r"verbiet|verbot|untersag",
    "erlauben": r"erlaub|genehmig|zulass|zugelass",
}
"""Action → pattern. Two texts whose actions share no class describe different things."""

OPPOSITES = frozenset(
    frozenset(pair)
    for pair in (
        ("pflanzen", "fällen"),
        ("bauen", "abbauen"),
        ("öffnen", "schließen"),
        ("einführen", "abschaffen"),
        ("erhöhen", "senken"),
        ("verkaufen", "kaufen"),
        ("verbieten", "erlauben"),
    )
)
"""Pairs of actions that contradict each other (a stronger signal than merely different)."""

FAMILIES: dict[str, str] = {
    "bauen": "schaffen",
    "einführen": "schaffen",
    "öffnen": "schaffen",
    "abbauen": "beenden",
    "schließen": "beenden",
    "abschaffen": "beenden",
}
"""Actions that paraphrase each other ("errichten", "einführen", "eröffnen") share a family."""


def family(action: str) -> str:
    """The family of an action (itself when it has none)."""
    return FAMILIES.get(action, action)


TARGET_GROUPS: dict[str, str] = {
    "Senioren": r"senior|aeltere|rentner|hochbetagt|\balte(?:n|r)? menschen",
    "Schüler": r"schueler|schulkind|\bschule\b|\bschulen\b|grundschul|gymnas|gesamtschul",
    "Kinder": r"\bkind(?:er)?\b|kinder|\bkita|kindergart|kleinkind",
    "Jugendliche": r"jugend|\bjunge(?:n)? menschen|teenager",
    "Studierende": r"studier|student|hochschul|universit",
    "Familien": r"famili|\beltern",
    "Unternehmen": r"unternehm|\bfirm|\bbetriebe\b|\bkmu\b|mittelstand|handwerk|gewerbe|"
    r"einzelhand|haendler|gastronom",
    "Start-ups": r"start ?-?ups?\b|gruender|gruendung",
    "Geflüchtete": r"gefluechtet|fluechtling|migrant|zugewander|asyl",
    "Menschen mit Behinderung": r"behinder|\bblind|gehoerlos|sehbeeintraecht|rollstuhl",
    "Arbeitsuchende": r"arbeitslos|arbeitsuch|jobcenter",
    "Verwaltungsbeschäftigte": r"beschaeftigte|mitarbeitend|mitarbeiter|verwaltungspersonal|"
    r"dienststellen",
    "Frauen": r"\bfrauen|maedchen",
    "Auszubildende": r"auszubild|\bazubi",
    "Pendler": r"pendl",
    "Touristen": r"touris|besucher",
}
"""Target group → pattern; two texts addressing disjoint groups are different offers."""

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)?(?![\d])")
_NUMBER_WORDS = {
    "zwei": "2", "drei": "3", "vier": "4", "fuenf": "5", "sechs": "6", "sieben": "7",
    "acht": "8", "neun": "9", "zehn": "10", "zwoelf": "12", "zwanzig": "20", "fuenfzig": "50",
    "hundert": "100", "tausend": "1000",
}  # fmt: skip


GENERIC_NOUNS = frozenset(
    [
        "stadt",
        "koeln",
        "koelner",
        "jahr",
        "jahre",
        "projekt",
        "projekte",
        "angebot",
        "angebote",
        "buerger",
        "buergerinnen",
        "menschen",
        "verwaltung",
        "stadtverwaltung",
        "ziel",
        "massnahme",
        "initiative",
        "digitale",
        "digitaler",
        "digitales",
        "neue",
        "neuer",
        "neues",
        "smarte",
        "smarter",
        "kostenlose",
        "kostenloses",
        "kostenloser",
    ]
)
"""Folded capitalised words that say nothing about what a text is about."""


@lru_cache(maxsize=2)
def _combined(kind: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every class's pattern as named groups: a single pass per text."""
    table = ACTIONS if kind == "action" else TARGET_GROUPS
    names = {f"c{i}": name for i, name in enumerate(table)}
    body = "|".join(f"(?P<{group}>{table[name]})" for group, name in names.items())
    return re.compile(body), names


def _classes(kind: str, folded: str) -> frozenset[str]:
    pattern, names = _combined(kind)
    return frozenset(names[m.lastgroup] for m in pattern.finditer(folded) if m.lastgroup)


def actions_in(folded: str) -> frozenset[str]:
    """Action classes named in folded text."""
    return _classes("action", folded)


def groups_in(folded: str) -> frozenset[str]:
    """Target groups named in folded text."""
    return _classes("group", folded)


_NUMBER_WORD = re.compile(rf"\b({'|'.join(_NUMBER_WORDS)})\b")
"""Any number word, as a whole word."""


def years_in(folded: str) -> frozenset[str]:
    """Four-digit years 1900–2099."""
    return frozenset(_YEAR.findall(folded))


def numbers_in(folded: str) -> frozenset[str]:
    """Quantities other than years (digits, and number words up to a thousand)."""
    years = years_in(folded)
    found = {n.replace(",", ".").replace(".", "") for n in _NUMBER.findall(folded)}
    found |= {_NUMBER_WORDS[word] for word in _NUMBER_WORD.findall(folded)}
    return frozenset(found - years)
