"""Near-duplicate detection as a service: similar entries while typing, and the review queue
where editors confirm (merge, keeping ``duplicate_of``) or reject a suggestion."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.masterplan.registry import duplicates
from domstadt.masterplan.registry.models import DuplicateSuggestion, Initiative, SuggestionStatus
from domstadt.masterplan.registry.schemas import SimilarItem, SimilarResult, SuggestionPublic

MAX_QUERY_CHARS = 4000
MAX_LIMIT = 50


def _types(types: list[str] | None) -> list[str]:
    wanted = types or list(duplicates.TYPES)
    unknown = [t for t in wanted if t not in duplicates.TYPES]
    if unknown:
        raise Invalid(
            f"Unbekannter Typ '{unknown[0]}'; erlaubt sind initiative und measure.", field="types"
        )
    return wanted


@public("finding similar public entries reveals nothing that is not already public")
def similar_entries(
    session: Session,
    *,
    actor: Actor,
    text: str,
    types: list[str] | None = None,
    limit: int = 10,
    exclude_initiative: int | None = None,
) -> SimilarResult:
    """Entries like ``text``, best first, each with the platform's duplicate judgement."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit muss zwischen 1 und {MAX_LIMIT} liegen.", field="limit")
    kinds = _types(types)
    text = text.strip()[:MAX_QUERY_CHARS]
    if len(text) < 3:
        return SimilarResult(items=[])
    exclude = [(duplicates.KIND, exclude_initiative)] if exclude_initiative else []
    found = duplicates.judged(session, text, kinds=kinds, limit=limit, exclude=exclude)
    names = duplicates.titles(session, [(h.kind, h.entity_id) for h, _ in found])
    return SimilarResult(
        items=[
            SimilarItem(
                type=hit.kind,
                id=hit.entity_id,
                title=names.get((hit.kind, hit.entity_id), f"{hit.kind} {hit.entity_id}"),
                score=round(verdict.score, 4),
                duplicate=verdict.duplicate,
                reasons=verdict.reasons,
            )
            for hit, verdict in found
        ]
    )


def _public(session: Session, rows: list[DuplicateSuggestion]) -> list[SuggestionPublic]:
    keys = [(duplicates.KIND, r.initiative_id) for r in rows]
    keys += [(r.other_kind, r.other_id) for r in rows]
    names = duplicates.titles(session, keys)
    return [
        SuggestionPublic(
            id=r.id,
            initiative_id=r.initiative_id,
            initiative_title=names.get((duplicates.KIND, r.initiative_id), ""),
            other_type=r.other_kind,
            other_id=r.other_id,
            other_title=names.get((r.other_kind, r.other_id), ""),
            score=r.score,
            reasons=list(r.reasons or []),
            status=r.status,
            decided_by=r.decided_by,
            decision_note=r.decision_note,
        )
        for r in rows
    ]


@requires(Permission.CONTENT_EDIT)
def suggestions_rescan(
    session: Session, *, actor: Actor, initiative_ids: list[int] | None = None
) -> int:
    """Look for duplicates of the given (default: all unmerged) initiatives again, e.g. after
    an import whose rows duplicate each other; returns how many new suggestions were made."""
    stmt = select(Initiative).where(
        Initiative.duplicate_of_id.is_(None), Initiative.duplicate_of_measure_id.is_(None)
    )
    if initiative_ids is not None:
        stmt = stmt.where(Initiative.id.in_(initiative_ids))
    found = 0
    for row in session.scalars(stmt.order_by(Initiative.id)).all():
        text = duplicates.text_of(row.title, row.description)
        found += len(duplicates.suggest(session, row.id, text))
    if found:
        audit.record(
            session,
            actor=actor,
            action="duplicate.rescan",
            entity_type="initiative",
            entity_id="*",
            after={"suggestions": found},
        )
    return found


