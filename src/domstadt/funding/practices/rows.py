"""One row's raw values → the practice it describes, or the reason it is refused.

A row is refused (never half-read) when it has no title, a source URL that is not http(s),
or a status we do not know. Lists (topics) are read with the funding radar's list parser.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from domstadt.core.weburl import is_web_url
from domstadt.funding import values
from domstadt.funding.practices import vocab
from domstadt.funding.rows import RowRefused
from domstadt.funding.vocab import lookup

__all__ = ["PracticeData", "RowRefused", "practice"]

_SHORT = {"title": 500, "city": 200, "country": 100, "organisation": 300, "technology": 300,
          "cost": 300, "duration": 300, "contact": 500, "licence": 200}  # fmt: skip
_LONG = ("problem", "solution", "data_used", "outcome")


@dataclass
class PracticeData:
    """A practice as read from one row, before it meets the database."""

    external_id: str
    title: str
    city: str = ""
    country: str = ""
    organisation: str = ""
    problem: str = ""
    solution: str = ""
    technology: str = ""
    topics: list[str] = field(default_factory=list)
    data_used: str = ""
    cost: str = ""
    duration: str = ""
    status: str = ""
    outcome: str = ""
    contact: str = ""
    url: str = ""
    licence: str = ""

    def content(self) -> dict[str, Any]:
        """Every field except the external id (the hashed content)."""
        data = asdict(self)
        data.pop("external_id")
        return data

    def content_hash(self) -> str:
        """SHA-256 of :meth:`content` (stable key order)."""
        text = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: Any, limit: int) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = "" if value is None else str(value).replace("\x00", " ")
    return " ".join(text.split())[:limit] if limit <= 1000 else text.strip()[:limit]


def practice(raw: dict[str, Any], defaults: dict[str, Any] | None = None) -> PracticeData:
    """The practice in ``raw`` (our field names → cell values); ``defaults`` fill empty
    cells (e.g. the licence of a whole file). Raises :class:`RowRefused`."""
    merged = {**(defaults or {}), **{k: v for k, v in raw.items() if v not in ("", None, [])}}
    title = _text(merged.get("title"), 500)
    if not title:
        raise RowRefused("kein Titel")
    url = _text(merged.get("url"), 1000)
    if url and not is_web_url(url):
        raise RowRefused(f"„{url[:80]}“ ist keine http(s)-Adresse")
    short = {name: _text(merged.get(name), limit) for name, limit in _SHORT.items()}
    long = {name: _text(merged.get(name), 20_000) for name in _LONG}
    short.pop("title")
    return PracticeData(
        external_id=_text(merged.get("external_id"), 300) or url or _derived_id(title, short),
        title=title,
        topics=[_text(t, 100) for t in values.list_value(merged.get("topics"))][:30],
        status=_status(merged.get("status")),
        url=url,
        **short,
        **long,
    )


def _derived_id(title: str, short: dict[str, str]) -> str:
    basis = f"{title}|{short['city']}|{short['organisation']}".lower()
    return "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()


def _status(value: Any) -> str:
    text = _text(value, 100)
    if not text:
        return ""
    code = lookup(text, vocab.STATUS_BY_WORD)
    if code is None:
        allowed = ", ".join(vocab.STATUSES_DE.values())
        raise RowRefused(f"unbekannter Status „{text}“ (erlaubt: {allowed}, unbekannt)")
    return code
