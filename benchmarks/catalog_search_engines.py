"""Which text engine answers "q + 3 facets" at 1,000,000 datasets in < 100 ms (issue 15)?
The platform's catalogue search with its text index (tantivy in each process, since migration
0050: ``core.text.tantivy_index``) against the same search with the database's own full-text
index (SQLite FTS5 with ``bm25()``, PostgreSQL ``tsvector`` with ``ts_rank``: what the platform
used before, kept in this script as ``database_match_scores``, and ``core.text.matches``), and
tantivy's library call alone, side by side in one run over the same datasets.

    .venv/bin/python benchmarks/catalog_search_engines.py [--datasets 1000000] [--rounds 20]
        [--reuse FILE] [--keep FILE] [--postgres URL]

The catalogue is generated and indexed as ``catalog_search.py`` does (its ``fill`` and
``reindex``; at 10^6 10–15 minutes): ``--keep FILE`` keeps the SQLite file and ``--reuse FILE``
starts from one; ``--postgres URL`` fills a scratch PostgreSQL database instead (its public
schema is reset before and after). The library-alone side indexes the platform's own search
documents (title boosted 4×) with themes, keywords and formats as fast fields, in a temporary
folder removed at the end.

Before anything is timed, every request is answered by every side and checked against a
brute-force count over the catalogue's rows, read back from the database: the count, and every
facet count a side returns (and that no omitted value counts more); the page's order is not
compared (the two scores differ). Then the requests are timed interleaved (each side in
turn, per request): min / median / p95 (nearest rank) / max. The platform sides are the
service call ``dataset_search`` (text match, ranking, facets and the page's datasets); the
library side is the library call alone (query, exact count, top 10 ids, three terms
aggregations). Not compared with the library side: the order of equal scores and prefix
matching (it is asked for whole words) and visibility (every generated dataset is public).
"""

from __future__ import annotations

import argparse
import gc
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import catalog_search as base
import numpy as np
import tantivy
from sqlalchemy import text
from sqlalchemy.orm import Session

from domstadt.catalog import search_service
from domstadt.catalog.schemas import SearchQuery
from domstadt.core.auth.permissions import ANONYMOUS
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.core.statecache import StateCache
from domstadt.core.text.normalize import query_terms
from domstadt.core.text.search import _expression
from domstadt.core.text.search import matches as database_matches

FACETS = base.FACETS  # groups, tags, res_format
WORD = re.compile(r"\w+")


# --- the platform's text matching before migration 0050 (core.text.search.match_scores), kept
# here unchanged as this benchmark's "before" side: FTS5 with bm25() and a row-id map kept
# while the FTS5 index is unchanged, PostgreSQL with ts_rank over one pass of the matches ---

_ENTITY_MAPS = StateCache(16)
"""Per (database, kind): ``entity`` of :func:`_entity_of_rowid` for the index's state."""


def _sqlite_index_state(session: Session) -> tuple[bytes, Any]:
    """What changes with every write to the FTS5 index: its structure record (row 10 of
    ``search_fts_data``, the list of segments, which FTS5 rewrites whenever a transaction adds,
    deletes or merges) and the highest document id."""
    row = session.execute(
        text(
            "SELECT (SELECT block FROM search_fts_data WHERE id = 10), "
            "(SELECT max(id) FROM search_document)"
        )
    ).one()
    return bytes(row[0] or b""), row[1]


def _entity_of_rowid(session: Session, kind: str) -> tuple[Hashable, np.ndarray]:
    """The index's state and ``entity``, where ``entity[rowid]`` is the entity id of document
    ``rowid`` when it is of ``kind``, else -1 (one spare -1 at the end). Kept per process while
    the FTS5 index is unchanged, so a match need not look its document row up (at 100,000
    documents a third of a text query's time)."""
    state = _sqlite_index_state(session)

    def mapped() -> np.ndarray:
        sql = "SELECT id, entity_id FROM search_document WHERE kind = :kind"
        pairs = _fetch(session, sql, {"kind": kind}, np.int64)
        size = max(int(pairs[:, 0].max()) if len(pairs) else 0, int(state[1] or 0)) + 2
        entity = np.full(size, -1, dtype=np.int64)
        entity[pairs[:, 0]] = pairs[:, 1]
        return entity

    key = (str(session.get_bind().engine.url), kind)
    return state, _ENTITY_MAPS.get(key, state, mapped)


