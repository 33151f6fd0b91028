"""One row's raw values → the programme it describes, or the reason it is refused.

A row is refused (never half-read) when it has no title, a date or URL that cannot be read, a
level or status we do not know, or a call that closes before it opens. Values of a closed
list that we do not know (an applicant group such as "Kirchen") are kept as written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from domstadt.core.weburl import is_web_url
from domstadt.funding import values, vocab

HASHED = (
    "title", "provider", "level", "funding_type", "applicants", "region", "topics",
    "description", "amount", "amount_eur", "call_open", "call_close", "status_given", "url",
    "licence", "attribution", "no_derivatives",
)  # fmt: skip
"""The fields whose change is a change of the programme (and goes into its history)."""


_NO_DERIVATIVES = re.compile(r"\bND\b|NoDerivatives|keine Bearbeitung", re.IGNORECASE)


class RowRefused(ValueError):
    """A row that cannot become a programme; the message says why, in German."""


@dataclass
class ProgrammeData:
    """A programme as read from one row (or feed item), before it meets the database."""

    external_id: str
    title: str
    provider: str = ""
    level: str = ""
    funding_type: str = "other"
    applicants: list[str] = field(default_factory=list)
    region: str = ""
    topics: list[str] = field(default_factory=list)
    description: str = ""
    amount: str = ""
    amount_eur: float | None = None
    call_open: dt.date | None = None
    call_close: dt.date | None = None
    status_given: str = ""
    url: str = ""
    licence: str = ""
    attribution: str = ""
    no_derivatives: bool = False

    def content(self) -> dict[str, Any]:
        """The hashed fields as JSON-ready values."""
        data = asdict(self)
        return {k: _jsonable(data[k]) for k in HASHED}

    def content_hash(self) -> str:
        """SHA-256 of :meth:`content` (stable key order)."""
        text = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _text(value: Any, limit: int) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("\x00", " ").split())[:limit] if limit < 1000 else text[:limit]


def programme(raw: dict[str, Any], defaults: dict[str, Any] | None = None) -> ProgrammeData:
    """The programme in ``raw`` (our field names → cell values); ``defaults`` fill empty
    cells (e.g. the level of a whole file). Raises :class:`RowRefused`."""
    merged = {**(defaults or {}), **{k: v for k, v in raw.items() if v not in ("", None, [])}}
    title = _text(merged.get("title"), 500)
    if not title:
        raise RowRefused("kein Titel")
    call_open, call_close, rolling = _dates(merged)
    url = _text(merged.get("url"), 1000)
    if url and not is_web_url(url):
        raise RowRefused(f"„{url[:80]}“ ist keine http(s)-Adresse")
    amount = _text(merged.get("amount"), 300)
    data = ProgrammeData(
        external_id=_text(merged.get("external_id"), 300) or url or _derived_id(merged, title),
        title=title,
        provider=_text(merged.get("provider"), 300),
        level=_level(merged.get("level")),
        funding_type=_coded(merged.get("funding_type"), vocab.TYPE_BY_WORD, "other"),
        applicants=_applicants(merged.get("applicants")),
        region=_text(merged.get("region"), 200),
        topics=[_text(t, 100) for t in values.list_value(merged.get("topics"))][:60],
        description=_text(merged.get("description"), 20_000),
        amount=amount,
        amount_eur=values.amount_value(amount),
        call_open=call_open,
        call_close=call_close,
        status_given="rolling" if rolling else _status(merged.get("status")),
        url=url,
        licence=_text(merged.get("licence"), 200),
        attribution=_text(merged.get("attribution"), 2000),
        no_derivatives=bool(_NO_DERIVATIVES.search(_text(merged.get("licence"), 200))),
    )
    return data


def _derived_id(merged: dict[str, Any], title: str) -> str:
    basis = f"{title}|{_text(merged.get('provider'), 300)}".lower()
    return "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()


def _dates(merged: dict[str, Any]) -> tuple[dt.date | None, dt.date | None, bool]:
    try:
        opened = values.date_value(str(merged.get("call_open") or ""))
        closing = values.deadline(str(merged.get("call_close") or ""))
    except ValueError as exc:
        raise RowRefused(str(exc)) from None
    rolling = closing == values.ROLLING
    closed_on = None if isinstance(closing, str) else closing
    if opened and closed_on and closed_on < opened:
        raise RowRefused(
            f"die Frist ({closed_on:%d.%m.%Y}) liegt vor dem Beginn ({opened:%d.%m.%Y})"
        )
    return opened, closed_on, rolling


def _level(value: Any) -> str:
    text = _text(value, 100)
    if not text:
        raise RowRefused(
            "keine Ebene (EU, Bund, Land, Kommune, privat): Spalte oder --level angeben"
        )
    code = vocab.lookup(text, vocab.LEVEL_BY_WORD)
    if code is None:
        raise RowRefused(
            f"unbekannte Ebene „{text}“ (erlaubt: EU, Bund, Land, Kommune/Köln, privat)"
        )
    return code


def _status(value: Any) -> str:
    text = _text(value, 100)
    if not text:
        return ""
    code = vocab.lookup(text, vocab.STATUS_BY_WORD)
    if code is None:
        raise RowRefused(
            f"unbekannter Status „{text}“ (erlaubt: offen, laufend, demnächst, geschlossen)"
        )
    return code


def _coded(value: Any, by_word: dict[str, str], default: str) -> str:
    text = _text(value, 100)
    return (vocab.lookup(text, by_word) or default) if text else default


def _applicants(value: Any) -> list[str]:
    found: list[str] = []
    for item in values.list_value(value):
        code = vocab.lookup(item, vocab.APPLICANT_BY_WORD)
        if code is None and len(item) < 3:
            continue  # the "in" of "Existenzgründer/in"
        entry = code or _text(item, 100)
        if entry not in found:
            found.append(entry)
    return found[:20]
