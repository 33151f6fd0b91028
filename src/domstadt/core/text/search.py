"""Full-text search over any entity kind: SQLite FTS5 or PostgreSQL tsvector, one interface.

Domains call :func:`index_document` when an entity is written and :func:`remove_document` when
it goes away. User query text never reaches the query language unescaped: it is cut into words
(letters and digits only) which are quoted, so no input can raise a syntax error.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Float, Subquery, TextClause, bindparam, delete, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.core.text.models import SearchDocument
from domstadt.core.text.normalize import query_terms, spelling_variants

MAX_BODY_CHARS = 200_000
"""Longer bodies are indexed up to here (PostgreSQL limits a tsvector to 1 MB)."""

MAX_LIMIT = 200
MIN_PREFIX_LENGTH = 3
"""Terms this long (the last, being typed, from 2 characters) match as prefixes."""

_Page = tuple[int, list[tuple[Any, ...]]]
"""Total match count and the rows (kind, entity_id, title, score, marked snippet) of a page."""

_OPEN, _CLOSE = "\ue000", "\ue001"
"""Private-use marker characters around matches in snippets; stripped from indexed text."""

_PG_HEADLINE = (
    f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=30, MinWords=12, ShortWord=2, "
    'MaxFragments=1, FragmentDelimiter=" … "'
)


@dataclass(frozen=True)
class SearchHit:
    """One match: ``snippet`` is plain text, ``snippet_html`` escaped with ``<mark>`` tags."""

    kind: str
    entity_id: int
    title: str
    score: float
    snippet: str
    snippet_html: str


@dataclass(frozen=True)
class SearchResult:
    """``total`` matches overall; ``hits`` is the requested page, best first."""

    total: int
    hits: list[SearchHit]


def _clean(value: str, limit: int) -> str:
    return value[:limit].replace(_OPEN, "").replace(_CLOSE, "").replace("\x00", " ")


def _check_kind(kind: str) -> None:
    if not kind or len(kind) > 64:
        raise Invalid("Die Art (kind) muss 1 bis 64 Zeichen lang sein.", field="kind")


def index_document(
    session: Session, *, kind: str, entity_id: int, title: str, body: str, language: str = "de"
) -> None:
    """Add or replace the search document of ``kind``/``entity_id`` (the caller commits)."""
    _check_kind(kind)
    values = {
        "kind": kind,
        "entity_id": entity_id,
        "title": _clean(title, 2000),
        "body": _clean(body, MAX_BODY_CHARS),
        "language": language[:8],
        "updated": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SearchDocument).values(**values)
    new = statement.excluded
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "entity_id"],
            set_={k: values[k] for k in ("title", "body", "language", "updated")},
            # unchanged documents are left alone: no index churn, no new timestamp
            where=(SearchDocument.title != new.title)
            | (SearchDocument.body != new.body)
            | (SearchDocument.language != new.language),
        )
    )


def index_documents(
    session: Session, *, kind: str, documents: list[tuple[int, str, str]], language: str = "de"
) -> None:
    """:func:`index_document` for many ``(entity_id, title, body)`` at once: one statement
    executed with all of them (bulk imports; the caller commits)."""
    _check_kind(kind)
    if not documents:
        return
    now = utcnow()
    rows = [
        {"kind": kind, "entity_id": entity_id, "title": _clean(title, 2000),
         "body": _clean(body, MAX_BODY_CHARS), "language": language[:8], "updated": now}
        for entity_id, title, body in documents
    ]  # fmt: skip
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SearchDocument)
    new = statement.excluded
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "entity_id"],
            set_={k: getattr(new, k) for k in ("title", "body", "language", "updated")},
            # unchanged documents are left alone, as in index_document
            where=(SearchDocument.title != new.title)
            | (SearchDocument.body != new.body)
            | (SearchDocument.language != new.language),
        ),
        rows,
    )


def remove_document(session: Session, *, kind: str, entity_id: int) -> None:
    """Drop the search document of ``kind``/``entity_id``; nothing happens when there is none."""
    session.execute(
        delete(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.entity_id == entity_id
        )
    )


def _is_prefix(term: str, last: bool) -> bool:
    """Long terms match as prefixes ('Baum' finds 'Baumpflanzung'); the last one (being typed)
    from two characters on."""
    return len(term) >= (2 if last else MIN_PREFIX_LENGTH)


_SYNTAX = {
    # dialect: (quote, prefix marker, OR within a term's variants, operator spelling)
    "sqlite": ('"', "*", " OR ", {"AND": " AND ", "OR": " OR "}),
    "postgresql": ("'", ":*", " | ", {"AND": " & ", "OR": " | "}),
}


def _expression(terms: list[str], operator: str, dialect: str) -> str:
    """An FTS5 MATCH or to_tsquery() input of quoted terms and their respellings.

    Terms consist of letters and digits only (see ``normalize.words``), so quoting is safe.
    """
    quote, star, either, operators = _SYNTAX[dialect]
    groups = []
    for position, term in enumerate(terms):
        suffix = star if _is_prefix(term, position == len(terms) - 1) else ""
        variants = either.join(f"{quote}{v}{quote}{suffix}" for v in spelling_variants(term))
        groups.append(f"({variants})")
    return operators[operator].join(groups)


def _kind_filter(kinds: Collection[str] | None) -> str:
    return " AND d.kind IN :kinds" if kinds is not None else ""


def _params(kinds: Collection[str] | None, **values: object) -> dict[str, object]:
    if kinds is not None:
        values["kinds"] = list(kinds)
    return values


def _bind(sql: str, kinds: Collection[str] | None) -> TextClause:
    statement = text(sql)
    if kinds is not None:
        statement = statement.bindparams(bindparam("kinds", expanding=True))
    return statement


def _sqlite_page(
    session: Session, match: str, kinds: Collection[str] | None, limit: int, offset: int
) -> _Page:
    where = f"search_fts MATCH :match{_kind_filter(kinds)}"
    # CROSS JOIN makes SQLite drive the loop from the FTS match, not from search_document
    join = "search_fts CROSS JOIN search_document AS d ON d.id = search_fts.rowid"
    total = session.execute(
        _bind(f"SELECT count(*) FROM {join} WHERE {where}", kinds), _params(kinds, match=match)
    ).scalar_one()
    if not total:
        return 0, []
    rows = session.execute(
        _bind(
            "SELECT d.kind, d.entity_id, d.title, -bm25(search_fts, 4.0, 1.0) AS score, "
            f"snippet(search_fts, 1, '{_OPEN}', '{_CLOSE}', '…', 24) "
            f"FROM {join} WHERE {where} ORDER BY score DESC, d.id LIMIT :limit OFFSET :offset",
            kinds,
        ),
        _params(kinds, match=match, limit=limit, offset=offset),
    ).all()
    return int(total), [tuple(row) for row in rows]


def _postgresql_page(
    session: Session, tsquery: str, kinds: Collection[str] | None, limit: int, offset: int
) -> _Page:
    matches = f"d.search_vector @@ to_tsquery('german', :tsquery){_kind_filter(kinds)}"
    total = session.execute(
        _bind(f"SELECT count(*) FROM search_document AS d WHERE {matches}", kinds),
        _params(kinds, tsquery=tsquery),
    ).scalar_one()
    if not total:
        return 0, []
    rows = session.execute(
        _bind(
            "WITH page AS (SELECT d.id, d.kind, d.entity_id, d.title, d.body, "
            "ts_rank(d.search_vector, to_tsquery('german', :tsquery)) AS score "
            f"FROM search_document AS d WHERE {matches} "
            "ORDER BY score DESC, d.id LIMIT :limit OFFSET :offset) "
            "SELECT kind, entity_id, title, score, ts_headline('german', left(body, 20000), "
            "to_tsquery('german', :tsquery), :headline) FROM page ORDER BY score DESC, id",
            kinds,
        ),
        _params(kinds, tsquery=tsquery, limit=limit, offset=offset, headline=_PG_HEADLINE),
    ).all()
    return int(total), [tuple(row) for row in rows]


def _run(
    session: Session,
    terms: list[str],
    operator: str,
    kinds: Collection[str] | None,
    page: tuple[int, int],
) -> _Page:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _sqlite_page(session, _expression(terms, operator, dialect), kinds, *page)
    if dialect == "postgresql":
        return _postgresql_page(session, _expression(terms, operator, dialect), kinds, *page)
    raise NotImplementedError(f"full-text search is not available on {dialect}")


def _hit(row: tuple[Any, ...]) -> SearchHit:
    kind, entity_id, title, score, raw = row
    raw = raw or ""
    plain = raw.replace(_OPEN, "").replace(_CLOSE, "")
    marked = html.escape(raw).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
    return SearchHit(kind, int(entity_id), title, float(score), plain, marked)


def search(
    session: Session,
    query: str,
    *,
    kinds: Collection[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Documents matching all words of ``query`` (any word when none matches all), best first.

    Words are matched case- and accent-insensitively, with common German respellings (ß/ss,
    ä/ae) and as prefixes; an empty query or one without letters or digits finds nothing.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"Die Anzahl (limit) muss zwischen 1 und {MAX_LIMIT} liegen.", field="limit")
    if offset < 0:
        raise Invalid("Der Versatz (offset) darf nicht negativ sein.", field="offset")
    terms = query_terms(query)
    if not terms or (kinds is not None and not kinds):
        return SearchResult(0, [])
    total, rows = _run(session, terms, "AND", kinds, (limit, offset))
    if total == 0 and len(terms) > 1:
        total, rows = _run(session, terms, "OR", kinds, (limit, offset))
    return SearchResult(total, [_hit(row) for row in rows])


MAX_RANKED_IDS = 10_000


def _ranked_sql(dialect: str, kinds: Collection[str] | None) -> str:
    if dialect == "sqlite":
        return (
            "SELECT d.kind, d.entity_id FROM search_fts CROSS JOIN search_document AS d "
            f"ON d.id = search_fts.rowid WHERE search_fts MATCH :match{_kind_filter(kinds)} "
            "ORDER BY bm25(search_fts, 4.0, 1.0), d.id LIMIT :limit"
        )
    return (
        "SELECT d.kind, d.entity_id FROM search_document AS d "
        f"WHERE d.search_vector @@ to_tsquery('german', :match){_kind_filter(kinds)} "
        "ORDER BY ts_rank(d.search_vector, to_tsquery('german', :match)) DESC, d.id "
        "LIMIT :limit"
    )


def ranked_ids(
    session: Session, query: str, *, kinds: Collection[str] | None = None, limit: int = 1000
) -> list[tuple[str, int]]:
    """(kind, entity_id) of the best ``limit`` matches, best first, without counts or snippets.

    For callers that combine text relevance with their own filters and facets; same matching
    rules as :func:`search`.
    """
    if not 1 <= limit <= MAX_RANKED_IDS:
        raise Invalid(
            f"Die Anzahl (limit) muss zwischen 1 und {MAX_RANKED_IDS} liegen.", field="limit"
        )
    terms = query_terms(query)
    if not terms or (kinds is not None and not kinds):
        return []
    dialect = session.get_bind().dialect.name
    statement = _bind(_ranked_sql(dialect, kinds), kinds)
    rows: list[tuple[str, int]] = []
    for operator in ("AND", "OR") if len(terms) > 1 else ("AND",):
        match = _expression(terms, operator, dialect)
        result = session.execute(statement, _params(kinds, match=match, limit=limit))
        rows = [(str(kind), int(entity_id)) for kind, entity_id in result]
        if rows:
            break
    return rows


def _match_sql(dialect: str, kinds: Collection[str] | None) -> str:
    if dialect == "sqlite":
        return (
            "SELECT d.entity_id AS entity_id, -bm25(search_fts, 4.0, 1.0) AS score "
            "FROM search_fts CROSS JOIN search_document AS d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH :match{_kind_filter(kinds)} "
            # LIMIT -1 (no limit) keeps SQLite from flattening this into the caller's join,
            # where it may look the caller's table up before ``d`` (whose entity_id it needs)
            # and read a whole index once per match
            "LIMIT -1"
        )
    return (
        "SELECT d.entity_id AS entity_id, "
        "ts_rank(d.search_vector, to_tsquery('german', :match)) AS score "
        "FROM search_document AS d "
        f"WHERE d.search_vector @@ to_tsquery('german', :match){_kind_filter(kinds)}"
    )


def matches(session: Session, query: str, *, kinds: Collection[str]) -> Subquery | None:
    """Every match of ``query`` as a subquery with columns ``entity_id`` and ``score`` (higher
    is better), unbounded, for callers that count, facet and page in SQL; None when the query
    has no searchable word. Same matching rules as :func:`search`: all words, or any word when
    no document has all (decided by one probe)."""
    terms = query_terms(query)
    if not terms or not kinds:
        return None
    dialect = session.get_bind().dialect.name
    sql = _match_sql(dialect, kinds)
    match = _expression(terms, "AND", dialect)
    if len(terms) > 1:
        probe = _bind(f"SELECT 1 FROM ({sql}) AS m LIMIT 1", kinds)
        if session.execute(probe, _params(kinds, match=match)).first() is None:
            match = _expression(terms, "OR", dialect)
    statement = _bind(sql, kinds).bindparams(match=match)
    if kinds is not None:
        statement = statement.bindparams(kinds=list(kinds))
    return statement.columns(entity_id=BigInteger, score=Float).subquery("text_match")
