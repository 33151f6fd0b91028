"""Near-duplicate candidates from core similarity, judged by :mod:`signals`, and suggestions.

Helpers of the registry's services (no permission checks here: callers check).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domstadt.core.text import SimilarHit, get_embedder, similar
from domstadt.core.text.models import SearchDocument, TextEmbedding
from domstadt.masterplan.registry.judgement import Assessment, assess
from domstadt.masterplan.registry.models import DuplicateSuggestion, Initiative, SuggestionStatus

KIND = "initiative"
MEASURE_KIND = "measure"
TYPES = (KIND, MEASURE_KIND)
SUGGEST_LIMIT = 5
POOL_FACTOR = 2
MAX_POOL = 200


def text_of(title: str, description: str) -> str:
    """The text an initiative is compared by: title line, then description."""
    return f"{title.strip()}\n{description.strip()}".strip()


def _by_kind(keys: list[tuple[str, int]]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for kind, entity_id in keys:
        grouped.setdefault(kind, []).append(entity_id)
    return grouped


def _stored_texts(session: Session, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The texts core similarity compared (one indexed query per kind)."""
    found: dict[tuple[str, int], str] = {}
    for kind, ids in _by_kind(keys).items():
        rows = session.execute(
            select(TextEmbedding.entity_id, TextEmbedding.text).where(
                TextEmbedding.kind == kind, TextEmbedding.entity_id.in_(ids)
            )
        )
        found.update({(kind, entity_id): value for entity_id, value in rows})
    return found


def _hidden(session: Session, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    rows = session.scalars(
        select(Initiative.id).where(
            Initiative.id.in_(ids),
            or_(
                Initiative.duplicate_of_id.is_not(None),
                Initiative.duplicate_of_measure_id.is_not(None),
            ),
        )
    )
    return set(rows)


def judged(
    session: Session,
    text: str,
    *,
    kinds: Collection[str] = TYPES,
    limit: int = 10,
    exclude: Collection[tuple[str, int]] = (),
) -> list[tuple[SimilarHit, Assessment]]:
    """Candidates like ``text`` with the platform's verdict, best (judged) score first.

    Core similarity proposes a pool of ``POOL_FACTOR`` × ``limit`` candidates; each is judged
    (:mod:`judgement`) and the pool re-ordered by the judged probability. Initiatives already
    merged into another entry are left out.
    """
    pool = min(limit * POOL_FACTOR, MAX_POOL)
    hits = similar(session, text, kinds=list(kinds), limit=pool, exclude=exclude)
    texts = _stored_texts(session, [(h.kind, h.entity_id) for h in hits])
    hidden = _hidden(session, [h.entity_id for h in hits if h.kind == KIND])
    floor = get_embedder().cosine_floor
    found = [
        (hit, assess(text, texts.get((hit.kind, hit.entity_id), ""), hit.score,
                     cosine=hit.cosine, floor=floor))
        for hit in hits
        if not (hit.kind == KIND and hit.entity_id in hidden)
    ]  # fmt: skip
    found.sort(key=lambda pair: -pair[1].score)
    return found[:limit]


def titles(session: Session, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Display titles of initiatives and measures (from the full-text index)."""
    found: dict[tuple[str, int], str] = {}
    for kind, ids in _by_kind(keys).items():
        rows = session.execute(
            select(SearchDocument.entity_id, SearchDocument.title).where(
                SearchDocument.kind == kind, SearchDocument.entity_id.in_(ids)
            )
        )
        found.update({(kind, entity_id): title for entity_id, title in rows})
    return found


def _decided_pairs(session: Session, initiative_id: int) -> set[tuple[str, int]]:
    """Entries already suggested for (or rejected with) this initiative, in either direction."""
    rows = session.execute(
        select(
            DuplicateSuggestion.initiative_id,
            DuplicateSuggestion.other_kind,
            DuplicateSuggestion.other_id,
        ).where(
            or_(
                DuplicateSuggestion.initiative_id == initiative_id,
                (DuplicateSuggestion.other_kind == KIND)
                & (DuplicateSuggestion.other_id == initiative_id),
            )
        )
    )
    seen: set[tuple[str, int]] = set()
    for owner, kind, other in rows:
        seen.add((kind, other) if owner == initiative_id else (KIND, owner))
    return seen


def suggest(session: Session, initiative_id: int, text: str) -> list[DuplicateSuggestion]:
    """Store open suggestions for every candidate judged a duplicate (not seen before)."""
    seen = _decided_pairs(session, initiative_id)
    created = []
    for hit, verdict in judged(session, text, limit=SUGGEST_LIMIT, exclude=[(KIND, initiative_id)]):
        key = (hit.kind, hit.entity_id)
        if not verdict.duplicate or key in seen:
            continue
        row = DuplicateSuggestion(
            initiative_id=initiative_id,
            other_kind=hit.kind,
            other_id=hit.entity_id,
            score=round(verdict.score, 4),
            reasons=[f"Ähnlichkeit {verdict.base:.2f}"],
            status=SuggestionStatus.OPEN,
            decided_by="",
            decision_note="",
        )
        session.add(row)
        created.append(row)
    session.flush()
    return created
