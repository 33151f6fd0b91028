"""Reading initiative files (CSV, XLSX, JSON): encoding and delimiter detection, the column
mapping, and a row-level check. Pure functions; writing happens in ``import_service``."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from domstadt.core.errors import Invalid
from domstadt.core.json_limits import parse_json
from domstadt.core.table_reader import csv_rows, decode_text, too_many_rows, xlsx_rows
from domstadt.core.text.normalize import fold
from domstadt.masterplan.registry.messages import FIELD_LABELS, describe, problems
from domstadt.masterplan.registry.schemas import InitiativeCreate

MAX_ROWS = 20_000
PREVIEW_ROWS = 5

SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("titel", "title", "name", "projekt", "projektname", "vorhaben", "bezeichnung"),
    "description": ("beschreibung", "description", "kurzbeschreibung", "inhalt", "ziel", "ziele"),
    "code": ("code", "kuerzel", "id", "kennung", "nummer", "projekt-id", "projektnummer"),
    "owner_name": ("traeger", "owner", "owner_name", "organisation", "verantwortlich",
                   "betreiber", "institution", "einrichtung"),
    "contact": ("kontakt", "contact", "ansprechpartner", "ansprechperson", "e-mail", "email"),
    "start_date": ("beginn", "start", "start_date", "startdatum", "von", "laufzeit von"),
    "end_date": ("ende", "end", "end_date", "enddatum", "bis", "laufzeit bis"),
    "funding": ("finanzierung", "funding", "foerderung", "budget", "mittel", "foerdermittel"),
    "status": ("status", "stand", "projektstatus"),
    "website": ("website", "url", "webseite", "link", "homepage", "internet"),
    "measure_ids": ("massnahmen", "measure_ids", "massnahmen-nr", "massnahme"),
}  # fmt: skip
"""Target field → folded column names it is recognised by."""

STATUS_WORDS = {
    "geplant": "planned", "planung": "planned", "in planung": "planned",
    "laufend": "active", "aktiv": "active", "in umsetzung": "active", "läuft": "active",
    "abgeschlossen": "completed", "beendet": "completed", "fertig": "completed",
    "eingestellt": "discontinued", "abgebrochen": "discontinued",
}  # fmt: skip


@dataclass
class Table:
    """A file read as a header and rows of strings; ``first_line`` is the row number of row 0."""

    columns: list[str]
    rows: list[dict[str, str]]
    first_line: int
    encoding: str = ""
    delimiter: str = ""


@dataclass(frozen=True)
class RowError:
    """One problem: file row number, source column (or ''), German description."""

    row: int
    column: str
    problem: str


@dataclass
class Checked:
    """The outcome of checking every row: valid records (with their row numbers) and errors."""

    records: list[tuple[int, InitiativeCreate]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(content: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    return decode_text(content)


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(",;\t|", key=header.count)


def _clean_columns(raw: list[Any]) -> list[str]:
    columns = [str(c).strip() if c is not None else "" for c in raw]
    if not any(columns):
        raise Invalid("Die Datei hat keine Kopfzeile mit Spaltennamen.", field="file")
    return columns


def read_csv(content: bytes, max_rows: int = MAX_ROWS) -> Table:
    """A CSV file with a header row and at most ``max_rows`` rows below it."""
    text, encoding = decode(content)
    if not text.strip():
        raise Invalid("Die Datei ist leer.", field="file")
    delimiter = _delimiter(text)
    lines = csv_rows(text, delimiter=delimiter, max_rows=max_rows + 1, field="file")
    columns = _clean_columns(lines[0])
    rows = [dict(zip(columns, (v.strip() for v in values), strict=False)) for values in lines[1:]]
    rows = [r for r in rows if any(r.values())]
    return Table(columns, rows, first_line=2, encoding=encoding, delimiter=delimiter)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(content: bytes, max_rows: int = MAX_ROWS) -> Table:
    """The first worksheet of an XLSX file, first row as header."""
    _title, values = xlsx_rows(content, max_rows=max_rows + 1, field="file")
    if not values:
        raise Invalid("Das Tabellenblatt ist leer.", field="file")
    columns = _clean_columns(list(values[0]))
    rows = [dict(zip(columns, (_cell(v) for v in row), strict=False)) for row in values[1:]]
    return Table(columns, [r for r in rows if any(r.values())], first_line=2, encoding="xlsx")


def read_json(content: bytes, max_rows: int = MAX_ROWS) -> Table:
    """A JSON list of objects (or {"items": [...]}), within the JSON limits of requests."""
    text, encoding = decode(content)
    data = parse_json(text, field="file")
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise Invalid("JSON muss eine Liste von Objekten sein.", field="file")
    if len(data) > max_rows:
        raise too_many_rows(max_rows, "file")
    columns: dict[str, None] = {}
    for record in data:
        columns.update(dict.fromkeys(str(k) for k in record))
    rows = [{str(k): _json_cell(v) for k, v in r.items()} for r in data]
    return Table(list(columns), rows, first_line=1, encoding=encoding)


def _json_cell(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value).strip()


def read_table(content: bytes, filename: str, max_rows: int = MAX_ROWS) -> Table:
    """Read by file extension (.csv, .txt, .xlsx, .json); more than ``max_rows`` data rows
    are refused while reading."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx(content, max_rows)
    if name.endswith(".json"):
        return read_json(content, max_rows)
    if name.endswith((".csv", ".txt", ".tsv")):
        return read_csv(content, max_rows)
    raise Invalid("Unbekanntes Dateiformat: bitte CSV, XLSX oder JSON.", field="file")


