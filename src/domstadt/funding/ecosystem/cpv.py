"""The Common Procurement Vocabulary (CPV 2008, Regulation (EC) No 213/2008): every code with
its English label (``data/cpv_2008_en.json``) and German labels of the groups of divisions 48
(software), 72 (IT services) and 73 (research and development) (``data/cpv_2008_de.json``).

Codes are written ``72000000-5`` (eight digits, hyphen, check digit); ``72000000`` without the
check digit is accepted and completed from the list. Two codes are related when one lies under
the other or both lie in the same group (the first three digits)."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_CODE = re.compile(r"^\s*(\d{8})(?:\s*-\s*(\d))?\s*$")


def _load(name: str) -> dict[str, str]:
    text = resources.files("domstadt.funding.ecosystem").joinpath(f"data/{name}")
    return dict(json.loads(text.read_text(encoding="utf-8")))


@cache
def codes() -> dict[str, str]:
    """Eight-digit code → full code with check digit (``72000000`` → ``72000000-5``)."""
    return {full[:8]: full for full in _load("cpv_2008_en.json")}


@cache
def _english() -> dict[str, str]:
    return {full[:8]: label for full, label in _load("cpv_2008_en.json").items()}


@cache
def _german() -> dict[str, str]:
    return _load("cpv_2008_de.json")


class UnknownCode(ValueError):
    """A code that is not in the CPV 2008 list (or has the wrong check digit)."""


def normalise(code: str) -> str:
    """The full code (``72000000-5``) of a written code; raises :class:`UnknownCode`."""
    match = _CODE.match(code)
    if match is None:
        raise UnknownCode(
            f"'{code[:40]}' ist kein CPV-Code: erwartet werden acht Ziffern mit Prüfziffer, "
            "z. B. 72000000-5."
        )
    full = codes().get(match.group(1))
    if full is None:
        raise UnknownCode(f"Den CPV-Code {match.group(1)} gibt es im CPV 2008 nicht.")
    if match.group(2) is not None and full[-1] != match.group(2):
        raise UnknownCode(
            f"Die Prüfziffer von {match.group(1)} ist {full[-1]}, nicht {match.group(2)}."
        )
    return full


def label(code: str, language: str = "de") -> str:
    """The code's label: German where we ship one (else the nearest German group label with the
    English label), English for ``en``."""
    digits = code[:8]
    english = _english().get(digits, "")
    if language == "en":
        return english
    german = _german().get(digits)
    return german or english


def group(code: str) -> str:
    """The group of a code (first three digits)."""
    return code[:3]


def related(a: str, b: str) -> str | None:
    """``same`` (one code), ``under`` (one lies under the other), ``group`` (same group) or
    None."""
    x, y = a[:8].rstrip("0"), b[:8].rstrip("0")
    if a[:8] == b[:8]:
        return "same"
    if len(x) >= 2 and len(y) >= 2 and (x.startswith(y) or y.startswith(x)):
        return "under"
    if a[:3] == b[:3] and a[2] != "0" and b[2] != "0":
        return "group"
    return None


def search(query: str, limit: int = 20) -> list[tuple[str, str]]:
    """Codes whose number starts with the query or whose label contains it."""
    q = query.strip().casefold()
    if not q:
        return []
    found = []
    for digits, full in codes().items():
        if digits.startswith(q) or q in label(full).casefold() or q in label(full, "en").casefold():
            found.append((full, label(full)))
            if len(found) >= limit:
                break
    return found
