"""JSON within bounds: nesting depth, length of numbers and of strings (issue 14).

Python's json module nests until a RecursionError and reads integers of up to 4,300 digits
(a ValueError beyond); both ended as 500s, and a 4,000-digit number reached the services.
:func:`parse_json` refuses all three with :class:`JsonTooLarge` (an ``Invalid``) and a German
message naming the limit; ``web/middleware.py`` checks every JSON request body with it
before any handler runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from domstadt.core.config import Settings, get_settings
from domstadt.core.errors import Invalid


@dataclass(frozen=True)
class JsonLimits:
    """Deepest nesting of arrays and objects, most digits of a number, longest string."""

    depth: int = 64
    digits: int = 100
    string_chars: int = 100_000

    @classmethod
    def of(cls, settings: Settings | None = None) -> JsonLimits:
        """The limits configured in ``settings`` (``DOMSTADT_MAX_JSON_*``)."""
        s = settings or get_settings()
        return cls(s.max_json_depth, s.max_json_number_digits, s.max_json_string_chars)


class JsonTooLarge(Invalid):
    """JSON that breaks a limit (as opposed to text that is no JSON at all)."""


class _NumberTooLong(ValueError):
    """Raised from the number hooks; turned into Invalid by :func:`parse_json`."""


def _number_hooks(limits: JsonLimits) -> tuple[Callable[[str], int], Callable[[str], float]]:
    def parse_int(text: str) -> int:
        if len(text) - text.startswith("-") > limits.digits:
            raise _NumberTooLong(text)
        return int(text)

    def parse_float(text: str) -> float:
        value = float(text) if sum(c.isdigit() for c in text) <= limits.digits else math.inf
        if not math.isfinite(value):
            raise _NumberTooLong(text)
        return value

    return parse_int, parse_float


def _constant(name: str) -> float:
    raise JsonTooLarge(f"{name} ist in JSON nicht erlaubt; bitte eine endliche Zahl senden.")


def parse_json(
    raw: str | bytes, *, limits: JsonLimits | None = None, field: str | None = None
) -> Any:
    """``raw`` parsed as JSON within ``limits`` (default: the settings'); Invalid otherwise."""
    limits = limits or JsonLimits.of()
    parse_int, parse_float = _number_hooks(limits)
    try:
        value = json.loads(
            raw, parse_int=parse_int, parse_float=parse_float, parse_constant=_constant
        )
    except RecursionError:
        raise too_deep(limits, field) from None
    except _NumberTooLong as exc:
        raise JsonTooLarge(
            f"Eine Zahl ist zu lang oder zu groß ({str(exc)[:20]}…): höchstens "
            f"{limits.digits} Ziffern, und endlich.",
            field=field,
        ) from None
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"Kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}): {exc.msg}.", field=field
        ) from None
    except UnicodeDecodeError:
        raise Invalid("Das JSON ist nicht UTF-8-kodiert.", field=field) from None
    check_json(value, limits, field)
    return value


def too_deep(limits: JsonLimits, field: str | None = None) -> JsonTooLarge:
    """The error for JSON nested deeper than the limit."""
    return JsonTooLarge(
        f"Das JSON ist zu tief verschachtelt: höchstens {limits.depth} Ebenen aus Listen und "
        "Objekten.",
        field=field,
    )


def check_json(value: Any, limits: JsonLimits, field: str | None = None) -> None:
    """Refuse parsed JSON nested deeper than the limit or holding a longer string (keys too)."""
    if isinstance(value, str):
        _check_string(value, limits, field)
    if not isinstance(value, dict | list):
        return
    longest = limits.string_chars
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:  # containers only; their strings are checked where they are listed
        item, depth = pending.pop()
        if depth >= limits.depth:
            raise too_deep(limits, field)
        if isinstance(item, dict):
            for key in item:
                if len(key) > longest:
                    _check_string(key, limits, field)
            item = item.values()
        for child in item:
            if isinstance(child, str):
                if len(child) > longest:
                    _check_string(child, limits, field)
            elif isinstance(child, dict | list):
                pending.append((child, depth + 1))


def refusal(raw: bytes, limits: JsonLimits) -> JsonTooLarge | None:
    """The limit ``raw`` breaks, None when it breaks none or is no JSON at all (its reader
    answers that in its own words): the verdict of :func:`parse_json`, reached faster for
    request bodies that only need the verdict. orjson parses (a tenth of the standard parser
    with a Python hook per number); whatever it refuses, and any run of number characters
    longer than the digit limit, goes to :func:`parse_json` for the exact answer."""
    if b"1" * (limits.digits + 1) not in raw.translate(_NUMBER_CHARS):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # not JSON, too deep for orjson, infinite, a lone surrogate: decided below
        else:
            try:
                check_json(value, limits)
            except JsonTooLarge as exc:
                return exc
            return None
    try:
        parse_json(raw, limits=limits)
    except JsonTooLarge as exc:
        return exc
    except Invalid:
        return None
    return None


_NUMBER_CHARS = bytes(49 if chr(b) in "-+.0123456789eE" else 48 for b in range(256))
"""Translation table: ``1`` for a character that may belong to a number, else ``0``; a number
with more digits than the limit lies inside a run of ones longer than the limit (some text
too, which then takes the exact way)."""


def _check_string(text: str, limits: JsonLimits, field: str | None) -> None:
    if len(text) > limits.string_chars:
        raise JsonTooLarge(
            f"Ein Text im JSON ist {len(text)} Zeichen lang; höchstens {limits.string_chars} "
            "sind erlaubt.",
            field=field,
        )
