"""Writing the site search index: per entity on every commit, or all at once (``rebuild``).

Session events collect the ids of watched rows written in a flush; just before the commit
the sources list those entities again and their entries are replaced (or removed when the
item is no longer public). Statements that bypass the ORM are not seen: ``rebuild`` heals.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from sqlalchemy import delete, event, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domstadt.core.db import utcnow
from domstadt.search.models import SiteSearchEntry, SiteSearchTerm, SiteSearchWord
from domstadt.search.sources import Document, source, sources, watchers
from domstadt.search.terms import terms_of

SUMMARY_CHARS = 240
_TOUCHED = "site_search_touched"
_BATCH = 500


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[: SUMMARY_CHARS - 1].rstrip() + "…"


def _term_rows(kind: str, entry_id: int, doc: Document) -> list[dict[str, Any]]:
    title = terms_of(doc.title)
    rest = terms_of(doc.text[:20_000] + " " + doc.extra) - title
    return [
        {"term": t, "entry_id": entry_id, "kind": kind, "weight": 3 if t in title else 1}
        for t in title | rest
    ]


def _add_words(session: Session, words: set[str]) -> None:
    if not words:
        return
    known: set[str] = set()
    for chunk in _batched(sorted(words), _BATCH):
        known.update(
            session.scalars(select(SiteSearchWord.word).where(SiteSearchWord.word.in_(chunk)))
        )
    new = [{"word": w} for w in sorted(words - known)]
    if new:
        dialect = session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(make(SiteSearchWord).on_conflict_do_nothing(), new)


def _remove(session: Session, kind: str, ids: Collection[int] | None) -> None:
    stmt = delete(SiteSearchEntry).where(SiteSearchEntry.kind == kind)
    if ids is None:
        session.execute(stmt)
        return
    for chunk in _batched(sorted(ids), _BATCH):
        entry_ids = select(SiteSearchEntry.id).where(
            SiteSearchEntry.kind == kind, SiteSearchEntry.entity_id.in_(chunk)
        )
        # SQLite enforces ON DELETE CASCADE, but say it for every backend alike
        session.execute(delete(SiteSearchTerm).where(SiteSearchTerm.entry_id.in_(entry_ids)))
        session.execute(stmt.where(SiteSearchEntry.entity_id.in_(chunk)))


def write(
    session: Session, kind: str, docs: Iterable[Document], ids: Collection[int] | None
) -> int:
    """Replace the entries of ``kind`` (those of ``ids``, or all) by ``docs``; their number."""
    if ids is None:
        session.execute(
            delete(SiteSearchTerm).where(
                SiteSearchTerm.entry_id.in_(
                    select(SiteSearchEntry.id).where(SiteSearchEntry.kind == kind)
                )
            )
        )
    _remove(session, kind, ids)
    now, count = utcnow(), 0
    words: set[str] = set()
    for chunk in _batched(docs, _BATCH):
        rows = [
            {
                "kind": kind,
                "entity_id": d.entity_id,
                "title": d.title[:500],
                "summary": _summary(d.text),
                "url": d.url[:500],
                "updated": now,
            }
            for d in chunk
        ]
        new_ids = session.scalars(
            insert(SiteSearchEntry).returning(SiteSearchEntry.id, sort_by_parameter_order=True),
            rows,
        ).all()
        terms = [
            r
            for entry_id, d in zip(new_ids, chunk, strict=True)
            for r in _term_rows(kind, entry_id, d)
        ]
        if terms:
            session.execute(insert(SiteSearchTerm), terms)
        words.update(r["term"] for r in terms)
        count += len(rows)
    _add_words(session, words)
    return count


def refresh(session: Session, kind: str, ids: Collection[int] | None = None) -> int:
    """List the source's items again (``ids``, or all) and rewrite their entries."""
    found = source(kind)
    if found is None:
        return 0
    return write(session, kind, list(found.list(session, ids)), ids)


def rebuild(session: Session) -> dict[str, int]:
    """Rewrite the whole index from every source; entries per kind."""
    kinds = [s.kind for s in sources()]
    if not kinds:  # nothing registered (a process that did not mount the domains)
        return {}
    counts = {kind: refresh(session, kind) for kind in kinds}
    session.execute(delete(SiteSearchEntry).where(SiteSearchEntry.kind.not_in(kinds)))
    if session.get_bind().dialect.name == "postgresql":
        # fresh statistics: with stale ones the planner scans the whole term table
        session.execute(text("ANALYZE site_search_entry, site_search_term, site_search_word"))
    return counts


def _collect(session: Session, _flush_context: Any) -> None:
    touched: dict[str, set[int]] | None = None
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        for kind, key in watchers(type(obj)):
            entity_id = key(obj)
            if entity_id is not None:
                touched = touched if touched is not None else session.info.setdefault(_TOUCHED, {})
                touched.setdefault(kind, set()).add(entity_id)


def _apply(session: Session) -> None:
    for _ in range(3):  # indexing may flush rows that touch further entities
        touched: dict[str, set[int]] = session.info.pop(_TOUCHED, {})
        if not touched:
            return
        session.flush()
        touched_after: dict[str, set[int]] = session.info.pop(_TOUCHED, {})
        for kind, ids in touched_after.items():
            touched.setdefault(kind, set()).update(ids)
        for kind, ids in touched.items():
            refresh(session, kind, ids)


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_TOUCHED, None)


def install() -> None:
    """Follow every session's commits (idempotent)."""
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _apply)
        event.listen(Session, "after_soft_rollback", _forget)
