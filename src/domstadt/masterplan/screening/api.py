"""JSON API of the AI screening (twin of /massnahmen/{id}/ki-pruefung) and its coverage."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from domstadt.core.auth.permissions import Permission
from domstadt.masterplan.screening import library, service
from domstadt.masterplan.screening.library import ReferenceCase
from domstadt.masterplan.screening.rubric import ScreeningInput
from domstadt.masterplan.screening.schemas import (
    Coverage,
    ProposalPublic,
    Review,
    ScreeningPublic,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["screening"], dependencies=[Depends(verify_csrf_api)])


@router.get("/measures/{measure_id}/screening", summary="AI screening of a measure")
def screening(measure_id: int, session: SessionDep, actor: ActorDep) -> ScreeningPublic:
    """Proposal, review and the most similar reference cases (``screened`` false: none yet)."""
    return service.screening_get(session, actor=actor, measure_id=measure_id)


@router.get("/measures/{measure_id}/screening/proposal", summary="Automatic screening proposal")
def proposal(measure_id: int, session: SessionDep, actor: ActorDep) -> ProposalPublic:
    """The rubric's answers read from the measure's texts and linked datasets, each with its
    evidence, and the verdict they give. Not stored, not counted: an editor confirms it by
    sending ``inputs`` (as proposed or corrected) to PUT ../screening?from_proposal=true."""
    return service.screening_proposal(session, actor=actor, measure_id=measure_id)


@router.put(
    "/measures/{measure_id}/screening",
    summary="Answer the rubric (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def propose(
    measure_id: int,
    body: ScreeningInput,
    session: SessionDep,
    actor: ActorDep,
    from_proposal: bool = False,
) -> ScreeningPublic:
    """The system scores the answers and proposes; an earlier review is reset.
    ``from_proposal``: the answers are the automatic proposal, confirmed or corrected."""
    return service.screening_propose(
        session, actor=actor, measure_id=measure_id, data=body, from_proposal=from_proposal
    )


@router.post(
    "/measures/{measure_id}/screening/review",
    summary="Confirm or override",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def review(measure_id: int, body: Review, session: SessionDep, actor: ActorDep) -> ScreeningPublic:
    """An override needs reasons; they are published with the screening."""
    return service.screening_review(session, actor=actor, measure_id=measure_id, review=body)


@router.get("/screening/coverage", summary="Screening coverage per field and department")
def coverage(session: SessionDep, actor: ActorDep) -> Coverage:
    """How many measures are screened and reviewed."""
    return service.screening_coverage(session, actor=actor)


@router.get("/screening/reference-cases", summary="Reference library of public-sector AI cases")
def reference_cases() -> list[ReferenceCase]:
    """The cases shipped with Domstadt."""
    return list(library.cases())
