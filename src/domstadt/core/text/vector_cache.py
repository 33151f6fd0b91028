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


def _empty(dim: int) -> Snapshot:
    return Snapshot(
        fingerprint=(0, 0, 0, "None"),
        stamps=(),
        row_ids=np.zeros(0, dtype=np.int64),
        kinds=np.zeros(0, dtype=np.int32),
        kind_names=(),
        entity_ids=np.zeros(0, dtype=np.int64),
        matrix=np.zeros((0, dim), dtype=np.float32),
        signatures=(),
        lexical=LexicalMatrix([]),
    )


def _merge(
    old: Snapshot, current: Sequence[Stamp], fetched: dict[int, _Row], fingerprint: Fingerprint
) -> Snapshot:
    """Rows of ``current`` in order: known ones copied from ``old`` as arrays, others fetched.

    A current row that vanished before it could be fetched is left out.
    """
    index = {stamp: position for position, stamp in enumerate(old.stamps)}
    source = np.fromiter((index.get(s, -1) for s in current), dtype=np.int64, count=len(current))
    present = (source >= 0) | np.fromiter(
        (s[0] in fetched for s in current), dtype=bool, count=len(current)
    )
    source, stamps = source[present], [s for s, p in zip(current, present, strict=True) if p]
    kept, new = source >= 0, np.flatnonzero(source < 0)
    names = {name: code for code, name in enumerate(old.kind_names)}
    rows = [fetched[stamps[i][0]] for i in new]
    dim = old.matrix.shape[1]
    matrix = np.empty((len(stamps), dim), dtype=np.float32)
    matrix[kept] = old.matrix[source[kept]]
    kinds = np.empty(len(stamps), dtype=np.int32)
    kinds[kept] = old.kinds[source[kept]]
    entity_ids = np.empty(len(stamps), dtype=np.int64)
    entity_ids[kept] = old.entity_ids[source[kept]]
    placeholder = np.zeros(0, dtype=np.uint32)
    signatures = [old.signatures[i] if i >= 0 else placeholder for i in source.tolist()]
    for position, row in zip(new.tolist(), rows, strict=True):
        matrix[position] = row.vector
        kinds[position] = names.setdefault(row.kind, len(names))
        entity_ids[position] = row.entity_id
        signatures[position] = row.signature
    return Snapshot(
        fingerprint=fingerprint,
        stamps=tuple(stamps),
        row_ids=np.array([s[0] for s in stamps], dtype=np.int64),
        kinds=kinds,
        kind_names=tuple(names),
        entity_ids=entity_ids,
        matrix=matrix,
        signatures=tuple(signatures),
        lexical=LexicalMatrix(signatures),
    )


def _fingerprint(conn: Connection, model: str) -> Fingerprint:
    row = conn.execute(
        text(
            "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0), "
            "CAST(max(updated) AS VARCHAR(64)) FROM text_embedding WHERE model = :model"
        ),
        {"model": model},
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), str(row[3])


def _current_stamps(conn: Connection, model: str) -> list[Stamp]:
    rows = conn.execute(
        text(
            "SELECT id, CAST(updated AS VARCHAR(64)) FROM text_embedding "
            "WHERE model = :model ORDER BY id"
        ),
        {"model": model},
    ).all()
    return [(int(row_id), str(updated)) for row_id, updated in rows]


def _fetch(conn: Connection, stamps: Sequence[Stamp], dim: int) -> dict[int, _Row]:
    """The rows of ``stamps`` by id (rows deleted meanwhile are absent)."""
    statement = text(
        "SELECT id, CAST(updated AS VARCHAR(64)), kind, entity_id, vector, lexical "
        "FROM text_embedding WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows: dict[int, _Row] = {}
    for start in range(0, len(stamps), _FETCH_CHUNK):
        ids = [row_id for row_id, _ in stamps[start : start + _FETCH_CHUNK]]
        for row_id, updated, kind, entity_id, vector, lexical in conn.execute(
            statement, {"ids": ids}
        ).all():
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
    known = set(old.stamps)
    current = _current_stamps(conn, model)
    missing = [stamp for stamp in current if stamp not in known]
    return _merge(old, current, _fetch(conn, missing, old.matrix.shape[1]), fingerprint)


class ModelCache:
    """The snapshot of one model in one database, guarded for use from several threads."""

    def __init__(self, model: str, dim: int) -> None:
        self.model = model
        self.dim = dim
        self._snapshot = _empty(dim)
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
