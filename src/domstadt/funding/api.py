"""Funding radar JSON API (twins of /foerderung): programmes, matches for measures and other
targets, the measures a programme fits, city programmes and their digital criteria."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from domstadt import funding_match_service as match_service
from domstadt import funding_service as service
from domstadt.core.auth.permissions import Permission
from domstadt.funding.schemas import (
    CityProgrammeCreate,
    DigitalCriteriaUpdate,
    FundingDashboard,
    MatchList,
    MeasureFit,
    ProgrammeFilter,
    ProgrammeList,
    ProgrammePublic,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["funding"], dependencies=[Depends(verify_csrf_api)])


@router.get("/funding/programmes", summary="Funding programmes")
def programmes(
    session: SessionDep, actor: ActorDep, filters: Annotated[ProgrammeFilter, Query()]
) -> ProgrammeList:
    """`{"count": N, "items": [...]}`: `q` searches title, provider, description and topics;
    `level` (eu, bund, land, kommune, privat), `status` (open, rolling, upcoming, closed: today's,
    a passed deadline closes a call) and `topic` filter; soonest deadline first."""
    return service.programme_list(session, actor=actor, filters=filters)


@router.get("/funding/programmes/{programme_id}", summary="One funding programme")
def programme(programme_id: int, session: SessionDep, actor: ActorDep) -> ProgrammePublic:
    """With its change history. `no_derivatives`: texts under CC BY-ND, shown unaltered with
    `attribution`."""
    return service.programme_get(session, actor=actor, programme_id=programme_id)


@router.get("/funding/programmes/{programme_id}/measures", summary="Measures a programme fits")
def programme_measures(programme_id: int, session: SessionDep, actor: ActorDep) -> list[MeasureFit]:
    """Best first, each with score (0..1) and reasons."""
    return match_service.programme_measures(session, actor=actor, programme_id=programme_id)


@router.get("/measures/{measure_id}/funding", summary="Funding programmes that fit a measure")
def measure_funding(
    measure_id: int,
    session: SessionDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> MatchList:
    """`{"items": [{"programme": {…}, "score", "reasons": [text, …]}]}`, best first. Reasons
    name the eligible applicant, region, shared topics, text similarity and the deadline.
    Closed programmes, programmes of other regions and programmes the city cannot apply for
    are left out."""
    return match_service.measure_funding(session, actor=actor, measure_id=measure_id, limit=limit)


@router.get("/funding/matches/{kind}/{target_id}", summary="Programmes for another target")
def target_funding(
    kind: Literal["initiative", "challenge", "organisation"],
    target_id: int,
    session: SessionDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> MatchList:
    """Like /measures/{id}/funding for an initiative, a challenge or an organisation (whose
    kind decides the applicant group: company → KMU, research → Forschung, …)."""
    return match_service.target_funding(
        session, actor=actor, kind=kind, target_id=target_id, limit=limit
    )


@router.post(
    "/funding/city-programmes",
    status_code=201,
    summary="Create a city programme",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def city_programme_create(
    body: CityProgrammeCreate, session: SessionDep, actor: ActorDep
) -> ProgrammePublic:
    """A programme of the city (S3.3), owned by `department_code`; its editors only."""
    return service.city_programme_create(session, actor=actor, data=body)


@router.put(
    "/funding/programmes/{programme_id}/digital-criteria",
    summary="Set a city programme's digital criteria",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def digital_criteria(
    programme_id: int, body: DigitalCriteriaUpdate, session: SessionDep, actor: ActorDep
) -> ProgrammePublic:
    """Replaces the tags; editors of the programme's department (and admins) only."""
    return service.digital_criteria_update(
        session, actor=actor, programme_id=programme_id, data=body
    )


@router.get("/funding/dashboard", summary="Funding dashboard figures")
def dashboard(session: SessionDep, actor: ActorDep) -> FundingDashboard:
    """Open programmes by level and topic, deadlines this quarter, measures without a fitting
    programme (JSON twin of /foerderung/uebersicht)."""
    return match_service.dashboard(session, actor=actor)
