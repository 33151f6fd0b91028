"""Harvest DKAN portals (Cologne's open-data portal runs DKAN) through their Project Open Data
catalogue ``/data.json`` (POD 1.1: ``dataset`` list with ``distribution``s)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domstadt.catalog import vocab
from domstadt.catalog.harvest import records as r
from domstadt.catalog.harvest.fetch import Fetcher, FetchError

PERIODS = {
    "R/P1D": "DAILY",
    "R/P1W": "WEEKLY",
    "R/P1M": "MONTHLY",
    "R/P3M": "QUARTERLY",
    "R/P1Y": "ANNUAL",
    "R/PT1S": "CONT",
    "irregular": "IRREG",
}
ACCESS = {"public": "PUBLIC", "restricted public": "RESTRICTED", "non-public": "NON_PUBLIC"}


def catalog_url(url: str) -> str:
    """The data.json address of a portal given by its root or by the file itself."""
    return url if url.rstrip("/").endswith(".json") else url.rstrip("/") + "/data.json"


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _temporal(value: Any) -> tuple[Any, Any]:
    start, _, end = str(value or "").partition("/")
    return r.parse_date(start), r.parse_date(end)


def _distributions(item: dict[str, Any], license_id: str) -> list[dict[str, Any]]:
    out = []
    for dist in _list(item.get("distribution"))[: r.MAX_DISTRIBUTIONS]:
        if not isinstance(dist, dict):
            continue
        made = r.distribution(
            title=dist.get("title"),
            description=dist.get("description"),
            download_url=dist.get("downloadURL"),
            access_url=dist.get("accessURL"),
            format=dist.get("format"),
            media_type=dist.get("mediaType"),
            license_id=license_id,
        )
        if made:
            out.append(made)
    return out


def to_record(item: Any, default_license: str) -> r.Record | r.BadRecord:
    """One POD dataset object as a harvest record."""
    if not isinstance(item, dict):
        return r.BadRecord("?", "Eintrag ist kein JSON-Objekt.")
    guid = r.clip(item.get("identifier"), 500)
    if not guid:
        return r.BadRecord(r.clip(item.get("title"), 200) or "?", "Datensatz ohne identifier.")
    license_id, license_warning = r.resolve_license(item.get("license"), default_license)
    contact: dict[str, Any] = item.get("contactPoint") or {}
    if not isinstance(contact, dict):
        contact = {}
    start, end = _temporal(item.get("temporal"))
    access = ACCESS.get(str(item.get("accessLevel") or "public").lower(), "PUBLIC")
    values = {
        "title": item.get("title") or guid,
        "description": item.get("description") or "",
        "identifier": guid,
        "landing_page": r.http_url(item.get("landingPage")),
        "contact_name": contact.get("fn") or "",
        "contact_email": r.email_of(contact.get("hasEmail")),
        "license_id": license_id,
        "keywords": [str(k) for k in _list(item.get("keyword"))],
        "themes": sorted(
            {
                c
                for t in _list(item.get("theme"))
                if (c := r.vocab_code(t, vocab.THEME_BASE, vocab.THEMES))
            }
        ),
        "spatial_uri": r.http_url(item.get("spatial")),
        "temporal_start": start,
        "temporal_end": end,
        "frequency": PERIODS.get(str(item.get("accrualPeriodicity") or ""), ""),
        "access_rights": access,
        "restriction_reason": "" if access == "PUBLIC" else "third_party_rights",
        "issued": r.parse_datetime(item.get("issued")),
        "modified": r.parse_datetime(item.get("modified")),
    }
    warnings = [("license", license_warning)] if license_warning else []
    return r.Record(guid, r.trimmed_values(values), _distributions(item, license_id), warnings)


class DataJsonHarvester:
    """Every dataset of a data.json catalogue."""

    def __init__(self, fetcher: Fetcher, url: str, license_id: str):
        self.fetcher = fetcher
        self.url = catalog_url(url)
        self.license_id = license_id

    def records(self) -> Iterator[r.Record | r.BadRecord]:
        """The whole catalogue in one document."""
        payload = self.fetcher.get_json(self.url)
        items = payload.get("dataset") if isinstance(payload, dict) else None
        if not isinstance(items, list):
            raise FetchError(f"{self.url}: kein data.json-Katalog (Liste 'dataset' fehlt).")
        for item in items:
            yield r.safely(to_record, item, self.license_id)

    def present_guids(self, seen: set[str]) -> set[str]:
        """data.json is read whole on every run."""
        return seen