def _fetch(session: Session, sql: str, params: dict[str, Any], dtype: Any) -> np.ndarray:
    """Rows of two numbers as an (n, 2) array, straight from the driver on the session's
    connection (SQLite's ``:name`` parameters): thousands of rows need no SQLAlchemy row
    objects (a third of the time otherwise)."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        return np.array(cursor.fetchall(), dtype=dtype).reshape(-1, 2)
    finally:
        cursor.close()


def _sqlite_scored(session: Session, match: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Entity ids and scores of every document of ``kind`` matching the FTS5 ``match``: from
    the FTS5 table alone, no document row per match (see :func:`_entity_of_rowid`)."""
    sql = "SELECT rowid, -bm25(search_fts, 4.0, 1.0) FROM search_fts WHERE search_fts MATCH :match"
    for _attempt in range(3):
        # a read outside a transaction sees the newest commit: the map and the match belong
        # together only when no write came between them (else once more)
        state, entity_of = _entity_of_rowid(session, kind)
        found = _fetch(session, sql, {"match": match}, np.float64)
        if _sqlite_index_state(session) == state:
            break
    entity = np.take(entity_of, found[:, 0].astype(np.int64), mode="clip")
    mine = entity >= 0
    return entity[mine], found[:, 1][mine]


def _postgresql_scored(session: Session, match: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Entity ids and ranks of every document of ``kind`` matching the tsquery ``match``."""
    # one row of two comma-separated lists, parsed by numpy in C: 6,700 rows through the
    # driver's per-value conversion took twice as long; float8 text is exact, so the ranks
    # (float4) order and tie as in SQL. The query is parsed once (OFFSET 0 keeps the planner
    # from inlining it): ts_rank(…, to_tsquery(…)) stemmed it again for every match, half
    # of this statement's time
    sql = (
        "SELECT string_agg(d.entity_id::text, ','), "
        "string_agg(ts_rank(d.search_vector, m.query)::float8::text, ',') "
        "FROM (SELECT to_tsquery('german', %(match)s) AS query OFFSET 0) AS m, "
        "search_document AS d WHERE d.search_vector @@ m.query AND d.kind = %(kind)s"
    )
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, {"match": match, "kind": kind})
        ids, scores = cursor.fetchone() or (None, None)
    finally:
        cursor.close()
    if not ids or not scores:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.fromstring(ids, dtype=np.int64, sep=","), np.fromstring(scores, sep=",")


def _scored(session: Session, match: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_scored(session, match, kind)
    return _postgresql_scored(session, match, kind)


def database_match_scores(
    session: Session, query: str, *, kind: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every match of ``query`` among the documents of ``kind``: their entity ids and scores
    (higher is better; the same scores as :func:`matches` gives), in no particular order, for
    callers that rank, filter, count and page in memory; None when the query has no
    searchable word. Same matching rules as :func:`search`: all words, or any word when no
    document of ``kind`` has all."""
    terms = query_terms(query)
    if not terms:
        return None
    dialect = session.get_bind().dialect.name
    ids, scores = _scored(session, _expression(terms, "AND", dialect), kind)
    if not len(ids) and len(terms) > 1:
        ids, scores = _scored(session, _expression(terms, "OR", dialect), kind)
    return ids, scores


class Catalogue:
    """Every dataset's text words and facet values, read back from the database."""

    def __init__(self, db: Database) -> None:
        self.texts: dict[int, tuple[str, str]] = {}
        self.values: dict[str, dict[int, set[str]]] = {f: {} for f in FACETS}
        sql = {
            "groups": "SELECT dataset_id, theme FROM catalog_dataset_theme",
            "tags": "SELECT dataset_id, keyword FROM catalog_dataset_keyword",
            "res_format": "SELECT dataset_id, format FROM catalog_distribution",
        }
        with db.engine.connect() as con:
            documents = con.execute(
                text("SELECT entity_id, title, body FROM search_document WHERE kind = 'dataset'")
            )
            for entity_id, title, body in documents:
                self.texts[int(entity_id)] = (title, body)
            for facet, statement in sql.items():
                for dataset_id, value in con.execute(text(statement)):
                    self.values[facet].setdefault(int(dataset_id), set()).add(value)
        self.words = {
            i: frozenset(WORD.findall(f"{t} {b}".lower())) for i, (t, b) in self.texts.items()
        }

    def matching(self, q: str, theme: str | None) -> list[int]:
        """Datasets with every query word as a prefix of one of their words (the platform's
        rule) and the theme, when one is asked."""
        terms = [t.lower() for t in WORD.findall(q)]
        return [
            i
            for i, words in self.words.items()
            if all(any(w.startswith(t) for w in words) for t in terms)
            and (theme is None or theme in self.values["groups"].get(i, ()))
        ]

    def facets(self, rows: list[int]) -> dict[str, Counter[str]]:
        return {f: Counter(v for i in rows for v in self.values[f].get(i, ())) for f in FACETS}


def build_tantivy(folder: Path, catalogue: Catalogue) -> tuple[Any, float]:
    """A tantivy index of the catalogue in ``folder``; (index, seconds)."""
    schema = tantivy.SchemaBuilder()
    schema.add_integer_field("id", stored=True, indexed=True, fast=True)
    schema.add_text_field("title")
    schema.add_text_field("body")
    for facet in FACETS:
        schema.add_text_field(facet, fast=True, tokenizer_name="raw")
    index = tantivy.Index(schema.build(), path=str(folder))
    start = time.perf_counter()
    writer = index.writer(heap_size=500_000_000, num_threads=2)
    for dataset_id, (title, body) in catalogue.texts.items():
        fields: dict[str, Any] = {"id": dataset_id, "title": title, "body": body}
        for facet in FACETS:
            fields[facet] = sorted(catalogue.values[facet].get(dataset_id, ()))
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, time.perf_counter() - start


def ask_tantivy(index: Any, params: dict[str, str]) -> dict[str, Any]:
    """count, the top 10 ids and the three facets of one request."""
    words = " ".join(f"+{w}" for w in WORD.findall(params["q"].lower()))
    query = index.parse_query(words, ["title", "body"], field_boosts={"title": 4.0})
    fq = params.get("fq")
    if fq:
        theme = tantivy.Query.term_query(index.schema, "groups", fq.split('"')[1].upper())
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, query), (tantivy.Occur.Must, theme)]
        )
    searcher = index.searcher()
    found = searcher.search(query, 10, count=True)
    ids = [searcher.doc(address)["id"][0] for _score, address in found.hits]
    aggregation = {f: {"terms": {"field": f, "size": 50}} for f in FACETS}
    counted = searcher.aggregate(query, aggregation)
    facets = {f: {b["key"]: b["doc_count"] for b in counted[f]["buckets"]} for f in FACETS}
    return {"count": found.count, "ids": ids, "facets": facets}


