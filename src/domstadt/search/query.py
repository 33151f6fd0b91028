"""Running a site search: query words → index terms (vocabulary) → entries, grouped by kind.

Every query word must match (exactly, as a prefix, inside a compound or with one typo); when
no entry has all words, entries with any word are shown. Score: per word the best match
quality times the term's weight (title 3, text 1), summed. Counts per kind are exact.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from domstadt.search.models import SiteSearchEntry, SiteSearchTerm, SiteSearchWord
from domstadt.search.terms import Vocabulary, query_words

_CHUNK = 900


@dataclass(frozen=True)
class Hit:
    """One found item."""

    kind: str
    entity_id: int
    title: str
    summary: str
    url: str
    score: float


@dataclass(frozen=True)
class Group:
    """The hits of one kind (best first, at most the asked number) and how many match."""

    kind: str
    total: int
    hits: list[Hit]


@dataclass(frozen=True)
class Found:
    """Every kind with matches, in the asked order; ``all_words`` False when the results match
    only some of the words."""

    words: list[str]
    total: int
    groups: list[Group] = field(default_factory=list)
    all_words: bool = True


_vocabularies: dict[str, tuple[tuple[int, str], Vocabulary]] = {}
_lock = threading.Lock()


def vocabulary(session: Session) -> Vocabulary:
    """The index's vocabulary, reloaded when a word was added (by any process)."""
    key = str(session.get_bind().engine.url)
    # words are never deleted and other processes' uncommitted rows are invisible, so the
    # newest word changes exactly when a word was added (the word too: ids can be reused
    # after a rollback or a truncation)
    newest = session.execute(
        select(SiteSearchWord.id, SiteSearchWord.word).order_by(SiteSearchWord.id.desc()).limit(1)
    ).first()
    fingerprint = (newest[0], newest[1]) if newest else (0, "")
    cached = _vocabularies.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    with _lock:
        vocab = Vocabulary.of(session.scalars(select(SiteSearchWord.word)))
        _vocabularies[key] = (fingerprint, vocab)
    return vocab


def _term_rows(
    session: Session, terms: list[str], kinds: Collection[str] | None
) -> list[tuple[str, int, int, str]]:
    rows: list[tuple[str, int, int, str]] = []
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start : start + _CHUNK]
        matching = (
            # one array parameter: PostgreSQL plans it once, not 150 separate parameters
            SiteSearchTerm.term == any_(bindparam("terms", chunk, type_=ARRAY(String)))
            if session.get_bind().dialect.name == "postgresql"
            else SiteSearchTerm.term.in_(chunk)
        )
        stmt = select(
            SiteSearchTerm.term, SiteSearchTerm.entry_id, SiteSearchTerm.weight, SiteSearchTerm.kind
        ).where(matching)
        if kinds:
            stmt = stmt.where(SiteSearchTerm.kind.in_(list(kinds)))
        rows.extend((t, e, w, k) for t, e, w, k in session.execute(stmt))
    return rows


def _scores(
    rows: list[tuple[str, int, int, str]], expansions: list[dict[str, float]]
) -> tuple[dict[int, list[float]], dict[int, str]]:
    best: dict[int, list[float]] = {}
    kind_of: dict[int, str] = {}
    for term, entry_id, weight, kind in rows:
        per_word = best.setdefault(entry_id, [0.0] * len(expansions))
        kind_of[entry_id] = kind
        for i, matches in enumerate(expansions):
            quality = matches.get(term)
            if quality is not None:
                per_word[i] = max(per_word[i], quality * weight)
    return best, kind_of


def search(
    session: Session, q: str, *, kinds: Collection[str] | None = None, per_kind: int = 5
) -> Found:
    """Entries matching ``q`` grouped by kind, ``per_kind`` best of each."""
    words = query_words(q)
    if not words:
        return Found(words=[], total=0)
    vocab = vocabulary(session)
    expansions = [vocab.expand(w) for w in words]
    terms = sorted({t for matches in expansions for t in matches})
    best, kind_of = _scores(_term_rows(session, terms, kinds) if terms else [], expansions)
    chosen = {e: s for e, s in best.items() if all(s)}
    all_words = bool(chosen) or len(words) == 1
    if not chosen:
        chosen = best
    by_kind: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for entry_id, per_word in chosen.items():
        by_kind[kind_of[entry_id]].append((sum(per_word), entry_id))
    shown = {
        kind: sorted(items, key=lambda x: (-x[0], x[1]))[:per_kind]
        for kind, items in by_kind.items()
    }
    ids = [entry_id for items in shown.values() for _, entry_id in items]
    entries = {
        e.id: e for e in session.scalars(select(SiteSearchEntry).where(SiteSearchEntry.id.in_(ids)))
    }
    groups = [
        Group(
            kind=kind,
            total=len(by_kind[kind]),
            hits=[
                Hit(
                    kind,
                    entries[i].entity_id,
                    entries[i].title,
                    entries[i].summary,
                    entries[i].url,
                    round(score, 3),
                )
                for score, i in items
            ],
        )
        for kind, items in shown.items()
    ]
    return Found(words=words, total=len(chosen), groups=groups, all_words=all_words)


def is_empty(session: Session) -> bool:
    """True when the index holds no entry at all (e.g. right after migration 0021)."""
    return session.scalar(select(SiteSearchEntry.id).limit(1)) is None
