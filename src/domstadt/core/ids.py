"""The range of ids (no SQLAlchemy here, so schemas and routes may use it).

Every id and every column naming one is 64 bits: ``BIGINT`` on PostgreSQL, SQLite's own
``INTEGER PRIMARY KEY`` (the 64-bit rowid) on SQLite; see :data:`domstadt.core.db.IdType`.
"""

from __future__ import annotations

ID_MAX = 2**63 - 1
"""The largest id either database can hold (signed 64 bits)."""
ID_RANGE = range(-(2**63), 2**63)
"""Every value an id column can hold. A number outside names no row: answer it like an unknown
id (404, or the row or link refused), never send it to the database, which cannot bind it."""


def storable_id(key: int) -> bool:
    """Whether ``key`` can be the id of a stored row (see :data:`ID_RANGE`)."""
    return key in ID_RANGE
