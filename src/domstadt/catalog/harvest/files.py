"""Harvested files: tabular (CSV, XLSX) and GeoJSON distributions with an http(s) download
address are fetched (request time limit, size cap) and normalised and scanned by the privacy
gate exactly like uploads. A download or parse failure becomes a warning on the distribution
(in its provenance) and in the job report; it never stops the job."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from domstadt.catalog import distribution_service
from domstadt.catalog.harvest.fetch import Fetcher, FetchError, JobTimeout
from domstadt.catalog.models import Dataset, Distribution
from domstadt.core.db import utcnow

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MEDIA_FORMATS = {
    "text/csv": "CSV",
    "application/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/geo+json": "GEOJSON",
    "application/vnd.geo+json": "GEOJSON",
}
FORMATS = distribution_service.TABULAR | distribution_service.GEO


@dataclass
class FileOptions:
    """Where normalised copies go and how big a harvested file may be."""

    data_dir: Path
    max_bytes: int = DEFAULT_MAX_BYTES


def wanted(dist: Distribution) -> bool:
    """A tabular or GeoJSON distribution with an http(s) download address (the format is
    taken from the media type when the source named none)."""
    if not dist.format:
        dist.format = MEDIA_FORMATS.get(dist.media_type.lower(), "")
    return dist.format in FORMATS and dist.download_url.startswith(("http://", "https://"))


def process(
    session: Session, ds: Dataset, fetcher: Fetcher, options: FileOptions
) -> list[dict[str, str]]:
    """Fetch, normalise and scan the dataset's files; returns the warnings (url, reason)."""
    warnings: list[dict[str, str]] = []
    for dist in [d for d in ds.distributions if d.derived_from_id is None]:
        if not wanted(dist):
            continue
        reason = _one(session, ds, dist, fetcher, options)
        if reason:
            dist.provenance = {"source_url": dist.download_url, "warning": reason}
            warnings.append({"url": dist.download_url[:500], "reason": reason})
    session.flush()
    return warnings


def _one(
    session: Session, ds: Dataset, dist: Distribution, fetcher: Fetcher, options: FileOptions
) -> str:
    try:
        answer = fetcher.get(dist.download_url, max_bytes=options.max_bytes)
    except JobTimeout:
        raise
    except FetchError as exc:
        return f"Datei nicht geladen: {exc}"
    try:
        with session.begin_nested():
            distribution_service.normalise_fetched(
                session, ds, dist, answer.content, options.data_dir
            )
    except Exception as exc:  # a file that is not what its format says is only a warning
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return f"Datei nicht normalisierbar: {message}"[:1000]
    dist.provenance = {
        **(dist.provenance or {}),
        "source_url": dist.download_url,
        "etag": answer.etag,
        "last_modified": answer.last_modified,
        "fetched_at": utcnow().isoformat(),
    }
    return ""
