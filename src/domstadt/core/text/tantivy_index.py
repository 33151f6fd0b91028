"""Full-text matching of one kind of search document in a tantivy index kept in memory by each
process, fed from the database (issue 15: the catalogue's text search at 1,000,000 datasets).

The database stays the source of truth: ``search_document`` holds the title and body of every
document, and migration 0050's triggers add a row to ``search_change`` for every document
written or removed, in the writing transaction. Each process builds its index of a kind from
``search_document`` on first use and, before every search, applies what was committed since
(:func:`_catch_up`), so a search sees every committed write (read-your-writes after commit).
The index is read and fed through a connection of its own: uncommitted writes of the caller's
session never enter it.

Matching follows :mod:`domstadt.core.text.search` (the FTS5 rules): the query's words
(``normalize.query_terms``) with their respellings (ß/ss, ae/ä …), all words or, when no
document has all, any; a word of three or more characters, and the last from two, also
matches as a prefix. Text is cut into letters and digits, lower-cased and folded to ASCII
(ä → a, ß → ss), as FTS5's ``remove_diacritics``. Scores are tantivy's BM25 with the title
counted four times (FTS5's ``bm25(search_fts, 4.0, 1.0)``); a word found only as a prefix adds
a small constant, so whole-word matches rank first.

Why: FTS5's ``bm25()`` and PostgreSQL's GIN match with its heap visits took 120–270 ms for a
common word among 1,000,000 datasets; tantivy returns every match with its score in 25–30 ms
(docs/benchmarks.md). Cost: memory per process (~110 MB per 1,000,000 documents; word
frequencies, no positions: no phrase queries) and a build on first use (~11 s at 1,000,000).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tantivy
from sqlalchemy import BigInteger, Engine, Float, Subquery, select, text
from sqlalchemy.orm import Session

from domstadt.core.db import make_engine
from domstadt.core.text.models import SearchDocument
from domstadt.core.text.normalize import query_terms, spelling_variants
from domstadt.core.text.search import MIN_PREFIX_LENGTH

TITLE_BOOST = 4.0
"""The title's weight against the body's (FTS5's ``bm25(search_fts, 4.0, 1.0)``)."""

PREFIX_SCORE = 0.01
"""What a word matched only as a prefix adds to a score (whole words score by BM25)."""

MAX_INDEXES = 8
"""Indexes kept per process (one per database and kind); the least recently used goes first."""

WRITER_HEAP = 50_000_000
"""Bytes the index writer may buffer before it writes a segment (tantivy's floor is 15 MB)."""

REBUILD_AFTER_SECONDS = 12 * 3600
"""An index not brought up to date for this long is built again: ``search_change`` rows older
than :data:`PRUNE_AFTER_SECONDS` may be gone."""

REBUILD_ABOVE = 50_000
"""More changed documents than this since the last search are read by building the index
again (reading every document in one pass) instead of replacing them one by one."""

PRUNE_AFTER_SECONDS = 24 * 3600
"""``search_change`` rows older than this are removed by :func:`prune`."""

_TOKENIZER = "folded"
_BATCH = 500


def _analyzer() -> Any:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(256))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=False, indexed=True, fast=True)
    builder.add_text_field("title", stored=False, tokenizer_name=_TOKENIZER, index_option="freq")
    builder.add_text_field("body", stored=False, tokenizer_name=_TOKENIZER, index_option="freq")
    return builder.build()


@dataclass
class _Index:
    """One kind's documents of one database, and how far the database's changes are applied.

    ``floor``: on SQLite the highest ``search_change`` id applied (ids rise in commit order);
    on PostgreSQL the oldest transaction that was still running at the last read
    (``pg_snapshot_xmin``): changes from there on are read again, those in ``applied`` (id)
    skipped. ``mark``: (id, xid) of the newest change seen; when it is gone, the log was
    pruned past us or the database replaced (a restore, a test emptying it), and the index is
    built again."""

    kind: str
    index: Any
    schema: Any
    analyzer: Any
    floor: int = 0
    applied: set[int] = field(default_factory=set)
    mark: tuple[int, int | None] | None = None
    refreshed: float = field(default_factory=time.monotonic)


