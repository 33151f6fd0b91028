"""Values as people write them in funding tables: German and ISO dates, vague deadlines
("Ende 2026", "laufend"), amounts with decimal commas, lists in one cell.

Each parser returns the value or raises ``ValueError`` with a German text naming what it could
not read; the row reader turns that into a refusal of the row.

Documented interpretations: "Ende 2026" is 31.12.2026, "Mitte 2026" 30.06.2026, "Anfang 2026"
31.03.2026, "Q3 2026" / "3. Quartal 2026" the quarter's last day, "12/2026" and "Dezember
2026" the month's last day; "laufend", "fortlaufend", "jederzeit" mean no deadline (rolling).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re

from domstadt.funding.vocab import key

ROLLING = "rolling"
"""Returned by :func:`deadline` for a deadline that says the call is always open."""

_ROLLING_WORDS = {"laufend", "fortlaufend", "jederzeit", "rolling", "ongoing", "staendig", "offen"}
_MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "maerz": 3, "marz": 3, "mar": 3, "april": 4,
    "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip
_VAGUE = {"ende": 12, "mitte": 6, "anfang": 3, "fruehjahr": 5, "sommer": 8, "herbst": 11}
_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{4})$")
_QUARTER = re.compile(r"^(?:q\s*([1-4])|([1-4])\s*\.?\s*quartal)\s+(\d{4})$")
_WORD_YEAR = re.compile(r"^([a-z]+)\s+(\d{4})$")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _checked_year(year: int, text: str) -> int:
    if not 1990 <= year <= 2100:
        raise ValueError(f"„{text}“: das Jahr {year} liegt außerhalb von 1990–2100")
    return year


def date_value(text: str) -> dt.date | None:
    """A date from "31.12.2026", "2026-12-31" (time allowed), "12/2026", "Dezember 2026",
    "Ende 2026", "Q3 2026"; None for an empty cell. Anything else raises ValueError."""
    raw = text.strip()
    if not raw:
        return None
    plain = key(raw).replace("_", " ").strip()
    try:
        return _exact(raw) or _vague(plain, raw) or _fail(raw)
    except ValueError as exc:
        if "„" in str(exc):
            raise
        raise ValueError(f"„{raw}“ ist kein gültiges Datum") from None


def _exact(raw: str) -> dt.date | None:
    if m := _GERMAN.match(raw):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        year = year + 2000 if year < 100 else year
        return dt.date(_checked_year(year, raw), month, day)
    if m := _ISO.match(raw):
        return dt.date(_checked_year(int(m[1]), raw), int(m[2]), int(m[3]))
    if m := _MONTH_YEAR.match(raw):
        return _month_end(_checked_year(int(m[2]), raw), int(m[1]))
    return None


def _vague(plain: str, raw: str) -> dt.date | None:
    if m := _QUARTER.match(plain):
        quarter = int(m[1] or m[2])
        return _month_end(_checked_year(int(m[3]), raw), quarter * 3)
    if m := _WORD_YEAR.match(plain):
        year = _checked_year(int(m[2]), raw)
        if m[1] in _MONTHS:
            return _month_end(year, _MONTHS[m[1]])
        if m[1] in _VAGUE:
            return _month_end(year, _VAGUE[m[1]])
    if re.fullmatch(r"\d{4}", plain):
        return _month_end(_checked_year(int(plain), raw), 12)
    return None


def _fail(raw: str) -> dt.date:
    raise ValueError(
        f"„{raw}“ ist kein lesbares Datum (erwartet z. B. 31.12.2026, 2026-12-31, 12/2026, "
        "Ende 2026 oder laufend)"
    )


def deadline(text: str) -> dt.date | str | None:
    """Like :func:`date_value`, but "laufend" and its kin give :data:`ROLLING`."""
    if key(text).replace("_", " ") in _ROLLING_WORDS:
        return ROLLING
    return date_value(text)


_NUMBER = re.compile(r"\d[\d.,'\s]*")


def amount_value(text: str) -> float | None:
    """The euro amount in "1.234.567,89 €", "500000", "900000.0", "2,5 Mio. €"; None when the
    cell names no amount (a rate such as "bis zu 50 %" stays text only)."""
    raw = text.strip()
    if not raw or "%" in raw:
        return None
    m = _NUMBER.search(raw)
    if m is None:
        return None
    number = _decimal(m.group(0).strip().replace(" ", "").replace("'", ""))
    lowered = raw.lower()
    if "mrd" in lowered or "milliard" in lowered:
        number *= 1_000_000_000
    elif "mio" in lowered or "million" in lowered:
        number *= 1_000_000
    elif re.search(r"\d\s*(tsd|tausend)", lowered):
        number *= 1_000
    return number


def _decimal(digits: str) -> float:
    """German "1.234,5" and English "1,234.5" and plain "1234.5" alike."""
    if "," in digits and "." in digits:
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        head, _, tail = digits.rpartition(",")
        digits = digits.replace(",", "") if len(tail) == 3 and head else digits.replace(",", ".")
    elif digits.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", digits):
        digits = digits.replace(".", "")
    return float(digits.rstrip(".,") or 0)


_SPLIT = re.compile(r"\s*[;,|/\n]\s*")


def list_value(value: object) -> list[str]:
    """A list from a JSON array (also as cell text, the Förderdatenbank's way) or a cell with
    ``;``, ``,``, ``|``, ``/`` or line breaks between the items; empty items are dropped."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value or "").strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return list_value(parsed)
    return [part for part in _SPLIT.split(text) if part]
