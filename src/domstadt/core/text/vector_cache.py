"""In-process cache of stored vectors per database and model, refreshed only when rows changed.

Each query first reads (count, max id, sum of ids, max updated) of the model's rows from an
index. A changed text gets a new row, so any insert, delete or replacement by any process alters
that fingerprint; the refresh then fetches only rows whose (id, updated) the cache lacks.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.orm import Session

from domstadt.core.text.lexical import LexicalMatrix, Signature, signature_from_bytes

Fingerprint = tuple[int, int, int, str]
Stamp = tuple[int, str]
"""(row id, updated as the database renders it): identifies one version of one row."""

_FETCH_CHUNK = 500


@dataclass(frozen=True)
class Snapshot:
    """The committed rows of one model, as arrays aligned by position."""

    fingerprint: Fingerprint
    stamps: tuple[Stamp, ...]
    row_ids: npt.NDArray[np.int64]
    kinds: npt.NDArray[np.int32]
    kind_names: tuple[str, ...]
    entity_ids: npt.NDArray[np.int64]
    matrix: npt.NDArray[np.float32]
    signatures: tuple[Signature, ...]
    lexical: LexicalMatrix

    def __len__(self) -> int:
        return len(self.stamps)

    def kind_name(self, position: int) -> str:
        """The kind string of the row at ``position``."""
        return self.kind_names[int(self.kinds[position])]

    def kind_mask(self, kinds: Collection[str]) -> npt.NDArray[np.bool_]:
        """True for the rows whose kind is one of ``kinds``."""
        wanted = set(kinds)
        codes = [code for code, name in enumerate(self.kind_names) if name in wanted]
        return np.isin(self.kinds, np.array(codes, dtype=np.int32))


@dataclass(frozen=True)
class _Row:
    stamp: Stamp
    kind: str
    entity_id: int
    vector: npt.NDArray[np.float32]
    signature: Signature


def _build(fingerprint: Fingerprint, rows: Sequence[_Row], dim: int) -> Snapshot:
    codes: dict[str, int] = {}
    kinds = [codes.setdefault(row.kind, len(codes)) for row in rows]
    matrix = (
        np.ascontiguousarray(np.vstack([row.vector for row in rows]), dtype=np.float32)
        if rows
        else np.zeros((0, dim), dtype=np.float32)
    )
    signatures = tuple(row.signature for row in rows)
    return Snapshot(
        fingerprint=fingerprint,
        stamps=tuple(row.stamp for row in rows),
        row_ids=np.array([row.stamp[0] for row in rows], dtype=np.int64),
        kinds=np.array(kinds, dtype=np.int32),
        kind_names=tuple(codes),
        entity_ids=np.array([row.entity_id for row in rows], dtype=np.int64),
        matrix=matrix.reshape(len(rows), dim),
        signatures=signatures,
        lexical=LexicalMatrix(signatures),
    )


def _rows_of(snapshot: Snapshot) -> dict[Stamp, _Row]:
    return {
        stamp: _Row(
            stamp,
            snapshot.kind_name(position),
            int(snapshot.entity_ids[position]),
            snapshot.matrix[position],
            snapshot.signatures[position],
        )
        for position, stamp in enumerate(snapshot.stamps)
    }


def _fingerprint(conn: Connection, model: str) -> Fingerprint:
    row = conn.execute(
        text(
            "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0), max(updated) "
            "FROM text_embedding WHERE model = :model"
        ),
        {"model": model},
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), str(row[3])


def _current_stamps(conn: Connection, model: str) -> list[Stamp]:
    result = conn.execute(
        text("SELECT id, updated FROM text_embedding WHERE model = :model ORDER BY id"),
        {"model": model},
    )
    return [(int(row_id), str(updated)) for row_id, updated in result]


def _fetch(conn: Connection, stamps: Sequence[Stamp], dim: int) -> dict[int, _Row]:
    """Rows by id; a row replaced since its stamp was read comes back with its new stamp."""
    statement = text(
        "SELECT id, updated, kind, entity_id, vector, lexical FROM text_embedding WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows: dict[int, _Row] = {}
    for start in range(0, len(stamps), _FETCH_CHUNK):
        ids = [row_id for row_id, _ in stamps[start : start + _FETCH_CHUNK]]
        for row_id, updated, kind, entity_id, vector, lexical in conn.execute(
            statement, {"ids": ids}
        ):
            rows[int(row_id)] = _Row(
                (int(row_id), str(updated)),
                str(kind),
                int(entity_id),
                np.frombuffer(bytes(vector), dtype="<f4").astype(np.float32).reshape(dim),
                signature_from_bytes(bytes(lexical)),
            )
    return rows


def _refresh(conn: Connection, old: Snapshot, fingerprint: Fingerprint, model: str) -> Snapshot:
    """A snapshot equal to the database: rows with a known stamp kept, the others fetched."""
    dim = old.matrix.shape[1]
    known = _rows_of(old)
    current = _current_stamps(conn, model)
    fetched = _fetch(conn, [stamp for stamp in current if stamp not in known], dim)
    rows = [known.get(stamp) or fetched.get(stamp[0]) for stamp in current]
    return _build(fingerprint, [row for row in rows if row is not None], dim)


class ModelCache:
    """The snapshot of one model in one database, guarded for use from several threads."""

    def __init__(self, model: str, dim: int) -> None:
        self.model = model
        self.dim = dim
        self._snapshot = _build((0, 0, 0, "None"), [], dim)
        self._lock = threading.Lock()

    def snapshot(self, conn: Connection) -> Snapshot:
        """The current snapshot, refreshed first when the table changed since the last one."""
        fingerprint = _fingerprint(conn, self.model)
        with self._lock:
            if self._snapshot.fingerprint != fingerprint:
                self._snapshot = _refresh(conn, self._snapshot, fingerprint, self.model)
            return self._snapshot


_caches: weakref.WeakKeyDictionary[Engine, dict[str, ModelCache]] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_for(engine: Engine, model: str, dim: int) -> ModelCache:
    with _caches_lock:
        per_engine = _caches.setdefault(engine, {})
        cache = per_engine.get(model)
        if cache is None or cache.dim != dim:
            cache = per_engine[model] = ModelCache(model, dim)
        return cache


def load_snapshot(session: Session, model: str, dim: int) -> Snapshot:
    """The committed rows of ``model`` as arrays (the session's own pending rows are not seen).

    Reading through a separate connection keeps rows that are later rolled back out of the
    shared cache; a session bound to a bare connection is read through that connection.
    """
    bind = session.get_bind()
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return _cache_for(bind, model, dim).snapshot(conn)
    return _cache_for(bind.engine, model, dim).snapshot(session.connection())
