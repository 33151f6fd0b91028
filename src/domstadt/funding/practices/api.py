"""Best-practice library JSON API (twins of /praxisbeispiele): practices with filters, one
practice with its ratings, rating a practice, and the practices most like a measure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from domstadt.core.auth.permissions import Permission
from domstadt.funding import practice_service as service
from domstadt.funding.practices.schemas import (
    PracticeFilter,
    PracticeList,
    PracticePublic,
    RatingInput,
    SimilarList,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["practices"], dependencies=[Depends(verify_csrf_api)])


@router.get("/practices", summary="Best practices of other cities")
def practices(
    session: SessionDep, actor: ActorDep, filters: Annotated[PracticeFilter, Query()]
) -> PracticeList:
    """`{"count": N, "items": [...]}`: `q` searches title, city, technology, topics, problem,
    solution and outcome; `technology` and `city` match part of the text; `status` is one of
    planned, pilot, running, verstetigt (made permanent after the funding ended), ended."""
    return service.practice_list(session, actor=actor, filters=filters)


@router.get("/practices/{practice_id}", summary="One best practice")
def practice(practice_id: int, session: SessionDep, actor: ActorDep) -> PracticePublic:
    """With its ratings and, per criterion, the mean and how many rated it."""
    return service.practice_get(session, actor=actor, practice_id=practice_id)


@router.put(
    "/practices/{practice_id}/rating",
    summary="Rate a best practice",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def rate(
    practice_id: int, data: RatingInput, session: SessionDep, actor: ActorDep
) -> PracticePublic:
    """Signed-in reviewers rate 1–5 per criterion (impact, cost, transferability, maturity,
    open_source) with a comment; a second rating replaces their first."""
    return service.rating_set(session, actor=actor, practice_id=practice_id, data=data)


@router.get("/measures/{measure_id}/practices", summary="Best practices like a measure")
def measure_practices(
    measure_id: int,
    session: SessionDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SimilarList:
    """`{"items": [{"practice": {…}, "score", "reasons": [text, …]}]}`, best first; reasons
    name the shared technology, shared topic words, the words in common and the text
    similarity."""
    return service.measure_practices(session, actor=actor, measure_id=measure_id, limit=limit)
