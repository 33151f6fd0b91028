"""Organisations JSON API (twins of /organisationen and /organisationen/{id}): register,
list with filters, detail, join requests and answers, verification by moderators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from domstadt.core.auth.models import OrganisationKind
from domstadt.core.auth.permissions import Permission
from domstadt.core.auth.schemas import OrganisationPublic
from domstadt.participation.organisations import service
from domstadt.participation.organisations.schemas import (
    JoinDecision,
    JoinRequest,
    MembershipRequestPublic,
    MyMembership,
    OrganisationDetail,
    OrganisationFilter,
    OrganisationRegister,
    Verification,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(
    prefix="/api/v1", tags=["organisations"], dependencies=[Depends(verify_csrf_api)]
)


@router.get("/organisations", summary="Organisations taking part")
def organisations(
    session: SessionDep,
    actor: ActorDep,
    kind: OrganisationKind | None = None,
    district: Annotated[str | None, Query(max_length=40)] = None,
    verified: bool | None = None,
) -> list[OrganisationPublic]:
    """JSON twin of /organisationen; filter by `kind`, `district` (Stadtbezirk), `verified`."""
    filters = OrganisationFilter(kind=kind, district=district or None, verified=verified)
    return service.organisation_search(session, actor=actor, filters=filters)


@router.post(
    "/organisations",
    status_code=201,
    summary="Register an organisation",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def organisation_register(
    body: OrganisationRegister, session: SessionDep, actor: ActorDep
) -> OrganisationPublic:
    """Anyone signed in; starts unverified, the caller becomes its admin. A taken name is 409;
    `register_number` like `HRB 12345`, `website` http(s), `district` one of the nine
    Stadtbezirke (422 otherwise)."""
    return service.organisation_register(session, actor=actor, data=body)


@router.get("/organisations/{organisation_id}", summary="One organisation")
def organisation(organisation_id: int, session: SessionDep, actor: ActorDep) -> OrganisationDetail:
    """JSON twin of /organisationen/{id}: members who opted in (names only) and
    contributions."""
    return service.organisation_detail(session, actor=actor, organisation_id=organisation_id)


@router.post(
    "/organisations/{organisation_id}/membership",
    status_code=201,
    summary="Ask to join an organisation",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def membership_request(
    organisation_id: int, body: JoinRequest, session: SessionDep, actor: ActorDep
) -> MyMembership:
    """Signed-in people; 409 when already a member or already asked."""
    return service.membership_request(
        session, actor=actor, organisation_id=organisation_id, data=body
    )


@router.get("/organisations/{organisation_id}/requests", summary="Open join requests (its admins)")
def membership_requests(
    organisation_id: int, session: SessionDep, actor: ActorDep
) -> list[MembershipRequestPublic]:
    """403 for anyone but the organisation's admins and platform admins."""
    return service.membership_requests(session, actor=actor, organisation_id=organisation_id)


@router.post(
    "/organisations/{organisation_id}/requests/{user_id}",
    summary="Accept or decline a join request (its admins)",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def membership_decide(
    organisation_id: int, user_id: int, body: JoinDecision, session: SessionDep, actor: ActorDep
) -> list[MembershipRequestPublic]:
    """`{"accept": true}` takes the person in, `false` removes the request."""
    return service.membership_decide(
        session, actor=actor, organisation_id=organisation_id, user_id=user_id, data=body
    )


@router.post(
    "/organisations/{organisation_id}/verification",
    summary="Verify an organisation (moderators)",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def organisation_verify(
    organisation_id: int, body: Verification, session: SessionDep, actor: ActorDep
) -> OrganisationPublic:
    """`{"reason": "…"}` (at least 10 characters), audited and shown with the date."""
    return service.organisation_verify(
        session, actor=actor, organisation_id=organisation_id, data=body
    )