_indexes: dict[tuple[str, str], _Index] = {}
_readers: dict[str, Engine] = {}
"""Per database: the engine the indexes are fed through (:func:`_reader`)."""
_lock = threading.Lock()
"""Guards ``_indexes`` and every change of an index (one writer per index and process)."""


def _engine(session: Session) -> Engine:
    return session.get_bind().engine


def _is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _floor_now(conn: Any, postgresql: bool) -> int:
    """Where the next read of ``search_change`` starts, read before the documents are."""
    if postgresql:
        return int(
            conn.execute(
                text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            ).scalar_one()
        )
    return int(conn.execute(text("SELECT coalesce(max(id), 0) FROM search_change")).scalar_one())


def _newest_mark(conn: Any) -> tuple[int, int | None] | None:
    row = conn.execute(text("SELECT id, xid FROM search_change ORDER BY id DESC LIMIT 1")).first()
    return (int(row[0]), row[1]) if row else None


def _documents(conn: Any, kind: str, ids: Iterable[int] | None) -> Iterator[tuple[int, str, str]]:
    """(entity id, title, body) of the kind's documents, all or those of ``ids``."""
    stmt = select(SearchDocument.entity_id, SearchDocument.title, SearchDocument.body).where(
        SearchDocument.kind == kind
    )
    if ids is None:
        yield from conn.execution_options(yield_per=5000).execute(stmt)
        return
    wanted = list(ids)
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        yield from conn.execute(stmt.where(SearchDocument.entity_id.in_(chunk)))


def _add(writer: Any, rows: Iterable[tuple[int, str, str]]) -> None:
    for entity_id, title, body in rows:
        writer.add_document(tantivy.Document(id=int(entity_id), title=title or "", body=body or ""))


def _build(engine: Engine, kind: str) -> _Index:
    """A new index of every document of ``kind``, and where its changes start."""
    schema, analyzer = _schema(), _analyzer()
    index = tantivy.Index(schema)
    index.register_tokenizer(_TOKENIZER, analyzer)
    postgresql = _is_postgresql(engine)
    with engine.connect() as conn:
        floor = _floor_now(conn, postgresql)
        mark = _newest_mark(conn)
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        _add(writer, _documents(conn, kind, None))
        writer.commit()
        writer.wait_merging_threads()
    index.reload()
    # on PostgreSQL every change from ``floor`` on is read once more: applying it again is
    # harmless (a document is replaced by its current row)
    return _Index(kind=kind, index=index, schema=schema, analyzer=analyzer, floor=floor, mark=mark)


_Change = tuple[int, str, int, int | None]
"""A ``search_change`` row: id, kind, entity id, xid."""


def _changes(conn: Any, state: _Index, postgresql: bool) -> tuple[list[_Change], int]:
    """The change rows after ``state.floor`` and the next floor."""
    if postgresql:
        row = conn.execute(
            text(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                "(SELECT json_agg(json_build_array(id, kind, entity_id, xid)) "
                "FROM search_change WHERE xid >= :floor)"
            ),
            {"floor": state.floor},
        ).one()
        rows = [tuple(r) for r in (row[1] or [])]
        return rows, int(row[0])
    found = conn.execute(
        text("SELECT id, kind, entity_id, xid FROM search_change WHERE id > :floor ORDER BY id"),
        {"floor": state.floor},
    ).all()
    rows = [tuple(r) for r in found]
    return rows, max([state.floor, *(int(r[0]) for r in rows)])


def _still_there(conn: Any, mark: tuple[int, int | None] | None) -> bool:
    if mark is None:
        return True
    sql = text("SELECT xid FROM search_change WHERE id = :id")
    row = conn.execute(sql, {"id": mark[0]}).first()
    return row is not None and row[0] == mark[1]


