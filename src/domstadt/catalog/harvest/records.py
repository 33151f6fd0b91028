"""What every harvester yields: one record per remote dataset in the catalogue's own terms,
with lenient readers for the mess real catalogues contain (malformed dates, literal URLs,
licence URLs of many spellings, oversize fields)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from domstadt.catalog import vocab

MAX_RECORD_BYTES = 1_000_000
MAX_DESCRIPTION = 50_000
MAX_DISTRIBUTIONS = 200
MAX_KEYWORDS = 200
FILE_TYPE_BASE = "http://publications.europa.eu/resource/authority/file-type/"


@dataclass
class Record:
    """A remote dataset: ``guid`` identifies it in its source; ``values`` are DatasetCreate
    fields; ``distributions`` DistributionCreate fields."""

    guid: str
    values: dict[str, Any]
    distributions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(field, German message) for values kept or dropped instead of read; not hashed."""

    def content_hash(self) -> str:
        """SHA-256 over the normalised content: equal hash, nothing to update."""
        text = json.dumps({"v": self.values, "d": self.distributions}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def size(self) -> int:
        """Approximate size of the record in bytes."""
        return len(json.dumps({"v": self.values, "d": self.distributions}, default=str))


@dataclass
class BadRecord:
    """A remote record that could not be read; ``reason`` goes into the job report."""

    guid: str
    reason: str


def safely(convert: Any, item: Any, *args: Any) -> Record | BadRecord:
    """``convert(item, *args)``; an unexpected error makes a BadRecord, never a failed job."""
    try:
        result: Record | BadRecord = convert(item, *args)
    except Exception as exc:
        guid = (
            str(item.get("id") or item.get("identifier") or "?") if isinstance(item, dict) else "?"
        )
        first = (str(exc).splitlines() or [""])[0]
        return BadRecord(guid[:500], f"Unlesbar: {type(exc).__name__}: {first}"[:300])
    return result


_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ZONE_WORD = re.compile(r"\s*\b(GMT|UTC|Z)\b\s*", re.IGNORECASE)
_FRACTION = re.compile(r"(\d{2}:\d{2}:\d{2})\.(\d{1,6})\d*")


def _iso(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_datetime(value: Any) -> dt.datetime | None:
    """ISO date or date-time (naive means UTC), German ``TT.MM.JJJJ``, or the broken forms
    portals serve (``2021-01-28 GMT 01:51:03.34919300``: zone word inside, nanoseconds);
    else None."""
    text = str(value or "").strip()[:100]
    if not text:
        return None
    german = _GERMAN_DATE.match(text)
    if german:
        day, month, year = (int(g) for g in german.groups())
        text = f"{year:04d}-{month:02d}-{day:02d}"
    parsed = _iso(text)
    if parsed is None:  # a zone word anywhere means UTC; fractions beyond microseconds cut
        repaired = _FRACTION.sub(r"\1.\2", _ZONE_WORD.sub(" ", text).strip())
        parsed = _iso(re.sub(r"\s+", " ", repaired).replace(" ", "T", 1))
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_date(value: Any) -> dt.date | None:
    """The date part of :func:`parse_datetime`."""
    parsed = parse_datetime(value)
    return parsed.date() if parsed else None


def clip(value: Any, length: int) -> str:
    """Text of at most ``length`` characters (None → "")."""
    return str(value or "").strip()[:length]


def http_url(value: Any) -> str:
    """An http(s) address or "" (literal or URI, whitespace stripped)."""
    text = str(value or "").strip()
    return text[:1000] if text.startswith(("http://", "https://")) and " " not in text else ""


def email_of(value: Any) -> str:
    """An e-mail address from ``mailto:`` URIs or plain text; "" when it is none."""
    text = str(value or "").strip().removeprefix("mailto:").strip()
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) and len(text) <= 320 else ""


_LICENSE_ALIASES = {
    # SPDX ids, CKAN licence ids, GovData and Creative Commons URLs (lower case, no slash)
    "dl-de-by-2.0": "dl-by-de/2.0",
    "dl-de/by-2-0": "dl-by-de/2.0",
    "dl-de-by-1.0": "dl-by-de/1.0",
    "dl-de/by-1-0": "dl-by-de/1.0",
    "dl-de-zero-2.0": "dl-zero-de/2.0",
    "dl-de/zero-2-0": "dl-zero-de/2.0",
    "dl-de-by-nc-1.0": "dl-by-nc-de/1.0",
    "dl-de/by-nc-1-0": "dl-by-nc-de/1.0",
    "cc-by-4.0": "cc-by/4.0",
    "cc-by-sa-4.0": "cc-by-sa/4.0",
    "cc-by-nd-4.0": "cc-by-nd/4.0",
    "cc-by-nc-4.0": "cc-by-nc/4.0",
    "cc-by-3.0-de": "cc-by-de/3.0",
    "licenses/by/4.0": "cc-by/4.0",
    "licenses/by/4.0/deed.de": "cc-by/4.0",
    "licenses/by-sa/4.0": "cc-by-sa/4.0",
    "licenses/by-nd/4.0": "cc-by-nd/4.0",
    "licenses/by-nc/4.0": "cc-by-nc/4.0",
    "licenses/by/3.0/de": "cc-by-de/3.0",
    "publicdomain/zero/1.0": "cc-zero",
    "publicdomain/zero/1.0/deed.de": "cc-zero",
    "cc0-1.0": "cc-zero",
    "cc0": "cc-zero",
    "cc-0": "cc-zero",
    "odc-odbl": "odbl",
    "odbl-1.0": "odbl",
    "odc-by": "odby",
    "odc-by-1.0": "odby",
    "odc-pddl": "odcpddl",
    "pddl-1.0": "odcpddl",
    "gpl-3.0": "gpl/3.0",
    "mpl-2.0": "mozilla",
    "apache-2.0": "apache",
    "notspecified": "other-closed",
}
_OLD_LICENSE_BASES = (
    "http://dcat-ap.de/def/licenses/",
    "http://www.dcat-ap.de/def/licenses/",
    "http://www.dcat-ap.de/def/licenses/1_0/",
    "http://dcat-ap.de/def/licenses/1_0/",
)
_BY_LOWER = {key.lower(): key for key in vocab.licenses()}


_CC_PORTED_4 = re.compile(r"(cc-by(?:-sa|-nd|-nc|-nc-sa|-nc-nd)?)-de/4\.0")
"""A "German" Creative Commons 4.0 id (``cc-by-nc-de/4_0``, as Transparenzportal Bremen
writes it): 4.0 has no national ports, so it is the international licence of that name."""


def _license_key(text: str) -> str:
    """Case, scheme, ``www.``, trailing slash, and version spelling (``2_0``) made uniform."""
    lowered = text.strip().lower().rstrip("/")
    lowered = lowered.replace("https://", "http://", 1)
    for base in _OLD_LICENSE_BASES:
        if lowered.startswith(base):
            return re.sub(r"(\d)_(\d)", r"\1.\2", lowered[len(base) :])
    return lowered


def license_of(value: Any) -> str | None:
    """The dcat-ap.de licence id for a short id, an SPDX or CKAN id, or a licence URL in any
    common spelling (http/https, ``www.``, trailing slash, case, old ``…/licenses/1_0/``
    and ``2_0`` versions, GovData's ``/dl-de/by-2-0``); None when the meaning is not clear."""
    text = str(value or "").strip()
    if not text or len(text) > 500:
        return None
    known = vocab.license_id_of(text) or vocab.license_id_of(text.rstrip("/"))
    if known:
        return known
    key = _license_key(text)
    if key in _BY_LOWER:
        return _BY_LOWER[key]
    for alias, license_id in _LICENSE_ALIASES.items():
        if key == alias or key.endswith("/" + alias):
            return license_id
    ported = _CC_PORTED_4.fullmatch(key)
    if ported and f"{ported[1]}/4.0" in _BY_LOWER:
        return _BY_LOWER[f"{ported[1]}/4.0"]
    tail = key.split("opendefinition.org/licenses/", 1)[-1] if "opendefinition.org" in key else ""
    return _BY_LOWER.get(tail)


UNKNOWN_LICENSE = "other-closed"
"""Given to a record whose licence cannot be read and whose source names no default: no
re-use rights are claimed that the source did not grant."""


def resolve_license(given: Any, default: str) -> tuple[str, str]:
    """(licence id, warning): the given licence read, else the source's default, else
    ``other-closed``; the warning quotes what was given when it could not be read."""
    text = str(given or "").strip()
    found = license_of(text)
    if found:
        return found, ""
    fallback = license_of(default) or UNKNOWN_LICENSE
    if not text:
        return fallback, "" if license_of(default) else (
            f"Keine Lizenz angegeben; übernommen als '{fallback}'."
        )
    return fallback, f"Lizenz '{clip(text, 200)}' unbekannt; übernommen als '{fallback}'."


def vocab_code(value: Any, base: str, allowed: dict[str, str]) -> str:
    """The code of a vocabulary URI or literal when it is on the list; else ""."""
    code = vocab.code_of(str(value or ""), base).upper()
    return code if code in allowed else ""


def trimmed_values(values: dict[str, Any]) -> dict[str, Any]:
    """Cut oversize fields to what the catalogue stores."""
    values["title"] = clip(values.get("title"), 500)
    values["description"] = clip(values.get("description"), MAX_DESCRIPTION)
    values["contact_name"] = clip(values.get("contact_name"), 300)
    values["identifier"] = clip(values.get("identifier"), 500)
    values["keywords"] = [clip(k, 100) for k in values.get("keywords", []) if clip(k, 100)][
        :MAX_KEYWORDS
    ]
    return values


def distribution(
    *,
    title: Any = "",
    description: Any = "",
    download_url: Any = "",
    access_url: Any = "",
    format: Any = "",
    media_type: Any = "",
    license_id: str = "",
    byte_size: Any = None,
    checksum: Any = "",
) -> dict[str, Any] | None:
    """A DistributionCreate dict, or None when it has no usable address."""
    download, access = http_url(download_url), http_url(access_url)
    if not (download or access):
        return None
    size: int | None
    try:
        size = int(float(str(byte_size))) if byte_size not in (None, "") else None
    except (ValueError, OverflowError):  # "1e400" is an infinite float
        size = None
    fmt = vocab.code_of(str(format or ""), FILE_TYPE_BASE)
    media = str(media_type or "").strip().removeprefix("https://www.iana.org/assignments/")
    media = media.removeprefix("media-types/")
    digest = str(checksum or "").strip()
    return {
        "title": clip(title, 500),
        "description": clip(description, 10_000),
        "download_url": download,
        "access_url": access or download,
        "format": clip(fmt, 40).upper(),
        "media_type": clip(media, 200),
        "license_id": license_id,
        "byte_size": size if size is not None and size >= 0 else None,
        "checksum": digest if len(digest) <= 64 else "",
    }
