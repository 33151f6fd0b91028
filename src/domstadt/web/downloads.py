"""Serving stored files (uploads, harvested and normalised files, exports) so that they can
never run as a page or script of our origin, whatever their content or declared type.

Every file response is an attachment, carries ``X-Content-Type-Options: nosniff`` and a
sandboxing Content-Security-Policy, and has an inert media type: types a browser would run
or render as a document (JavaScript, HTML, XHTML, SVG, XML, CSS, …) become
``application/octet-stream``. The stored metadata keeps what the publisher declared.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse

SANDBOX_POLICY = "default-src 'none'; sandbox"
"""CSP of file responses: no sub-resources, no script, an opaque origin if ever rendered."""

FALLBACK_MEDIA_TYPE = "application/octet-stream"

INERT_MEDIA_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "text/tab-separated-values",
        "application/json",
        "application/geo+json",
        "application/ld+json",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/vnd.apache.parquet",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/tiff",
    }
)
"""Media types served as declared: with nosniff, browsers neither run nor render them as a
document of our origin. Anything else (and anything unknown) is served as octet-stream."""

_NOT_QUOTABLE = re.compile(r"[^A-Za-z0-9!#$&+.^_`|~ -]")


def served_media_type(declared: str | None) -> str:
    """The media type a stored file is served with: the declared one if inert, else
    ``application/octet-stream`` (parameters such as ``charset`` are dropped)."""
    essence = (declared or "").split(";", 1)[0].strip().lower()
    return essence if essence in INERT_MEDIA_TYPES else FALLBACK_MEDIA_TYPE


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact name as RFC 6266 ``filename*``."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "download"
    fallback = _NOT_QUOTABLE.sub("_", name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_headers(filename: str) -> dict[str, str]:
    """Headers every file response carries: attachment, no sniffing, sandboxed."""
    return {
        "content-disposition": content_disposition(filename),
        "x-content-type-options": "nosniff",
        "content-security-policy": SANDBOX_POLICY,
    }


def file_download(path: Path, *, declared_type: str | None, filename: str) -> FileResponse:
    """A stored file as a download that cannot run as script or page of our origin."""
    return FileResponse(
        path, media_type=served_media_type(declared_type), headers=download_headers(filename)
    )
