"""The bounds of DataStore queries, read from the settings (``DOMSTADT_DATASTORE_*``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domstadt.core.config import Settings, get_settings

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Memory, threads, time, rows and bytes one query may use, and how many SQL queries
    may run at once."""

    memory_mb: int = 512
    threads: int = 1
    seconds: float = 5.0
    max_rows: int = 10_000
    max_result_mb: int = 16
    sql_processes: int = 2
    retry_after: int = 5

    @classmethod
    def of(cls, settings: Settings | None = None) -> Limits:
        """The limits configured in ``settings`` (default: the process's settings)."""
        s = settings or get_settings()
        return cls(
            memory_mb=s.datastore_memory_limit_mb,
            threads=s.datastore_threads,
            seconds=s.datastore_time_limit_seconds,
            max_rows=s.datastore_max_rows,
            max_result_mb=s.datastore_max_result_mb,
            sql_processes=s.datastore_sql_processes,
            retry_after=s.retry_after_seconds,
        )

    @property
    def max_result_bytes(self) -> int:
        """The answer size limit in bytes."""
        return self.max_result_mb * MB

    def duckdb_config(self) -> dict[str, Any]:
        """DuckDB settings of a connection: memory and threads bounded, no spilling to disk
        (a query that needs more memory fails with a clear error instead of filling it)."""
        return {
            "memory_limit": f"{self.memory_mb}MB",
            "threads": self.threads,
            "temp_directory": "",
        }


def value_size(value: Any) -> int:
    """Approximate size of one result value in an answer (text and bytes by length)."""
    if isinstance(value, str | bytes | bytearray):
        return len(value) + 2
    if isinstance(value, dict):
        return sum(len(str(k)) + value_size(v) for k, v in value.items()) + 2
    if isinstance(value, list | tuple):
        return sum(value_size(v) for v in value) + 2
    return 16