def detect_mapping(columns: list[str], override: dict[str, str] | None = None) -> dict[str, str]:
    """Target field → source column: by known column names, then ``override`` on top."""
    folded = {fold(c.lower()).strip(): c for c in columns}
    mapping: dict[str, str] = {}
    for target, synonyms in SYNONYMS.items():
        for name in synonyms:
            if name in folded and folded[name] not in mapping.values():
                mapping[target] = folded[name]
                break
    for target, column in (override or {}).items():
        if target not in SYNONYMS:
            raise Invalid(f"Unbekanntes Zielfeld '{target}' in der Zuordnung.", field="mapping")
        if column not in columns:
            raise Invalid(f"Die Spalte '{column}' gibt es in der Datei nicht.", field="mapping")
        mapping[target] = column
    missing = [f for f in ("title", "description") if f not in mapping]
    if missing:
        wanted = ", ".join(f"{FIELD_LABELS[f]} ({f})" for f in missing)
        raise Invalid(
            f"Pflichtspalte fehlt: {wanted}. Gefundene Spalten: {', '.join(columns)}. "
            "Ordnen Sie sie mit --mapping zu.",
            field="mapping",
        )
    return mapping


def _record(row: dict[str, str], mapping: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for target, column in mapping.items():
        value = row.get(column, "").strip()
        if target == "status" and value:
            value = STATUS_WORDS.get(value.lower(), value.lower())
        if target == "measure_ids":
            values[target] = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
        elif value or target in ("title", "description"):
            values[target] = value
    return values


def check_rows(table: Table, mapping: dict[str, str]) -> Checked:
    """Validate every row; codes must be unique within the file."""
    out = Checked()
    codes: dict[str, int] = {}
    for index, row in enumerate(table.rows):
        line = table.first_line + index
        try:
            record = InitiativeCreate.model_validate(_record(row, mapping))
        except ValidationError as exc:
            for target, problem in problems(exc):
                column = mapping.get(target, "")
                out.errors.append(RowError(line, column, describe(target, problem)))
            continue
        if record.code:
            if record.code in codes:
                out.errors.append(
                    RowError(
                        line,
                        mapping["code"],
                        f"Kürzel (code) '{record.code}' steht schon in Zeile {codes[record.code]}.",
                    )
                )
                continue
            codes[record.code] = line
        out.records.append((line, record))
    return out