@contextmanager
def _database_text_engine() -> Iterator[None]:
    """The catalogue search with the database's full-text index, as before migration 0050."""
    index = search_service.tantivy_index
    saved = index.match_scores, index.matches
    index.match_scores = database_match_scores  # type: ignore[assignment]
    index.matches = lambda session, q, kind: database_matches(session, q, kinds=[kind])  # type: ignore[assignment]
    try:
        yield
    finally:
        index.match_scores, index.matches = saved  # type: ignore[assignment]


def ask_database_engine(db: Database, params: dict[str, str]) -> dict[str, Any]:
    with _database_text_engine():
        return ask_platform(db, params)


def ask_platform(db: Database, params: dict[str, str]) -> dict[str, Any]:
    """The same through the platform's catalogue search (the service package_search calls)."""
    filters = {"groups": [params["fq"].split('"')[1]]} if params.get("fq") else {}
    query = SearchQuery(q=params["q"], rows=10, facets=list(FACETS), filters=filters)
    with db.session() as session:
        page = search_service.dataset_search(session, actor=ANONYMOUS, query=query)
    facets = {f: {i.name: i.count for i in items} for f, items in page.facets.items()}
    return {"count": page.count, "ids": [d.name for d in page.results], "facets": facets}


def check(catalogue: Catalogue, params: dict[str, str], answer: dict[str, Any], side: str) -> None:
    """Compare one answer with the brute force (``catalog_search._check``: count, every facet
    count returned, no omitted value counting more) and that it lists a full first page."""
    base._check(catalogue, params, answer)  # type: ignore[arg-type]
    assert len(answer["ids"]) == min(10, answer["count"]), (side, params)


