"""CSV files the platform writes from people's text, safe to open in a spreadsheet.

Spreadsheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return) as a formula: ``=HYPERLINK(...)`` in a measure title would become a live link
or worse in an official's Excel. OWASP's rule: such a cell gets a leading single quote, which
spreadsheets show as text. Plain numbers (``-12.5``) stay numbers. Not for the verbatim copy of
an uploaded file, which must stay what its owner uploaded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV document (comma-separated, ``\\n`` line ends) with every cell made safe; None is
    written as an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue()
