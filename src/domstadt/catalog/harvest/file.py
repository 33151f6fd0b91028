"""Harvest a plain file URL: one dataset with the file as its distribution; the file's
SHA-256 is its checksum, so a changed file updates the dataset."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from domstadt.catalog import vocab
from domstadt.catalog.harvest import records as r
from domstadt.catalog.harvest.fetch import Fetcher, FetchError

BY_MEDIA = {media: fmt for fmt, media in vocab.MEDIA_TYPES.items()}


class FileHarvester:
    """The file behind one URL."""

    def __init__(self, fetcher: Fetcher, url: str, license_id: str, title: str):
        self.fetcher = fetcher
        self.url = url
        self.license_id = license_id
        self.title = title

    def records(self) -> Iterator[r.Record | r.BadRecord]:
        """One record, or a failed job when the file cannot be fetched."""
        answer = self.fetcher.get(self.url)
        if not answer.content:
            raise FetchError(f"{self.url}: Die Datei ist leer.")
        license_id = r.license_of(self.license_id)
        if license_id is None:
            yield r.BadRecord(self.url, "Für eine Datei-Quelle muss eine Lizenz angegeben sein.")
            return
        filename = unquote(PurePosixPath(urlparse(self.url).path).name) or "datei"
        suffix = PurePosixPath(filename).suffix.lstrip(".").upper()
        fmt = BY_MEDIA.get(answer.content_type) or suffix
        dist = r.distribution(
            title=filename,
            download_url=self.url,
            format=fmt,
            media_type=answer.content_type or vocab.MEDIA_TYPES.get(fmt, ""),
            license_id=license_id,
            byte_size=len(answer.content),
            checksum=hashlib.sha256(answer.content).hexdigest(),
        )
        values = {
            "title": self.title or filename,
            "description": f"Datei aus {self.url}",
            "identifier": self.url,
            "license_id": license_id,
            "keywords": [],
        }
        yield r.Record(self.url, r.trimmed_values(values), [dist] if dist else [])

    def present_guids(self, seen: set[str]) -> set[str]:
        """The one file is either there or the job failed."""
        return seen
