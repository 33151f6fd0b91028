"""JSON API of the initiatives registry and of near-duplicate detection."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from domstadt.core.auth.permissions import Permission
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.registry import review_service, service
from domstadt.masterplan.registry.models import InitiativeStatus, SuggestionStatus
from domstadt.masterplan.registry.schemas import (
    InitiativeCreate,
    InitiativePage,
    InitiativePublic,
    InitiativeSummary,
    SimilarResult,
    SuggestionPublic,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["initiatives"], dependencies=[Depends(verify_csrf_api)])


class Decision(BaseModel):
    """An editor's note on a duplicate decision."""

    note: str = Field(default="", max_length=2000)


@router.get("/initiatives", summary="Initiatives (merged duplicates left out)")
def initiative_list(
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: InitiativeStatus | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> InitiativePage:
    """JSON twin of /initiativen."""
    return service.initiative_list(
        session, actor=actor, q=q, status=status, page=page, per_page=per_page
    )


@router.post(
    "/initiatives",
    status_code=201,
    summary="Register an initiative (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def initiative_create(
    body: InitiativeCreate, session: SessionDep, actor: ActorDep
) -> InitiativePublic:
    """At least title and description; the answer carries the new ``id``."""
    return service.initiative_create(session, actor=actor, data=body)


@router.get("/initiatives/{initiative_id}", summary="One initiative")
def initiative_get(initiative_id: int, session: SessionDep, actor: ActorDep) -> InitiativePublic:
    """JSON twin of /initiativen/{id}; merged duplicates stay reachable."""
    return service.initiative_get(session, actor=actor, initiative_id=initiative_id)


@router.get("/measures/{measure_id}/initiatives", summary="Initiatives linked to a measure")
def measure_initiatives(
    measure_id: int, session: SessionDep, actor: ActorDep
) -> list[InitiativeSummary]:
    """The initiatives shown on the measure's page (404 for an unknown measure)."""
    measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    return service.initiatives_for_measure(session, actor=actor, measure_id=measure_id)


@router.put(
    "/initiatives/{initiative_id}",
    summary="Replace an initiative (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def initiative_update(
    initiative_id: int, body: InitiativeCreate, session: SessionDep, actor: ActorDep
) -> InitiativePublic:
    """All fields are replaced, measure links included."""
    return service.initiative_update(session, actor=actor, initiative_id=initiative_id, data=body)


@router.put(
    "/initiatives/{initiative_id}/measures/{measure_id}",
    summary="Link to a measure (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def initiative_link(
    initiative_id: int, measure_id: int, session: SessionDep, actor: ActorDep
) -> InitiativePublic:
    """Idempotent."""
    return service.initiative_link_measure(
        session, actor=actor, initiative_id=initiative_id, measure_id=measure_id
    )


@router.delete(
    "/initiatives/{initiative_id}/measures/{measure_id}",
    summary="Unlink from a measure",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def initiative_unlink(
    initiative_id: int, measure_id: int, session: SessionDep, actor: ActorDep
) -> InitiativePublic:
    """404 when the two were not linked."""
    return service.initiative_unlink_measure(
        session, actor=actor, initiative_id=initiative_id, measure_id=measure_id
    )


@router.get("/similar", summary="Similar initiatives and measures, with duplicate judgement")
def similar(
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=4000)],
    types: Annotated[str, Query(max_length=100)] = "initiative,measure",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SimilarResult:
    """Best first; ``duplicate`` is the judgement the review queue acts on."""
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    return review_service.similar_entries(session, actor=actor, text=q, types=wanted, limit=limit)


@router.get("/duplicate-suggestions", summary="Duplicate review queue (editors)")
def suggestions(
    session: SessionDep, actor: ActorDep, status: SuggestionStatus = SuggestionStatus.OPEN
) -> list[SuggestionPublic]:
    """JSON twin of /initiativen/dubletten."""
    return review_service.suggestion_list(session, actor=actor, status=status)


@router.post(
    "/duplicate-suggestions/{suggestion_id}/confirm",
    summary="Confirm (merge)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def confirm(
    suggestion_id: int, session: SessionDep, actor: ActorDep, body: Decision | None = None
) -> SuggestionPublic:
    """The initiative keeps ``duplicate_of`` and leaves the lists."""
    note = body.note if body else ""
    return review_service.suggestion_confirm(
        session, actor=actor, suggestion_id=suggestion_id, note=note
    )


@router.post(
    "/duplicate-suggestions/{suggestion_id}/reject",
    summary="Reject",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def reject(
    suggestion_id: int, session: SessionDep, actor: ActorDep, body: Decision | None = None
) -> SuggestionPublic:
    """The pair is never suggested again."""
    note = body.note if body else ""
    return review_service.suggestion_reject(
        session, actor=actor, suggestion_id=suggestion_id, note=note
    )
