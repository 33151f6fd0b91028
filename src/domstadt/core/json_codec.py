"""One JSON codec for the fast paths (SensorThings bodies and answers, MQTT payloads and
notifications, JSON columns): orjson, and the standard library wherever orjson would change
a value.

orjson reads an integer beyond 64 bits (above 2**64 − 1 or below −2**63) as a rounded float
and cannot write one; the standard library keeps every integer exact. :func:`loads` lets
orjson decide whether the text is JSON (its errors and messages stay the same everywhere),
and when the text holds a run of 19 or more digits, where such an integer can hide, returns
the standard parser's value of the same text. :func:`dumps` writes with orjson and falls back
to the standard writer (compact, UTF-8) for what orjson refuses, where every value the
standard writer does not know goes through orjson again: dates and UUIDs come out as orjson
writes them, and what neither can write is orjson's error.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

DecodeError = orjson.JSONDecodeError
"""What :func:`loads` raises for text that is not JSON (a ``ValueError``)."""
LONG_DIGITS = 19
"""−2**63 − 1 has 19 digits: a shorter run of digits is always an integer orjson keeps."""
_DIGIT_BYTES = bytes(49 if chr(b).isdigit() and b < 128 else 48 for b in range(256))
_LONG_RUN_BYTES = b"1" * LONG_DIGITS
_LONG_RUN_TEXT = re.compile(f"[0-9]{{{LONG_DIGITS}}}")


def loads(raw: bytes | bytearray | memoryview | str) -> Any:
    """``raw`` parsed; integers exact at any size. Raises :data:`DecodeError`."""
    value = orjson.loads(raw)
    if not _may_hold_long_integer(raw):
        return value
    text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
    try:
        return json.loads(text)
    except RecursionError:  # deeper than the standard parser goes; orjson's value stands
        return value


def _may_hold_long_integer(raw: bytes | bytearray | memoryview | str) -> bool:
    if isinstance(raw, str):
        return _LONG_RUN_TEXT.search(raw) is not None
    return _LONG_RUN_BYTES in bytes(raw).translate(_DIGIT_BYTES)


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON; dict keys that are not strings written as strings."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        pass  # an integer beyond 64 bits; anything else fails again below, as orjson's error
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_as_orjson_writes)
    return text.encode("utf-8")


def _as_orjson_writes(value: Any) -> Any:
    """A value the standard writer does not know (a date, a UUID) as orjson writes it."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))