def _catalogue_db(args: argparse.Namespace, folder: Path) -> Database:
    if args.reuse:
        return Database(f"sqlite:///{args.reuse}")
    if args.postgres:
        base._reset(args.postgres)
        db = Database(args.postgres)
    else:
        path = Path(args.keep) if args.keep else folder / "catalogue.sqlite3"
        db = Database(f"sqlite:///{path}")
    upgrade(db)
    filled, _truth = base.fill(db, args.datasets)
    print(f"inserted {args.datasets} datasets in {filled:.0f} s", flush=True)
    print(f"search documents written {base.reindex(db):.0f} s", flush=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--reuse", default="", help="a SQLite catalogue kept by --keep")
    parser.add_argument("--keep", default="", help="keep the SQLite catalogue here")
    parser.add_argument("--postgres", default="", help="URL of a scratch database (reset)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="domstadt-engines-"))
    try:
        db = _catalogue_db(args, folder)
        catalogue = Catalogue(db)
        print(f"{len(catalogue.texts)} datasets read back for the brute force", flush=True)
        gc.freeze()  # its objects out of the cycle collector, as in catalog_search.measure
        (folder / "tantivy").mkdir()
        index, took = build_tantivy(folder / "tantivy", catalogue)
        print(f"library-alone index of the same datasets {took:.0f} s", flush=True)
        start = time.perf_counter()
        ask_platform(db, {"q": "Radverkehr"})
        took = time.perf_counter() - start
        print(f"platform's first search (builds its index, reads the arrays) {took:.1f} s")
        requests = base.requests(args.rounds)["q + 3 facets"]
        engine = "FTS5" if db.engine.dialect.name == "sqlite" else "tsvector"
        sides = {
            f"platform, database text index ({engine}, before)": lambda p: ask_database_engine(
                db, p
            ),
            "platform, tantivy index (now)": lambda p: ask_platform(db, p),
            "tantivy library alone": lambda p: ask_tantivy(index, p),
        }
        for params in {tuple(sorted(p.items())): p for p in requests}.values():
            answers = {side: ask(params) for side, ask in sides.items()}
            for side, answer in answers.items():
                check(catalogue, params, answer, side)
        print("every distinct request agrees with the brute force on every side", flush=True)
        times: dict[str, list[float]] = {side: [] for side in sides}
        for params in requests:
            for side, ask in sides.items():
                start = time.perf_counter()
                ask(params)
                times[side].append((time.perf_counter() - start) * 1000)
        for side, values in times.items():
            r = base._stats(values)
            print(
                f"{side}: q + 3 facets ({len(values)} requests): min {r['min']:.1f} ms, median "
                f"{r['median']:.1f} ms, p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms "
                f"(load average {base._load()})",
                flush=True,
            )
        db.dispose()
        if args.postgres:
            base._reset(args.postgres)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