def _apply(state: _Index, conn: Any, entity_ids: set[int]) -> None:
    """Replace the documents of ``entity_ids`` by their current rows (or drop them)."""
    writer = state.index.writer(heap_size=WRITER_HEAP, num_threads=1)
    for entity_id in entity_ids:
        writer.delete_documents_by_term("id", int(entity_id))
    _add(writer, _documents(conn, state.kind, sorted(entity_ids)))
    writer.commit()
    writer.wait_merging_threads()
    state.index.reload()


def _catch_up(engine: Engine, state: _Index) -> _Index | None:
    """Apply what was committed since ``state`` was last brought up to date; None when the
    index must be built again (the log does not reach back to it)."""
    postgresql = _is_postgresql(engine)
    if time.monotonic() - state.refreshed > REBUILD_AFTER_SECONDS:
        return None
    with engine.connect() as conn:
        if not _still_there(conn, state.mark):
            return None
        rows, floor = _changes(conn, state, postgresql)
        fresh = [r for r in rows if int(r[0]) not in state.applied]
        changed = {int(r[2]) for r in fresh if r[1] == state.kind}
        if len(changed) > REBUILD_ABOVE:
            return None
        if changed:
            _apply(state, conn, changed)
        if fresh:
            newest = max(fresh, key=lambda r: int(r[0]))
            if state.mark is None or int(newest[0]) > state.mark[0]:
                state.mark = (int(newest[0]), newest[3])
    if postgresql:
        # rows of transactions from the new floor on are read again next time: remember them
        state.applied = {int(r[0]) for r in rows if r[3] is not None and int(r[3]) >= floor}
    state.floor = floor
    state.refreshed = time.monotonic()
    return state


def _reader(engine: Engine) -> Engine:
    """The process's own engine for feeding the indexes of ``engine``'s database: one
    connection, used under the lock. Not the caller's pool: a request holds a connection of
    it while it searches, and under load every one of them could be held by a request
    waiting for the lock, while the lock's holder waited for a connection."""
    key = str(engine.url)
    reader = _readers.get(key)
    if reader is None:
        url = engine.url.render_as_string(hide_password=False)
        reader = _readers[key] = make_engine(url, pool_size=1, max_overflow=0)
    return reader


def current(session: Session, kind: str) -> _Index:
    """The process's index of ``kind`` in the session's database, with every committed change
    applied (built on first use, or again when the change log no longer reaches it)."""
    engine = _engine(session)
    key = (str(engine.url), kind)
    with _lock:
        reader = _reader(engine)
        state = _indexes.pop(key, None)
        if state is not None:
            state = _catch_up(reader, state)
        if state is None:
            state = _build(reader, kind)
        _indexes[key] = state  # re-inserted: the newest use is last
        while len(_indexes) > MAX_INDEXES:
            _indexes.pop(next(iter(_indexes)))
        for unused in set(_readers) - {url for url, _ in _indexes}:
            _readers.pop(unused).dispose()
        return state


def clear() -> None:
    """Forget every index of this process (tests; after a database was replaced)."""
    with _lock:
        _indexes.clear()
        while _readers:
            _readers.popitem()[1].dispose()


def _folded(state: _Index, word: str) -> list[str]:
    """The index's tokens of ``word`` and its respellings (distinct, in order)."""
    out: dict[str, None] = {}
    for variant in spelling_variants(word):
        for token in state.analyzer.analyze(variant):
            out.setdefault(token, None)
    return list(out)


