"""Files that broke the importers (issue 14): workbooks with a DTD or a damaged sheet, CSV
with a field beyond the csv module's 128 KiB limit, deeply nested JSON."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
)


def workbook(rows: list[list[object]], sheet: Callable[[bytes], bytes] = bytes) -> bytes:
    """An XLSX file of ``rows`` whose first sheet's XML went through ``sheet``."""
    book = Workbook()
    active = book.active
    assert active is not None
    for row in rows:
        active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, sheet(data) if info.filename == SHEET else data)
    return out.getvalue()


def with_dtd(xml: bytes) -> bytes:
    """The sheet XML behind a DTD declaring entities (a billion-laughs seed)."""
    return ENTITIES + xml


def truncated(xml: bytes) -> bytes:
    """The sheet XML cut in half (a damaged file)."""
    return xml[: len(xml) // 2]


def csv_with_long_field(header: str, delimiter: str = ";") -> bytes:
    """A CSV whose second row has a field of 200 KiB."""
    columns = header.count(delimiter) + 1
    row = delimiter.join(["x" * 200 * 1024] + ["y"] * (columns - 1))
    return f"{header}\n{row}\n".encode()


DEEP_JSON = ("[" * 5000 + "]" * 5000).encode()
