"""The Förderdatenbank's field layout (the federal funding database as CorrelAid publishes
it, ``data/foerderdatenbank_vocabularies_correlaid.json`` for its closed code lists): one row
→ our raw fields.

Its texts are licensed CC BY-ND 4.0 by the Bundesministerium für Wirtschaft und Energie:
they are kept unaltered and shown with the row's ``license_info`` as attribution. The free
text ``deadlines`` becomes the deadline only when it is one date ("laufend" makes the
programme rolling); other deadline texts are left out, never rewritten.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from domstadt.funding.values import ROLLING, deadline, list_value

VOCAB_FILE = Path(__file__).with_name("data") / "foerderdatenbank_vocabularies_correlaid.json"
LICENCE = "CC BY-ND 4.0"

_LEVEL = {"bund": "bund", "land": "land", "eu": "eu"}
_TYPE = {
    "zuschuss": "grant", "darlehen": "loan", "buergschaft": "guarantee", "garantie": "guarantee",
    "beteiligung": "equity", "sonstige": "other",
}  # fmt: skip
_APPLICANT = {
    "kommune": "kommune", "oeffentliche_einrichtung": "kommune", "unternehmen": "unternehmen",
    "existenzgruenderin": "startup", "forschungseinrichtung": "forschung",
    "hochschule": "forschung", "verband_vereinigung": "verein", "privatperson": "buerger",
    "bildungseinrichtung": "bildung",
}  # fmt: skip


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """The database's code lists: list name → code → German label."""
    data: dict[str, dict[str, str]] = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))
    return data


def _labels(codes: list[str], vocabulary: str) -> list[str]:
    names = vocabularies().get(vocabulary, {})
    return [names.get(code, code) for code in codes]


def raw_fields(record: dict[str, Any]) -> dict[str, Any]:
    """Our raw fields from one Förderdatenbank row."""
    bodies = list_value(record.get("funding_body", ""))
    close = _deadline(str(record.get("deadlines") or ""))
    raw: dict[str, Any] = {
        "external_id": record.get("id_hash") or record.get("id_url") or record.get("url", ""),
        "title": record.get("title", ""),
        "url": record.get("url", ""),
        "description": record.get("description") or record.get("short_description") or "",
        "provider": ", ".join(list_value(record.get("funding_organisation", "")))
        or ", ".join(_labels(bodies, "FOERDERGEBER")),
        "level": next((_LEVEL[b] for b in bodies if b in _LEVEL), ""),
        "funding_type": next(
            (_TYPE[t] for t in list_value(record.get("funding_type", "")) if t in _TYPE), ""
        ),
        "applicants": [
            _APPLICANT.get(a, a) for a in list_value(record.get("eligible_applicants", ""))
        ],
        "region": ", ".join(
            _labels(list_value(record.get("funding_location", "")), "FOERDERGEBIET")
        ),
        "topics": _labels(list_value(record.get("funding_area", "")), "FOERDERBEREICH")
        + _keywords(str(record.get("keywords") or "")),
        "call_close": "" if close is None else close,
        "status": "rolling" if close == "laufend" else "",
        "attribution": record.get("license_info", ""),
        "licence": LICENCE,
    }
    return raw


def _keywords(text: str) -> list[str]:
    """The keyword cell as given (comma- or space-separated words, unaltered)."""
    if "," in text:
        return [k.strip() for k in text.split(",") if k.strip()]
    return [k for k in text.split() if k]


def _deadline(text: str) -> str | None:
    try:
        value = deadline(text)
    except ValueError:
        return None
    if value == ROLLING:
        return "laufend"
    return text.strip() if value is not None else None
