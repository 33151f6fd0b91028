"""Attachment checks: only PDF, PNG and JPEG, up to a size limit, and the content's magic
bytes must match the type the file name claims."""

from __future__ import annotations

from pathlib import PurePosixPath

from domstadt.core.errors import Invalid

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
"""Largest attachment accepted (10 MiB)."""

TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def safe_name(filename: str) -> str:
    """The base name of an uploaded file, without folders, at most 200 characters."""
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()
    if not name or name.startswith("."):
        raise Invalid("Die Datei braucht einen Namen, z. B. konzept.pdf.", field="file")
    return name[-200:]


def checked_type(filename: str, content: bytes) -> str:
    """The media type of an attachment, after checking size, extension and content."""
    name = safe_name(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in TYPES:
        raise Invalid(
            f"{name}: erlaubt sind nur PDF, PNG und JPEG (.pdf, .png, .jpg).", field="file"
        )
    if not content:
        raise Invalid(f"{name} ist leer.", field="file")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise Invalid(
            f"{name} ist größer als {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB.", field="file"
        )
    media_type, magics = TYPES[suffix]
    if not content.startswith(magics):
        raise Invalid(
            f"{name} ist keine {suffix[1:].upper()}-Datei: der Inhalt passt nicht zur Endung.",
            field="file",
        )
    return media_type
