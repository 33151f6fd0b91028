"""CSV and JSON output of a published table.

CSV: UTF-8, comma-separated, one header row with the column names of ``tables.SPECS``; empty
cell for none. A text cell starting with ``= + - @`` (or tab, CR) gets a leading apostrophe so
spreadsheet programs never run it as a formula (OWASP "CSV injection").
JSON: ``{"tabelle", "titel", "lizenz", "stand", "datenschutz", "spalten", "zeilen"}`` with the
rows as objects."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from domstadt.participation.opendata.tables import PRIVACY_RULE, TableSpec

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
LICENCE = "dl-by-de/2.0"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(spec: TableSpec, rows: list[dict[str, Any]]) -> bytes:
    """The table as CSV bytes (header first, columns in the spec's order)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = spec.column_names
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return out.getvalue().encode("utf-8")


def to_json(spec: TableSpec, rows: list[dict[str, Any]], built_at: str) -> bytes:
    """The table as a JSON document with its metadata and rows."""
    names = spec.column_names
    document = {
        "tabelle": spec.name,
        "titel": spec.title,
        "lizenz": LICENCE,
        "stand": built_at,
        "datenschutz": PRIVACY_RULE,
        "spalten": [{"name": n, "bedeutung": m} for n, m in spec.columns],
        "zeilen": [{name: row.get(name) for name in names} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
