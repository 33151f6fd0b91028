"""The privacy gate's scanner: finds personal data in a table before it is published.

Kinds: ``email``, ``phone`` (German numbers with area code or +49), ``iban`` (checked with
its mod-97 checksum), ``person_name`` (columns named like person fields, or a ``Name``
column holding "Vorname Nachname" values), ``street_address`` (street with house number),
``free_text`` (long free text may hold anything). Each finding names the column, how many
values match, and a masked example (the scanner never copies personal data in full).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:
    """Mark a label for extraction."""
    return message


KINDS = {
    "email": N_("e-mail addresses"),
    "phone": N_("phone numbers"),
    "iban": N_("bank accounts (IBAN)"),
    "person_name": N_("names of persons"),
    "street_address": N_("street addresses with house numbers"),
    "free_text": N_("free text"),
}
SAMPLE_ROWS = 20_000

# A match may only start where its first character class cannot continue to the left: without
# the look-behinds a 100 KB cell of letters cost seconds (each position rescanned the run).
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w.,])(?:\+49|0049|0)[\s/().-]*[1-9]\d{1,4}[\s/().-]*\d[\d\s/-]{3,12}\d")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")
STREET = re.compile(
    r"(?<![\wäöüß.-])[A-ZÄÖÜ][\wäöüß.-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|"
    r"ufer|damm|wall|chaussee|pfad)\s+\d{1,4}\s?[a-zA-Z]?\b"
    r"|\b(?:Am|An der|An den|Auf dem|Im|In der|Zum|Zur)"
    r"\s+[A-ZÄÖÜ][\wäöüß-]+\s+\d{1,4}\s?[a-zA-Z]?\b",
    re.IGNORECASE,
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
    for match in PHONE.finditer(IBAN.sub(" ", text)):
        digits = re.sub(r"\D", "", match.group())
        if 7 <= len(digits) <= 15:
            return match.group()
    return None


def _iban(text: str) -> str | None:
    return next((m.group() for m in IBAN.finditer(text) if iban_valid(m.group())), None)


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
}


def _texts(values: list[Any]) -> list[str]:
    return [v for v in values[:SAMPLE_ROWS] if isinstance(v, str) and v.strip()]


def _names(column: str, texts: list[str]) -> Finding | None:
    if PERSON_COLUMNS.search(column):
        if texts:
            return Finding("person_name", column, len(texts), mask(texts[0]))
        return None
    if NAME_COLUMN.match(column.strip()):
        people = [t for t in texts if PERSON.match(t.strip())]
        if people and len(people) >= 0.3 * len(texts):
            return Finding("person_name", column, len(people), mask(people[0]))
    return None


def _free_text(column: str, texts: list[str]) -> Finding | None:
    long = [t for t in texts if len(t) >= 80 and len(t.split()) >= 10]
    if texts and len(long) >= 0.3 * len(texts):
        return Finding("free_text", column, len(long), mask(long[0][:60]))
    return None


def scan_column(column: str, values: list[Any]) -> list[Finding]:
    """All kinds of personal data found in one column."""
    texts = _texts(values)
    found: list[Finding] = []
    for kind, detect in DETECTORS.items():
        hits, example = 0, ""
        for text in texts:
            match = detect(text)
            if match:
                hits += 1
                example = example or mask(match)
        if hits:
            found.append(Finding(kind, column, hits, example))
    for extra in (_names(column, texts), _free_text(column, texts)):
        if extra is not None:
            found.append(extra)
    return found


def scan_table(names: list[str], columns: list[list[Any]]) -> list[Finding]:
    """Findings of every column of a table."""
    found: list[Finding] = []
    for name, values in zip(names, columns, strict=True):
        found.extend(scan_column(name, values))
    return found
