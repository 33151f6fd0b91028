"""JSON API of the ecosystem directory (twin of /oekosystem) and of the market exploration
(twin of a measure's "Regionale Anbieter")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from domstadt.core.auth.permissions import Permission
from domstadt.funding import ecosystem_service as service
from domstadt.funding.ecosystem import providers
from domstadt.funding.ecosystem.schemas import (
    CpvPublic,
    CpvUpdate,
    DirectoryFilter,
    DirectoryList,
    EntryDetail,
    PersonProfile,
    PersonProfileUpdate,
    ProviderList,
    VocabularyPublic,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["ecosystem"], dependencies=[Depends(verify_csrf_api)])


@router.get("/ecosystem", summary="Competence and ecosystem directory")
def directory(
    session: SessionDep, actor: ActorDep, filters: Annotated[DirectoryFilter, Query()]
) -> DirectoryList:
    """`{"count": N, "items": [...]}`: organisations, people who opted in and labs. `q` searches
    names, descriptions and competences (a label or synonym of the vocabulary finds its
    concept: `KI` finds "Künstliche Intelligenz"); `competence` (concept id), `district`
    (Stadtbezirk) and `type` (company, startup, association, research, public_body, person,
    lab) filter. Each item names its `concepts` and its unmatched `free_tags`."""
    return service.directory_search(session, actor=actor, filters=filters)


@router.get("/ecosystem/competences", summary="The competence vocabulary")
def competences(session: SessionDep, actor: ActorDep) -> VocabularyPublic:
    """Every concept with German and English labels, synonyms and its ESCO URI."""
    return service.vocabulary_list(session, actor=actor)


@router.get("/ecosystem/organisations/{organisation_id}", summary="An organisation's entry")
def organisation(organisation_id: int, session: SessionDep, actor: ActorDep) -> EntryDetail:
    """With `links`: the measures, challenges and events it takes part in."""
    return service.organisation_entry(session, actor=actor, organisation_id=organisation_id)


@router.put(
    "/ecosystem/organisations/{organisation_id}/cpv",
    summary="Set an organisation's CPV codes",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def organisation_cpv(
    organisation_id: int, body: CpvUpdate, session: SessionDep, actor: ActorDep
) -> list[CpvPublic]:
    """Replaces the codes (`{"codes": ["72000000-5", "73000000"]}`; the check digit is
    completed). The organisation's admins only; an unknown code is refused with 422."""
    return service.organisation_cpv_set(
        session, actor=actor, organisation_id=organisation_id, data=body
    )


@router.get("/ecosystem/me", summary="My directory profile")
def my_profile(session: SessionDep, actor: ActorDep) -> PersonProfile:
    """The signed-in person's own profile."""
    return service.person_profile_get(session, actor=actor)


@router.put(
    "/ecosystem/me",
    summary="Save my directory profile",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def my_profile_set(
    body: PersonProfileUpdate, session: SessionDep, actor: ActorDep
) -> PersonProfile:
    """`listed: true` puts me into the directory with my competences and Stadtbezirk."""
    return service.person_profile_set(session, actor=actor, data=body)


@router.get("/measures/{measure_id}/providers", summary="Regional providers for a measure")
def measure_providers(
    measure_id: int,
    session: SessionDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ProviderList:
    """Market exploration (§ 28 VgV, not a pre-selection; the `caveat` says so): organisations
    whose competences or CPV codes match the measure, Köln first, then the region, each with
    the matching competences named."""
    return service.measure_providers(session, actor=actor, measure_id=measure_id, limit=limit)


@router.get("/measures/{measure_id}/providers.csv", summary="Regional providers as CSV")
def measure_providers_csv(
    measure_id: int, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    """The same list as CSV (UTF-8; the caveat in the first line)."""
    result = service.measure_providers(session, actor=actor, measure_id=measure_id, limit=200)
    base = str(request.base_url).rstrip("/")
    return Response(
        providers.to_csv(result, base),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="anbieter-{result.measure.code}.csv"'
        },
    )


@router.get("/measures/{measure_id}/cpv", summary="A measure's CPV codes")
def measure_cpv(measure_id: int, session: SessionDep, actor: ActorDep) -> list[CpvPublic]:
    """The CPV codes set on the measure."""
    return service.measure_cpv(session, actor=actor, measure_id=measure_id)


@router.put(
    "/measures/{measure_id}/cpv",
    summary="Set a measure's CPV codes",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def measure_cpv_set(
    measure_id: int, body: CpvUpdate, session: SessionDep, actor: ActorDep
) -> list[CpvPublic]:
    """Replaces the codes; editors of the measure's lead department only; an unknown code is
    refused with 422."""
    return service.measure_cpv_set(session, actor=actor, measure_id=measure_id, data=body)
