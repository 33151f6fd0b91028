"""Harvest a CKAN Action API the way CKAN-to-CKAN harvesters do: package_search paged and
sorted by id, only packages modified since the last successful run when there was one; the
ids still present are listed separately (``fl=id``) so vanished packages can be withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from domstadt.catalog.ckan.package import CORE_KEYS, EXTRA_FIELDS, RELATION_FIELDS
from domstadt.catalog.harvest import records as r
from domstadt.catalog.harvest.fetch import Fetcher, FetchError

PAGE_ROWS = 100
ID_PAGE_ROWS = 1000


def api_base(url: str) -> str:
    """``…/api/3/action`` of a CKAN site given as site root or as API address."""
    url = url.rstrip("/")
    for suffix in ("/api/3/action", "/api/action", "/api/3", "/api"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
            break
    return url + "/api/3/action"


def _ckan_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _result(payload: Any, url: str) -> dict[str, Any]:
    if not isinstance(payload, dict) or not payload.get("success"):
        message = payload.get("error") if isinstance(payload, dict) else None
        raise FetchError(f"{url}: Die CKAN-API meldet einen Fehler: {message or payload!r:.200}")
    result = payload.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("results"), list):
        raise FetchError(f"{url}: Die Antwort hat nicht die Form von package_search.")
    return result


def _extras(pkg: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in pkg.get("extras") or []:
        if isinstance(item, dict) and item.get("key") in EXTRA_FIELDS:
            out[str(item["key"])] = item.get("value")
    return out


MAX_FREE_EXTRAS = 100


def free_extras(pkg: dict[str, Any]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The package's other extras, kept as text as CKAN keeps them, and warnings for those
    that cannot be stored (no key, a key above 100 or a value above 10,000 characters)."""
    kept: dict[str, str] = {}
    warnings: list[tuple[str, str]] = []
    for item in pkg.get("extras") or []:
        if not isinstance(item, dict):
            continue
        key, value = item.get("key"), item.get("value")
        if key in EXTRA_FIELDS or key in RELATION_FIELDS or key in CORE_KEYS:
            continue
        text = value if isinstance(value, str) else "" if value is None else str(value)
        if not isinstance(key, str) or not 0 < len(key.strip()) <= 100 or len(text) > 10_000:
            warnings.append(("extras", f"Zusatzfeld '{str(key)[:100]}' nicht übernommen."))
        elif len(kept) < MAX_FREE_EXTRAS:
            kept[key] = text
    return kept, warnings


def _names(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(i.get("name", "")) if isinstance(i, dict) else str(i) for i in items]


def to_record(pkg: dict[str, Any], default_license: str) -> r.Record | r.BadRecord:
    """A CKAN package dict as a harvest record."""
    if not isinstance(pkg, dict):
        return r.BadRecord("?", "Paket ist kein JSON-Objekt.")
    guid = str(pkg.get("id") or "").strip()
    if not guid:
        return r.BadRecord(str(pkg.get("name") or "?"), "Paket ohne id.")
    extras = _extras(pkg)
    given = pkg.get("license_id")
    if not r.license_of(given) and r.license_of(pkg.get("license_url")):
        given = pkg.get("license_url")  # an unknown id with a known licence URL
    license_id, license_warning = r.resolve_license(given, default_license)
    values = {
        "name": str(pkg.get("name") or "")[:90],
        "title": pkg.get("title") or pkg.get("name") or guid,
        "description": pkg.get("notes") or "",
        "identifier": extras.get("identifier") or guid,
        "landing_page": r.http_url(pkg.get("url")),
        "contact_name": pkg.get("maintainer") or pkg.get("author") or "",
        "contact_email": r.email_of(pkg.get("maintainer_email") or pkg.get("author_email")),
        "license_id": license_id,
        "keywords": _names(pkg.get("tags")),
        "themes": [n.upper() for n in _names(pkg.get("groups")) if n.upper() in r.vocab.THEMES],
        "political_geocoding_uri": r.http_url(extras.get("political_geocoding_uri")),
        "spatial_uri": r.http_url(extras.get("spatial_uri")),
        "contributor_id": r.http_url(extras.get("contributor_id")),
        "temporal_start": r.parse_date(extras.get("temporal_start")),
        "temporal_end": r.parse_date(extras.get("temporal_end")),
        "frequency": r.vocab_code(
            extras.get("frequency"), r.vocab.FREQUENCY_BASE, r.vocab.FREQUENCIES
        ),
        "issued": r.parse_datetime(extras.get("issued") or pkg.get("metadata_created")),
        "modified": r.parse_datetime(extras.get("modified") or pkg.get("metadata_modified")),
    }
    dists = []
    for res in (pkg.get("resources") or [])[: r.MAX_DISTRIBUTIONS]:
        if not isinstance(res, dict):
            continue
        dist = r.distribution(
            title=res.get("name"),
            description=res.get("description"),
            download_url=res.get("url"),
            format=res.get("format"),
            media_type=res.get("mimetype"),
            license_id=r.license_of(res.get("license_id")) or license_id,
            byte_size=res.get("size"),
            checksum=res.get("hash"),
        )
        if dist:
            dists.append(dist)
    values["extras"], warnings = free_extras(pkg)
    if license_warning:
        warnings.insert(0, ("license_id", license_warning))
    return r.Record(guid, r.trimmed_values(values), dists, warnings)


class CkanHarvester:
    """Records of a CKAN site; incremental when ``since`` is given."""

    def __init__(self, fetcher: Fetcher, url: str, since: dt.datetime | None, license_id: str):
        self.fetcher = fetcher
        self.api = api_base(url)
        self.since = since
        self.license_id = license_id

    def _search(self, start: int, rows: int, **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"q": "*:*", "sort": "id asc", "rows": rows, "start": start}
        if self.since is not None:
            params["fq"] = f"metadata_modified:[{_ckan_time(self.since)} TO *]"
        params.update(extra)
        url = f"{self.api}/package_search"
        return _result(self.fetcher.get_json(url, params), url)

    def records(self) -> Iterator[r.Record | r.BadRecord]:
        """Every (changed) package, page by page."""
        start = 0
        while True:
            result = self._search(start, PAGE_ROWS)
            for pkg in result["results"]:
                yield r.safely(to_record, pkg, self.license_id)
            start += len(result["results"])
            if not result["results"] or start >= int(result.get("count") or 0):
                return

    def present_guids(self, seen: set[str]) -> set[str]:
        """All package ids at the source (a full run has seen them all already)."""
        if self.since is None:
            return seen
        saved, self.since = self.since, None
        try:
            ids: set[str] = set()
            start = 0
            while True:
                result = self._search(start, ID_PAGE_ROWS, fl="id")
                ids.update(str(p.get("id")) for p in result["results"] if isinstance(p, dict))
                start += len(result["results"])
                if not result["results"] or start >= int(result.get("count") or 0):
                    return ids
        finally:
            self.since = saved
