"""Errors of backups and restores, each with a message an operator can act on."""

from __future__ import annotations

import sqlite3

from domstadt.core.errors import DomainError, Invalid
from domstadt.core.errors import is_disk_full as _is_disk_full


class BackupFailed(DomainError):
    """Writing or restoring a backup failed; nothing half-written was left behind."""

    status_code = 500
    code = "backup_failed"


class ArchiveInvalid(Invalid):
    """The archive is damaged, incomplete, not a Domstadt backup, or unsafe to unpack."""

    code = "archive_invalid"


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` says the disk (or the file size limit, or the quota) is exhausted."""
    if _is_disk_full(exc):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "disk is full" in text or "disk i/o error" in text
    return False


def disk_full(where: str) -> BackupFailed:
    """The error for an exhausted disk while writing ``where``."""
    return BackupFailed(
        f"Kein Speicherplatz mehr beim Schreiben nach {where} (Datenträger voll oder "
        "Dateigrößen-Grenze erreicht). Es blieb keine unvollständige Datei zurück. "
        "Schaffen Sie Platz oder wählen Sie mit --to ein anderes Verzeichnis."
    )
