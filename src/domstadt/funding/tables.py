"""Reading a programme file (CSV, XLSX, JSON) into named columns and rows, within bounds.

CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (what Excel writes in
Germany; a file that is none of these is refused); the separator is the one of ``;``, ``,``
and tab that the header line has most of. JSON: a list of objects, or an object with exactly
one list of objects (``{"calls": […]}``). XLSX: the first sheet, header in the first row.
Every problem is a per-file :class:`Invalid` naming it; nothing has been written by then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domstadt.core.errors import Invalid
from domstadt.core.table_reader import csv_rows, decode_text, xlsx_rows

MAX_ROWS = 20_000
"""Largest number of rows one import reads."""

MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Table:
    """Columns in file order and rows as column → value; ``encoding`` says how CSV was read."""

    columns: list[str]
    rows: list[dict[str, Any]]
    encoding: str = ""
    delimiter: str = ""


def read_table(content: bytes, filename: str) -> Table:
    """The table in ``content``; the kind comes from the file name's ending."""
    if len(content) > MAX_BYTES:
        raise Invalid(f"Die Datei ist größer als {MAX_BYTES // (1024 * 1024)} MB.", field="file")
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx(content)
    if name.endswith(".json"):
        return _json(content)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _csv(content)
    raise Invalid("Unbekanntes Dateiformat: erlaubt sind .csv, .xlsx und .json.", field="file")


def _csv(content: bytes) -> Table:
    text, encoding = decode_text(content)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows = csv_rows(text, delimiter=delimiter, max_rows=MAX_ROWS + 1, field="file")
    if not rows:
        raise Invalid("Die Datei ist leer.", field="file")
    columns = _columns(rows[0])
    records = [
        {c: (row[i] if i < len(row) else "") for i, c in enumerate(columns)}
        for row in rows[1:]
        if any(cell.strip() for cell in row)
    ]
    return Table(columns, records, encoding, delimiter)


def _columns(header: list[Any]) -> list[str]:
    columns = [str(c or "").strip() for c in header]
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise Invalid(f"Die Spalte „{column}“ kommt zweimal vor.", field="file")
        seen.add(column)
    return columns


def _xlsx(content: bytes) -> Table:
    _, rows = xlsx_rows(content, max_rows=MAX_ROWS + 1, field="file")
    if not rows:
        raise Invalid("Die Tabelle ist leer.", field="file")
    columns = _columns(list(rows[0]))
    records = [
        {c: ("" if v is None else v) for c, v in zip(columns, row, strict=False)}
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]
    return Table(columns, records)


def _json(content: bytes) -> Table:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"Die JSON-Datei ist nicht lesbar: {exc}.", field="file") from None
    items = _items(data)
    if len(items) > MAX_ROWS:
        raise Invalid(f"Die Datei hat mehr als {MAX_ROWS} Einträge; bitte aufteilen.", field="file")
    columns: list[str] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise Invalid(f"Eintrag {number} ist kein JSON-Objekt.", field="file")
        columns.extend(k for k in item if k not in columns)
    return Table(columns, items)


def _items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    raise Invalid(
        "Die JSON-Datei muss eine Liste von Objekten sein oder ein Objekt mit genau einer "
        "solchen Liste.",
        field="file",
    )
