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
        return BadRecord(guid[:500], f"Unlesbar: {type(exc).__name__}: {exc}"[:500])
    return result


_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_datetime(value: Any) -> dt.datetime | None:
    """ISO date or date-time (naive means UTC), or German ``TT.MM.JJJJ``; else None."""
    text = str(value or "").strip()
    if not text:
        return None
    german = _GERMAN_DATE.match(text)
    if german:
        day, month, year = (int(g) for g in german.groups())
        text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not 1900 <= parsed.year <= 2200:
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
    "dl-de-by-2.0": "dl-by-de/2.0",
    "dl-de/by-2-0": "dl-by-de/2.0",
    "dl-de-zero-2.0": "dl-zero-de/2.0",
    "dl-de/zero-2-0": "dl-zero-de/2.0",
    "cc-by-4.0": "cc-by/4.0",
    "licenses/by/4.0": "cc-by/4.0",
    "publicdomain/zero/1.0": "cc-zero",
    "cc0-1.0": "cc-zero",
    "odc-odbl": "odbl",
    "odc-by": "odby",
    "odc-pddl": "odcpddl",
    "licenses/by-sa/4.0": "cc-by-sa/4.0",
}


def license_of(value: Any) -> str | None:
    """The dcat-ap.de licence id for a short id or a licence URL of a common spelling."""
    text = str(value or "").strip()
    if not text:
        return None
    known = vocab.license_id_of(text) or vocab.license_id_of(text.rstrip("/"))
    if known:
        return known
    lowered = text.lower().rstrip("/")
    for alias, license_id in _LICENSE_ALIASES.items():
        if lowered.endswith(alias):
            return license_id
    return None


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