def _term_query(state: _Index, term: str, prefix: bool) -> Any:
    """What one query word matches: any of its folded spellings as a whole word in the title
    (boosted) or the body, or, when ``prefix``, as the start of a word."""
    schema, q = state.schema, tantivy.Query
    should: list[tuple[Any, Any]] = []
    for token in _folded(state, term):
        title = q.term_query(schema, "title", token)
        should.append((tantivy.Occur.Should, q.boost_query(title, TITLE_BOOST)))
        should.append((tantivy.Occur.Should, q.term_query(schema, "body", token)))
        if prefix:
            for name in ("title", "body"):
                # tokens are letters and digits only: nothing to escape in the pattern
                starts = q.regex_query(schema, name, f"{token}.*")
                should.append((tantivy.Occur.Should, q.const_score_query(starts, PREFIX_SCORE)))
    return q.boolean_query(should) if should else None


def _query(state: _Index, terms: list[str], occur: Any) -> Any | None:
    clauses = []
    for position, term in enumerate(terms):
        last = position == len(terms) - 1
        one = _term_query(state, term, len(term) >= (2 if last else MIN_PREFIX_LENGTH))
        if one is not None:
            clauses.append((occur, one))
    return tantivy.Query.boolean_query(clauses) if clauses else None


def _every_match(state: _Index, query: Any) -> tuple[np.ndarray, np.ndarray]:
    searcher = state.index.searcher()
    total = searcher.search(query, 1, count=True).count
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    hits = searcher.search(query, total, count=False).hits
    scores = np.fromiter((score for score, _ in hits), dtype=np.float64, count=len(hits))
    ids = searcher.fast_field_values("id", [address for _, address in hits])
    return np.asarray(ids, dtype=np.int64), scores


def match_scores(
    session: Session, query: str, *, kind: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every committed document of ``kind`` matching ``query``: entity ids and scores (higher
    is better), in no particular order; None when the query has no searchable word (before
    migration 0050 FTS5 and ``ts_rank`` answered this; that code is now the "before" side of
    ``benchmarks/catalog_search_engines.py``)."""
    terms = query_terms(query)
    if not terms:
        return None
    state = current(session, kind)
    found = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    every, either = tantivy.Occur.Must, tantivy.Occur.Should
    for occur in (every, either) if len(terms) > 1 else (every,):
        built = _query(state, terms, occur)
        if built is None:
            return None
        found = _every_match(state, built)
        if len(found[0]):
            break
    return found


def matches(session: Session, query: str, *, kind: str) -> Subquery | None:
    """:func:`match_scores` as a subquery with columns ``entity_id`` and ``score``, for
    callers that count, facet and page in SQL (the contract of
    :func:`domstadt.core.text.search.matches` for one kind)."""
    found = match_scores(session, query, kind=kind)
    if found is None:
        return None
    ids, scores = found
    if _engine(session).dialect.name == "postgresql":
        stmt = text(
            "SELECT t.entity_id, t.score FROM unnest(CAST(:ids AS bigint[]), "
            "CAST(:scores AS float8[])) AS t(entity_id, score)"
        ).bindparams(ids=ids.tolist(), scores=scores.tolist())
    else:
        stmt = text(
            "SELECT CAST(i.value AS INTEGER) AS entity_id, CAST(s.value AS REAL) AS score "
            "FROM json_each(:ids) AS i JOIN json_each(:scores) AS s ON s.key = i.key LIMIT -1"
        ).bindparams(ids=_json_list(ids), scores=_json_list(scores))
    return stmt.columns(entity_id=BigInteger, score=Float).subquery("text_match")


def _json_list(values: np.ndarray) -> str:
    return "[" + ",".join(repr(v) for v in values.tolist()) + "]"


def prune(session: Session) -> int:
    """Remove ``search_change`` rows older than :data:`PRUNE_AFTER_SECONDS` but the newest
    (it marks where the log stands); the caller commits. Returns how many went."""
    before = int(time.time()) - PRUNE_AFTER_SECONDS
    result = session.execute(
        text(
            "DELETE FROM search_change WHERE created < :before "
            "AND id < (SELECT max(id) FROM search_change)"
        ),
        {"before": before},
    )
    return int(getattr(result, "rowcount", 0) or 0)
