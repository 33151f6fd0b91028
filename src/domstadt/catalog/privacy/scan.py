"""The privacy gate's scanner: finds personal data in a table before it is published.

Kinds: ``email``, ``phone`` (German numbers with area code or +49, and any number in a column
named like a telephone column), ``iban`` (checked with its mod-97 checksum), ``person_name``
(columns named like person fields, a ``Name`` column holding "Vorname Nachname" values, a
salutation or title before a name anywhere: "Frau Droemert", "Dr. med. Franke", a known first
name before a surname anywhere, also in running text: "Pressesprecherin Heike Wilsdorf", see
``names.py``, and user names in a column naming who edited a record, when there are several),
``street_address`` (street with house number, also "Hohe Straße 12", and a street column beside
a house-number column of the same prefix: ``Straße``/``Hausnummer``, ``venue_street``/
``venue_housenumber``), ``birth_date`` (a date in a column named like a birth date),
``licence_plate`` (German vehicle registration numbers). ``free_text`` is no longer looked
for (texts are searched for the kinds above instead); the label stays for findings stored
before. Every row is read: a value that occurs many times is checked once and counted as
often as it occurs. Each finding names the column, how many values match, and a masked example
(the scanner never copies personal data in full). How well this works on real tables:
``evaluate.py`` and docs/catalog.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domstadt.catalog.privacy.names import person_in_text


def N_(message: str) -> str:
    """Mark a label for extraction."""
    return message


KINDS = {
    "email": N_("e-mail addresses"),
    "phone": N_("phone numbers"),
    "iban": N_("bank accounts (IBAN)"),
    "person_name": N_("names of persons"),
    "street_address": N_("street addresses with house numbers"),
    "birth_date": N_("dates of birth"),
    "licence_plate": N_("vehicle registration numbers"),
    "free_text": N_("free text"),
}
SCAN_STATES = {
    "queued": N_("waiting for the scan"),
    "running": N_("being scanned"),
    "done": N_("scanned"),
    "failed": N_("scan failed"),
}
# A match may only start where its first character class cannot continue to the left: without
# the look-behinds a 100 KB cell of letters cost seconds (each position rescanned the run).
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w.,])(?:\+49|0049|0)[\s/().-]*[1-9]\d{1,4}[\s/().-]*\d[\d\s/-]{3,12}\d")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")
_STREET_TYPES = (
    r"(?i:straße|strasse|str\.|weg|gasse|platz|allee|ring|ufer|damm|wall|chaussee|pfad|markt|"
    r"hof|gürtel|graben|kai|passage|pforte|promenade|steig|stieg|winkel|kamp)"
)
# A house number: not the hour of a time ("10:00") nor part of a decimal or a date.
_NUMBER = r"\s+\d{1,4}\s?[a-zA-Z]?(?![\w:.,]\d|\w)"
_WORD = r"[A-ZÄÖÜ][\wäöüß.-]*"
STREET = re.compile(
    rf"(?<![\wäöüß.-])[A-ZÄÖÜ][\wäöüß.-]*{_STREET_TYPES}{_NUMBER}"
    rf"|(?<![\wäöüß.-]){_WORD}\s+(?:{_WORD}\s+)?{_STREET_TYPES}{_NUMBER}"
    rf"|\b(?:Am|An der|An den|Auf dem|Auf der|Im|In der|Zum|Zur|Unter|Hinter)\s+{_WORD}{_NUMBER}"
)
PERSON = re.compile(
    r"^(?:(?:Dr|Prof)\.\s+)*[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
    r"(?:\s+(?:von|van|de|zu|von der)\b)?\s+[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?$"
)
PERSON_COLUMNS = re.compile(
    r"(?:^|[_\s-])(?:vorname|nachname|familienname|geburtsname|first.?name|last.?name|surname|"
    r"ansprechpartner(?:in)?|kontaktperson|antragsteller(?:in)?|inhaber(?:in)?|eigentümer(?:in)?|"
    r"person|bürger(?:in)?|patient(?:in)?|mieter(?:in)?|schüler(?:in)?)(?:$|[_\s-])",
    re.IGNORECASE,
)
NAME_COLUMN = re.compile(r"^(?:name|namen|vollständiger name|full.?name)$", re.IGNORECASE)
# A salutation or an academic title before a capitalised word names a person.
ADDRESSED = re.compile(
    r"(?<![\wäöüß.-])(?:Frau|Herrn?|Fr\.|Hr\.|Dr\.(?:\s?med\.?|\s?rer\.\s?nat\.)?|Prof\.)"
    r"\s+(?:Dr\.\s+)?[A-ZÄÖÜ][a-zäöüß]+"
)
PHONE_COLUMN = re.compile(
    r"(?:^|[_\s-])(?:telefon|telefonnummer|tel|phone|phone.?number|fax|mobil|mobile|handy)"
    r"(?:$|[_\s.-])",
    re.IGNORECASE,
)
# A street column and a house-number column of the same prefix ("venue_street" and
# "venue_housenumber", "addr:street" and "addr:housenumber", "Straße" and "Hausnummer").
STREET_COLUMN = re.compile(
    r"^(?P<prefix>.*?)(?:straße|strasse|str\.?|street|strassenname|straßenname)$", re.I
)
HOUSE_NUMBER_COLUMN = re.compile(
    r"^(?P<prefix>.*?)(?:hausnummer|hausnr\.?|hnr\.?|hausbez|house.?number|nr\.?)$", re.I
)
# Who edited a record: user names, personal data when more than one person appears.
EDITOR_COLUMN = re.compile(
    r"^(?:(?:last|zuletzt)[_\s-]?)?(?:edited|modified|changed|created|bearbeitet|geändert)"
    r"[_\s-]?(?:by|von)$|^(?:bearbeiter(?:in)?|ersteller(?:in)?|verfasser(?:in)?|author|autor(?:in)?"
    r"|creator|editor)$",
    re.IGNORECASE,
)
UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
BIRTH_COLUMN = re.compile(
    r"geburtsdatum|geb\.\s?datum|geburtstag|date.?of.?birth|birth.?date|^dob$", re.IGNORECASE
)
DATE = re.compile(r"^\s*(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2})(?:[ T].*)?$")
# "BAB A4" (Bundesautobahn 4) is a road, not a plate.
PLATE = re.compile(r"(?<![\w-])(?!BAB[- ])[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2} ?[1-9]\d{0,3}[EH]?(?![\w-])")


@dataclass
class Finding:
    """Personal data of one kind in one column."""

    kind: str
    column: str
    hits: int
    example: str


def iban_valid(text: str) -> bool:
    """The IBAN's check digits are right (ISO 13616 mod 97)."""
    compact = re.sub(r"\s", "", text).upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def mask(value: str) -> str:
    """Keep the first and last characters, hide the rest."""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    keep = max(1, len(value) // 6)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def _phone(text: str) -> str | None:
    for match in PHONE.finditer(UUID.sub(" ", IBAN.sub(" ", text))):
        digits = re.sub(r"\D", "", match.group())
        if 7 <= len(digits) <= 15:
            return match.group()
    return None


def _iban(text: str) -> str | None:
    return next((m.group() for m in IBAN.finditer(text) if iban_valid(m.group())), None)


def _person(text: str) -> str | None:
    match = ADDRESSED.search(text)
    return match.group() if match else person_in_text(text)


def _first(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    def find(text: str) -> str | None:
        match = pattern.search(text)
        return match.group() if match else None

    return find


DETECTORS: dict[str, Callable[[str], str | None]] = {
    "email": _first(EMAIL),
    "iban": _iban,
    "phone": _phone,
    "street_address": _first(STREET),
    "person_name": _person,
    "licence_plate": _first(PLATE),
}


def _texts(values: Counter[Any]) -> Counter[str]:
    return Counter({v: n for v, n in values.items() if isinstance(v, str) and v.strip()})


def _column_rule(column: str, values: Counter[Any]) -> Finding | None:
    """Kinds a column's name announces: telephone numbers written as bare digits, dates of
    birth."""
    filled = {v: n for v, n in values.items() if v is not None and str(v).strip()}
    if not filled:
        return None
    total = sum(filled.values())
    if PHONE_COLUMN.search(column):
        digits = {v: n for v, n in filled.items() if 5 <= len(re.sub(r"\D", "", str(v))) <= 15}
        if sum(digits.values()) >= 0.5 * total:
            return Finding("phone", column, sum(digits.values()), mask(str(next(iter(digits)))))
    if BIRTH_COLUMN.search(column):
        dates = {v: n for v, n in filled.items() if DATE.match(str(v))}
        if dates:
            return Finding("birth_date", column, sum(dates.values()), mask(str(next(iter(dates)))))
    return None


def _names(column: str, texts: Counter[str]) -> Finding | None:
    if PERSON_COLUMNS.search(column):
        if texts:
            return Finding("person_name", column, texts.total(), mask(next(iter(texts))))
        return None
    if EDITOR_COLUMN.match(column.strip()) and len(texts) >= 2:
        return Finding("person_name", column, texts.total(), mask(next(iter(texts))))
    if NAME_COLUMN.match(column.strip()):
        people = {t: n for t, n in texts.items() if PERSON.match(t.strip())}
        if people and sum(people.values()) >= 0.3 * texts.total():
            return Finding("person_name", column, sum(people.values()), mask(next(iter(people))))
    return None


def _counted(values: list[Any]) -> Counter[Any]:
    counts: Counter[Any] = Counter()
    for value in values:
        counts[value if isinstance(value, str | int | float) or value is None else str(value)] += 1
    return counts


def scan_column(column: str, values: list[Any]) -> list[Finding]:
    """All kinds of personal data found in one column (every row)."""
    counts = _counted(values)
    texts = _texts(counts)
    found: list[Finding] = []
    for kind, detect in DETECTORS.items():
        hits, example = 0, ""
        for text, n in texts.items():
            match = detect(text)
            if match:
                hits += n
                example = example or mask(match)
        if hits:
            found.append(Finding(kind, column, hits, example))
    kinds = {f.kind for f in found}
    for extra in (_column_rule(column, counts), _names(column, texts)):
        if extra is not None and extra.kind not in kinds:
            found.append(extra)
    return found


def _split_address(names: list[str], columns: list[list[Any]]) -> list[Finding]:
    """A street column beside a house-number column of the same prefix: the table holds
    street addresses (the street column is reported)."""
    prefixes = {
        m.group("prefix").lower() for n in names if (m := HOUSE_NUMBER_COLUMN.match(n.strip()))
    }
    found = []
    for name, values in zip(names, columns, strict=True):
        street = STREET_COLUMN.match(name.strip())
        streets = [v for v in values if isinstance(v, str) and v.strip()]
        if street and street.group("prefix").lower() in prefixes and streets:
            found.append(Finding("street_address", name, len(streets), mask(streets[0])))
    return found


def scan_table(names: list[str], columns: list[list[Any]]) -> list[Finding]:
    """Findings of every column of a table."""
    found: list[Finding] = []
    for name, values in zip(names, columns, strict=True):
        found.extend(scan_column(name, values))
    seen = {(f.column, f.kind) for f in found}
    found.extend(f for f in _split_address(names, columns) if (f.column, f.kind) not in seen)
    return found
