"""Names of persons inside running text: a known first name followed by a surname.

The first names are those the ``faker`` package ships for German-speaking countries (de_DE,
de_AT, de_CH; about 3,000, MIT licence), read once. A match needs a listed first name, then a
capitalised surname ("Heike Wilsdorf", "RM Rosemarie Liedschulte", "Foto: Fabian Kamp"). Not a
person: a name that a street, school or other institution carries ("Konrad Adenauer Ufer 3",
"Käthe Kollwitz Schule") and the attribution of a building to its architect or builder in a
heritage register ("Architekt Ewald Klatt"), which names persons of the past.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = r"[A-ZÄÖÜ][a-zäöüßéèáçşğı]+(?:-[A-ZÄÖÜ][a-zäöüßéèáçşğı]+)?"
CANDIDATE = re.compile(
    rf"(?<![\wäöüß.-])(?P<first>{_WORD})\s+(?:[A-Z]\.\s+)?(?:(?:von|van|de|zu|von der)\s+)?"
    rf"(?P<last>{_WORD})(?![\wäöüß-])"
)
# A word ending like this, after a name or as its last part, makes the name that of a place or
# an institution: "Richard Wagner Str.", "Gotthard Kühl-Schule", "Ludwig Fresenius Schulen".
_PLACE = (
    r"(?:straße|strasse|str\.|weg|platz|allee|ring|ufer|damm|gasse|brücke|park|schule|schulen|"
    r"gymnasium|kolleg|kindergarten|kita|haus|heim|stiftung|zentrum|halle|stadion|bad|preis|"
    r"institut|museum|skole|skolen|børnehave)"
)
NAMED_AFTER = re.compile(rf"\s*-?\s*[\wäöüß]*{_PLACE}(?![\wäöüß])", re.IGNORECASE)
PLACE_TAIL = re.compile(
    rf"(?:^|-)[\wäöüß]*{_PLACE}$|(?:straße|strasse|str|weg|platz|allee|ring)$", re.I
)
# Before the name: a saint ("St. Katharina"), an opening quotation mark (the namesake of a
# school: „Ernst Busch“, "Hans Carl von Carlowitz") or the attribution of a building to its
# architect or builder: persons of the past or namesakes, not personal data.
BEFORE = re.compile(
    r"(?:(?:\bSt\.|\bSankt)\s*|[„“\"'‚»«]\s*(?:[A-ZÄÖÜ][\wäöüß.-]*\s+)*"
    r"|(?:Architekt(?:en|in)?:?|Baumeister|Bauherr|Mühlenbauer|Entwurf(?:\s+von)?|erbaut\s+von|"
    r"Bildhauer|Maler|Gestaltung)\s*)$"
)
CAPITALISED = re.compile(r"[A-ZÄÖÜ][a-zäöüßéèáçşğı]+")
# A text whose years all lie before 1950 tells history ("1924-25, von Hermann Rohwer").
YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")
MODERN = 1950


def _historical(text: str) -> bool:
    years = [int(y) for y in YEAR.findall(text)]
    return bool(years) and max(years) < MODERN


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The first names of the German-speaking locales of ``faker``."""
    from faker.providers.person.de_AT import Provider as Austria
    from faker.providers.person.de_CH import Provider as Switzerland
    from faker.providers.person.de_DE import Provider as Germany

    names: set[str] = set()
    for provider in (Germany, Austria, Switzerland):
        names.update(provider.first_names_male, provider.first_names_female)
    return frozenset(names)


def _is_person(text: str, match: re.Match[str]) -> bool:
    known = first_names()
    first, last = match.group("first"), match.group("last")
    if first.split("-")[0] not in known or last in known or PLACE_TAIL.search(last):
        return False
    if NAMED_AFTER.match(text, match.end()):
        return False
    return not BEFORE.search(text[max(0, match.start() - 50) : match.start()])


def person_in_text(text: str) -> str | None:
    """The first "Vorname Nachname" in ``text`` that names a person, or None."""
    if len(text) < 5 or first_names().isdisjoint(CAPITALISED.findall(text)):
        return None
    if _historical(text):
        return None
    match = CANDIDATE.search(text)
    while match is not None:
        if _is_person(text, match):
            return match.group()
        match = CANDIDATE.search(text, match.start("last"))  # "Sprecherin Heike Wilsdorf"
    return None
