"""Normaliser for tabular files (S4.2): German CSVs and XLSX in, canonical outputs out.

Detects the encoding (UTF-8, UTF-8 with BOM, cp1252), the delimiter, the header row and the
decimal comma; infers a Frictionless Table Schema; writes UTF-8 CSV, JSON and Parquet.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from domstadt.core.errors import Invalid
from domstadt.core.table_reader import csv_rows, xlsx_rows

DELIMITERS = [";", ",", "\t", "|"]
INT_RE = re.compile(r"^[+-]?\d+$")
GERMAN_NUMBER_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+-]?\d+,\d+$")
POINT_NUMBER_RE = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
GERMAN_DATE_RE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")
GERMAN_DATETIME_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$")
"""Local date and time without a zone; values with a zone offset stay text."""
MAX_ROWS = 5_000_000


@dataclass
class Table:
    """A parsed table: column names, typed columns, the Table Schema and what was detected."""

    names: list[str]
    columns: list[list[Any]]
    schema: dict[str, Any]
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        """Number of data rows."""
        return len(self.columns[0]) if self.columns else 0


def detect_encoding(raw: bytes) -> tuple[str, str]:
    """The decoded text and the encoding name: UTF-8 (with or without BOM), else cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of fields."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", 0
    for delim in DELIMITERS:
        counts = [_width(line, delim) for line in lines]
        if not counts or max(counts) < 2:
            continue  # the most frequent width wins, so a title line above the header is no vote
        width, lines_with_width = Counter(c for c in counts if c >= 2).most_common(1)[0]
        score = lines_with_width * width
        if score > best_score:
            best, best_score = delim, score
    return best


def _width(line: str, delimiter: str) -> int:
    """Fields of one line split by ``delimiter`` (1 when a field is beyond the csv limit: the
    reader then names the line)."""
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except csv.Error:
        return 1


def _is_number(value: str) -> bool:
    return bool(
        INT_RE.match(value) or GERMAN_NUMBER_RE.match(value) or POINT_NUMBER_RE.match(value)
    )


def _header_index(rows: list[list[str]]) -> int:
    """The first row that has several cells and no numbers in them (a title row is skipped)."""
    for index, row in enumerate(rows[:10]):
        cells = [c for c in row if c.strip()]
        if len(cells) >= max(2, len(row) // 2) and not any(_is_number(c.strip()) for c in cells):
            return index
    return 0


def _unique_names(raw: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(raw):
        base = name.strip() or f"column_{index + 1}"
        candidate, n = base, 2
        while candidate in names:
            candidate, n = f"{base}_{n}", n + 1
        names.append(candidate)
    return names


def _infer(values: list[str], decimal_comma: bool) -> str:
    present = [v for v in values if v != ""]
    if not present:
        return "string"
    if all(INT_RE.match(v) for v in present):
        return "integer"
    number_re = GERMAN_NUMBER_RE if decimal_comma else POINT_NUMBER_RE
    if all(INT_RE.match(v) or number_re.match(v) for v in present):
        return "number"
    if all(ISO_DATE_RE.match(v) or GERMAN_DATE_RE.match(v) for v in present):
        return "date"
    if all(ISO_DATETIME_RE.match(v) or GERMAN_DATETIME_RE.match(v) for v in present):
        return "datetime"
    if all(v.lower() in {"true", "false", "ja", "nein"} for v in present):
        return "boolean"
    return "string"


def _convert(value: str, kind: str, decimal_comma: bool) -> Any:
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        if decimal_comma:
            value = value.replace(".", "").replace(",", ".")
        return float(value)
    if kind == "date":
        if GERMAN_DATE_RE.match(value):
            day, month, year = (int(p) for p in value.split("."))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return _datetime(value)
    if kind == "boolean":
        return value.lower() in {"true", "ja"}
    return value


def _datetime(value: str) -> dt.datetime:
    german = GERMAN_DATETIME_RE.match(value)
    if german:
        day, month, year, hour, minute, second = (int(p or 0) for p in german.groups())
        return dt.datetime(year, month, day, hour, minute, second)  # local time, no zone
    return dt.datetime.fromisoformat(value)


def _decimal_comma(rows: list[list[str]]) -> bool:
    comma = point = 0
    for row in rows[:200]:
        for cell in row:
            if re.match(r"^[+-]?\d+,\d+$", cell):
                comma += 1
            elif re.match(r"^[+-]?\d+\.\d+$", cell):
                point += 1
    return comma > point


def table_from_rows(rows: list[list[str]], provenance: dict[str, Any]) -> Table:
    """Find the header, drop empty columns, infer types and convert the values."""
    rows = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise Invalid("Die Datei enthält keine Tabelle (weniger als zwei Zeilen).", field="upload")
    start = _header_index(rows)
    header, data = rows[start], rows[start + 1 :]
    width = max(len(header), *(len(r) for r in data))
    if width < 2:
        raise Invalid("Die Datei ist keine Tabelle: nur eine Spalte erkannt.", field="upload")
    data = [r + [""] * (width - len(r)) for r in data]
    header = header + [""] * (width - len(header))
    keep = [i for i in range(width) if header[i] or any(r[i] for r in data)]
    names = _unique_names([header[i] for i in keep])
    decimal_comma = _decimal_comma(data)
    columns, fields = [], []
    for name, index in zip(names, keep, strict=True):
        raw = [r[index] for r in data]
        kind = _infer(raw, decimal_comma)
        try:
            columns.append([_convert(v, kind, decimal_comma) for v in raw])
        except ValueError:
            kind = "string"
            columns.append([v or None for v in raw])
        fields.append({"name": name, "type": kind})
    provenance = {**provenance, "header_row": start + 1, "decimal_comma": decimal_comma}
    provenance["dropped_empty_columns"] = width - len(keep)
    schema = {"fields": fields, "missingValues": [""]}
    return Table(names, columns, schema, provenance)


def read_csv(raw: bytes) -> Table:
    """Parse a CSV of unknown encoding and delimiter."""
    if b"\x00" in raw[:4096]:
        raise Invalid("Die Datei ist keine CSV-Datei (Binärdaten gefunden).", field="upload")
    text, encoding = detect_encoding(raw)
    delimiter = detect_delimiter(text)
    rows = csv_rows(text, delimiter=delimiter, max_rows=MAX_ROWS + 1, field="upload")
    return table_from_rows(rows, {"encoding": encoding, "delimiter": delimiter})


def read_xlsx(raw: bytes) -> Table:
    """Parse the first sheet of an Excel workbook."""
    title, values = xlsx_rows(raw, max_rows=MAX_ROWS + 1, field="upload")
    rows = [[_cell_text(c) for c in row] for row in values]
    return table_from_rows(rows, {"encoding": "xlsx", "sheet": title})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _arrow(table: Table) -> pa.Table:
    return pa.table({name: col for name, col in zip(table.names, table.columns, strict=True)})


def write_outputs(table: Table, folder: Path, stem: str) -> dict[str, Path]:
    """Write canonical CSV (UTF-8, comma, decimal point), JSON (records) and Parquet."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "CSV": folder / f"{stem}.csv",
        "JSON": folder / f"{stem}.json",
        "PARQUET": folder / f"{stem}.parquet",
    }
    arrow = _arrow(table)
    pq.write_table(arrow, paths["PARQUET"])
    with paths["CSV"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.names)
        for row in zip(*table.columns, strict=True):
            writer.writerow(["" if v is None else v for v in row])
    records = arrow.to_pylist()
    paths["JSON"].write_text(json.dumps(records, ensure_ascii=False, default=str), encoding="utf-8")
    return paths
