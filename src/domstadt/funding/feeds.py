"""RSS 2.0 and Atom feeds of funding news → raw programme fields, one per item.

Parsed with defusedxml (no DTDs, no entity expansion). An item's id is its ``guid``/``id``,
else its link; its date (``pubDate``/``updated``) is kept as the call's opening day. Markup in
summaries is reduced to text. A feed that is not RSS or Atom is a per-feed error.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from domstadt.core.errors import Invalid

_ATOM = "{http://www.w3.org/2005/Atom}"
_TAG = re.compile(r"<[^>]+>")
MAX_ITEMS = 500


def _plain(value: str | None) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", value or "")).split())


def _rss_date(text: str | None) -> str:
    if not text:
        return ""
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError):
        return ""


def _atom_date(text: str | None) -> str:
    try:
        return dt.datetime.fromisoformat((text or "").strip()).date().isoformat()
    except ValueError:
        return ""


def parse_feed(content: bytes) -> list[dict[str, Any]]:
    """The items of an RSS or Atom document as raw programme fields."""
    try:
        root = ElementTree.fromstring(content)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise Invalid(f"Der Feed ist kein lesbares XML: {exc}.", field="url") from None
    if root.tag == f"{_ATOM}feed":
        items = [_atom(e) for e in root.findall(f"{_ATOM}entry")]
    elif root.tag == "rss" and root.find("channel") is not None:
        items = [_rss(e) for e in root.iterfind("channel/item")]
    else:
        raise Invalid("Der Feed ist weder RSS 2.0 noch Atom.", field="url")
    return items[:MAX_ITEMS]


def _rss(item: Element) -> dict[str, Any]:
    link = (item.findtext("link") or "").strip()
    return {
        "external_id": (item.findtext("guid") or "").strip() or link,
        "title": _plain(item.findtext("title")),
        "description": _plain(item.findtext("description")),
        "url": link,
        "call_open": _rss_date(item.findtext("pubDate")),
        "topics": [_plain(c.text) for c in item.findall("category") if c.text],
    }


def _atom(entry: Element) -> dict[str, Any]:
    link = ""
    for candidate in entry.findall(f"{_ATOM}link"):
        if candidate.get("rel", "alternate") == "alternate":
            link = candidate.get("href", "")
            break
    return {
        "external_id": (entry.findtext(f"{_ATOM}id") or "").strip() or link,
        "title": _plain(entry.findtext(f"{_ATOM}title")),
        "description": _plain(
            entry.findtext(f"{_ATOM}summary") or entry.findtext(f"{_ATOM}content")
        ),
        "url": link,
        "call_open": _atom_date(
            entry.findtext(f"{_ATOM}published") or entry.findtext(f"{_ATOM}updated")
        ),
        "topics": [c.get("term", "") for c in entry.findall(f"{_ATOM}category") if c.get("term")],
    }