@requires(Permission.CONTENT_EDIT)
def suggestion_list(
    session: Session, *, actor: Actor, status: SuggestionStatus = SuggestionStatus.OPEN
) -> list[SuggestionPublic]:
    """The review queue: suggestions in ``status``, most similar first."""
    rows = session.scalars(
        select(DuplicateSuggestion)
        .where(DuplicateSuggestion.status == status)
        .order_by(DuplicateSuggestion.score.desc(), DuplicateSuggestion.id)
        .limit(500)
    ).all()
    return _public(session, list(rows))


def _open(session: Session, suggestion_id: int) -> DuplicateSuggestion:
    row = session.get(DuplicateSuggestion, suggestion_id)
    if row is None:
        raise NotFound(f"Dubletten-Vorschlag {suggestion_id} gibt es nicht.")
    if row.status != SuggestionStatus.OPEN:
        raise Conflict(f"Der Vorschlag {suggestion_id} wurde bereits entschieden.")
    return row


def _decide(
    session: Session, actor: Actor, row: DuplicateSuggestion, status: SuggestionStatus, note: str
) -> SuggestionPublic:
    row.status = status
    row.decided_at = utcnow()
    row.decided_by = actor.label
    row.decision_note = note.strip()[:2000]
    session.flush()
    result = _public(session, [row])[0]
    audit.record(
        session,
        actor=actor,
        action=f"duplicate.{status.value}",
        entity_type="initiative",
        entity_id=row.initiative_id,
        after=result,
    )
    return result


@requires(Permission.CONTENT_EDIT)
def suggestion_confirm(
    session: Session, *, actor: Actor, suggestion_id: int, note: str = ""
) -> SuggestionPublic:
    """Merge: the initiative is marked a duplicate of the other entry and leaves the lists
    (its page stays reachable and points to the original)."""
    row = _open(session, suggestion_id)
    initiative = session.get(Initiative, row.initiative_id)
    if initiative is None:  # pragma: no cover - cascades delete suggestions with initiatives
        raise NotFound(f"Initiative {row.initiative_id} gibt es nicht.")
    if row.other_kind == duplicates.KIND:
        initiative.duplicate_of_id = row.other_id
    else:
        initiative.duplicate_of_measure_id = row.other_id
    initiative.updated_at = utcnow()
    return _decide(session, actor, row, SuggestionStatus.CONFIRMED, note)


@requires(Permission.CONTENT_EDIT)
def suggestion_reject(
    session: Session, *, actor: Actor, suggestion_id: int, note: str = ""
) -> SuggestionPublic:
    """Not a duplicate: the pair is kept as rejected and never suggested again."""
    row = _open(session, suggestion_id)
    return _decide(session, actor, row, SuggestionStatus.REJECTED, note)


class RescanReport(BaseModel):
    """What a rescan did: initiatives compared, open suggestions dropped and found again."""

    scanned: int
    dropped: int
    suggested: int


@requires(Permission.CONTENT_EDIT)
def suggestions_recompute(session: Session, *, actor: Actor) -> RescanReport:
    """Recompute the open duplicate suggestions of every initiative that is not merged.

    Open suggestions are dropped and found again with the current judgement; confirmed and
    rejected ones stay and are not suggested again.
    """
    is_open = DuplicateSuggestion.status == SuggestionStatus.OPEN
    dropped = session.scalar(select(func.count()).where(is_open)) or 0
    session.execute(delete(DuplicateSuggestion).where(is_open))
    rows = session.execute(
        select(Initiative.id, Initiative.title, Initiative.description)
        .where(Initiative.duplicate_of_id.is_(None), Initiative.duplicate_of_measure_id.is_(None))
        .order_by(Initiative.id)
    ).all()
    found = sum(
        len(duplicates.suggest(session, i, duplicates.text_of(title, text)))
        for i, title, text in rows
    )
    report = RescanReport(scanned=len(rows), dropped=dropped, suggested=found)
    audit.record(session, actor=actor, action="initiative.rescan", entity_type="initiative",
                 entity_id="*", after=report)  # fmt: skip
    return report
