"""Which column of a file holds which of our fields.

Three ways, tried in this order: an explicit mapping (a JSON object from our field names to
the file's column names; an unknown field or a column the file lacks is a per-file error), the
Förderdatenbank layout (recognised by its columns ``programme_slug``, ``url`` and
``funding_body``, see ``fdb``), and German (or English) column headers recognised
automatically when each field has exactly one candidate column. Two columns claiming one
field, or no column for the title, is a per-file error asking for a mapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from domstadt.core.errors import Invalid
from domstadt.funding.vocab import key

FIELDS = (
    "title", "provider", "level", "funding_type", "applicants", "region", "topics",
    "description", "amount", "call_open", "call_close", "status", "url", "external_id",
)  # fmt: skip
"""Our field names, as a mapping names them."""

HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("titel", "title", "name", "programm", "programmname", "foerderprogramm",
              "bezeichnung", "programmtitel", "aufruf"),
    "provider": ("foerdergeber", "traeger", "anbieter", "mittelgeber", "provider",
                 "herausgeber", "zuwendungsgeber", "foerdermittelgeber"),
    "level": ("ebene", "foerderebene", "level"),
    "funding_type": ("foerderart", "art_der_foerderung", "foerderform", "funding_type", "art"),
    "applicants": ("antragsberechtigte", "foerderberechtigte", "zielgruppe", "zielgruppen",
                   "applicants", "antragsteller"),
    "region": ("region", "foerdergebiet", "gebiet", "raum"),
    "topics": ("themen", "thema", "foerderbereich", "schlagworte", "schlagwoerter", "topics",
               "themenfelder", "kategorie"),
    "description": ("beschreibung", "kurzbeschreibung", "inhalt", "description", "ziel",
                    "gegenstand", "zusammenfassung"),
    "amount": ("foerdersumme", "foerderhoehe", "betrag", "volumen", "foerderquote", "budget",
               "amount", "hoehe", "foerdervolumen"),
    "call_open": ("beginn", "start", "einreichungsbeginn", "oeffnung", "call_open", "ab",
                  "startdatum", "opendate"),
    "call_close": ("frist", "deadline", "einreichungsfrist", "antragsfrist", "ende", "stichtag",
                   "call_close", "enddatum", "bewerbungsschluss", "closedate"),
    "status": ("status", "stand"),
    "url": ("url", "link", "webseite", "website", "quelle", "internetadresse"),
    "external_id": ("id", "kennung", "nummer", "aktenzeichen", "external_id", "code",
                    "kennziffer"),
}  # fmt: skip
"""Header spellings (folded: lower case, umlauts as ae/oe/ue, ß as ss, separators as _)."""

FDB_MARKERS = ("programme_slug", "url", "funding_body")


@dataclass
class ColumnMap:
    """Field → column, how it was found, and the file's columns no field uses."""

    columns: dict[str, str]
    how: str
    unused: list[str] = field(default_factory=list)


def parse_mapping(text: str, fields: tuple[str, ...] = FIELDS) -> dict[str, str]:
    """A mapping file's content: a JSON object from our field names (``fields``: the funding
    radar's unless another importer names its own) to column names."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(f"Die Zuordnung ist kein gültiges JSON: {exc}.", field="mapping") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise Invalid(
            "Die Zuordnung muss ein JSON-Objekt sein: unser Feldname → Spaltenname der Datei.",
            field="mapping",
        )
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise Invalid(
            f"Unbekannte Felder in der Zuordnung: {', '.join(unknown)}. Erlaubt: "
            f"{', '.join(fields)}.",
            field="mapping",
        )
    return data


def resolve(
    columns: list[str],
    mapping: dict[str, str] | None = None,
    headers: dict[str, tuple[str, ...]] | None = None,
) -> ColumnMap:
    """The column map for a file with ``columns``; ``headers`` are the recognised header
    spellings of another importer (it then has no Förderdatenbank layout)."""
    if mapping is not None:
        missing = [f"{f} → „{c}“" for f, c in mapping.items() if c not in columns]
        if missing:
            raise Invalid(
                "Die Zuordnung nennt Spalten, die die Datei nicht hat: "
                f"{'; '.join(missing)}. Vorhandene Spalten: {', '.join(columns)}.",
                field="mapping",
            )
        return _checked(dict(mapping), "mapping", columns)
    if headers is None and all(marker in columns for marker in FDB_MARKERS):
        return ColumnMap({}, "foerderdatenbank", [])
    return _checked(_by_headers(columns, headers or HEADERS), "headers", columns)


def _by_headers(columns: list[str], headers: dict[str, tuple[str, ...]]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for column in columns:
        folded = key(column)
        for name, spellings in headers.items():
            if folded in spellings:
                found.setdefault(name, []).append(column)
    ambiguous = {f: cs for f, cs in found.items() if len(cs) > 1}
    if ambiguous:
        said = "; ".join(f"{f}: {', '.join(cs)}" for f, cs in ambiguous.items())
        raise Invalid(
            f"Spalten sind nicht eindeutig ({said}). Bitte eine Zuordnung (--mapping) angeben.",
            field="mapping",
        )
    return {f: cs[0] for f, cs in found.items()}


def _checked(columns: dict[str, str], how: str, all_columns: list[str]) -> ColumnMap:
    if "title" not in columns:
        raise Invalid(
            "Keine Spalte für den Titel erkannt. Bitte eine Zuordnung (--mapping) angeben, "
            f'z. B. {{"title": "…"}}. Vorhandene Spalten: {", ".join(all_columns)}.',
            field="mapping",
        )
    used = set(columns.values())
    return ColumnMap(columns, how, [c for c in all_columns if c and c not in used])


def extract(record: dict[str, Any], column_map: ColumnMap) -> dict[str, Any]:
    """A record's raw values under our field names."""
    return {f: record.get(c, "") for f, c in column_map.columns.items()}
