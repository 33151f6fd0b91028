"""Reading the tables people upload (CSV text, XLSX workbooks) within bounds.

Every way a file can be too large or broken ends in :class:`Invalid` with a German message,
never a 500: more rows than allowed (reading stops there instead of reading them all), a CSV
field longer than the csv module's limit (128 KiB), a workbook that is no zip, unpacks to more
than :data:`MAX_UNPACKED_BYTES`, is damaged, or carries a DTD (openpyxl refuses those through
defusedxml before any entity is expanded).
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from domstadt.core.errors import Invalid

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""Largest unpacked size of a workbook (a 2 MB zip can unpack to gigabytes)."""


def decode_text(content: bytes) -> tuple[str, str]:
    """Text and encoding name of an uploaded CSV: UTF-8 (with or without BOM), UTF-16 with
    BOM, else Windows-1252 (what Excel writes in Germany); anything else is Invalid."""
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise Invalid(
            "Die Datei ist weder UTF-8 noch Windows-1252 (cp1252) kodiert.", field="file"
        ) from None


def too_many_rows(max_rows: int, field: str) -> Invalid:
    """The error for a table with more than ``max_rows`` data rows."""
    return Invalid(f"Die Datei hat mehr als {max_rows} Zeilen; bitte aufteilen.", field=field)


def csv_rows(text: str, *, delimiter: str, max_rows: int, field: str) -> list[list[str]]:
    """The rows of CSV ``text``, at most ``max_rows`` (more raise Invalid)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) >= max_rows:
                raise too_many_rows(max_rows - 1, field)
            rows.append(row)
    except csv.Error as exc:
        raise Invalid(csv_problem(exc, reader.line_num), field=field) from None
    return rows


def csv_problem(exc: csv.Error, line: int) -> str:
    """A German message for a csv error on ``line`` (a field beyond the limit names it)."""
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return (
            f"Zeile {line}: ein Feld ist länger als {limit // 1024} KiB ({limit} Zeichen). Bitte "
            "lange Texte kürzen oder die Datei prüfen (fehlt ein schließendes Anführungszeichen?)."
        )
    return f"Zeile {line}: die CSV-Datei ist fehlerhaft ({exc})."


def xlsx_rows(content: bytes, *, max_rows: int, field: str) -> tuple[str, list[tuple[Any, ...]]]:
    """The title and rows (values) of a workbook's first sheet, at most ``max_rows``."""
    from openpyxl import load_workbook

    _check_unpacked_size(content, field)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows: list[tuple[Any, ...]] = []
            for row in sheet.iter_rows(values_only=True):
                if len(rows) >= max_rows:
                    raise too_many_rows(max_rows - 1, field)
                rows.append(row)
            return str(sheet.title), rows
        finally:
            book.close()
    except Invalid:
        raise
    except Exception as exc:  # openpyxl raises zip, XML, DTD and value errors of many kinds
        raise Invalid(
            f"Die XLSX-Datei ist nicht lesbar: {_reason(exc)}. Bitte in Excel oder LibreOffice "
            "öffnen und erneut als .xlsx speichern.",
            field=field,
        ) from None


def _check_unpacked_size(content: bytes, field: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Invalid(
            "Die XLSX-Datei ist nicht lesbar: sie ist kein gültiges ZIP-Archiv.", field=field
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise Invalid(
            f"Die XLSX-Datei ist entpackt größer als {MAX_UNPACKED_BYTES // (1024 * 1024)} MB.",
            field=field,
        )


def _reason(exc: BaseException) -> str:
    """Why a workbook was refused: a DTD (defusedxml's ``…Forbidden`` errors, which openpyxl
    wraps in a ValueError), else the first line of the error."""
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__name__.endswith("Forbidden"):
            return "sie enthält eine DTD oder XML-Entitäten, die nicht erlaubt sind"
        cause = cause.__cause__ or cause.__context__
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
