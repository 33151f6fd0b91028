"""Labs and UX tests JSON API (twins of /labore): sessions with SUS per service, sign-up,
findings, SUS questionnaires, cancellation and moderation."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from domstadt.core.auth.permissions import Permission
from domstadt.participation import lab_edit_service, lab_finding_service
from domstadt.participation import lab_service as service
from domstadt.participation.events.schemas import HideRequest
from domstadt.participation.labs import sus
from domstadt.participation.labs.schemas import (
    FindingCreate,
    FindingPublic,
    LabCancel,
    LabOverview,
    LabSessionCreate,
    LabSessionPublic,
    LabSessionUpdate,
    SignupPublic,
    SusAnswers,
    SusResult,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["labs"], dependencies=[Depends(verify_csrf_api)])


@router.get("/ux-tests", summary="Lab sessions and UX tests")
def ux_tests(session: SessionDep, actor: ActorDep, service_name: str | None = None) -> LabOverview:
    """`items`: sessions soonest first (each with `id` and its SUS summary); `services`: mean
    SUS per service with 95 % confidence interval (t distribution) and the trend."""
    return service.lab_overview(session, actor=actor, service_name=service_name or None)


@router.get("/ux-tests/sus-items", summary="The ten SUS items in German")
def sus_items() -> list[str]:
    """In questionnaire order; answers run from 1 (disagree strongly) to 5 (agree strongly)."""
    return list(sus.ITEMS_DE)


@router.get("/ux-tests/{session_id}", summary="One lab session")
def ux_test(session_id: int, session: SessionDep, actor: ActorDep) -> LabSessionPublic:
    """JSON twin of /labore/{id}."""
    return service.lab_get(session, actor=actor, session_id=session_id)


@router.post(
    "/ux-tests",
    status_code=201,
    summary="Create a lab session (department editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def ux_test_create(
    body: LabSessionCreate, session: SessionDep, actor: ActorDep
) -> LabSessionPublic:
    """Tied to `service_name` and/or `measure_id`; times without offset are Europe/Berlin."""
    return service.lab_create(session, actor=actor, data=body)


@router.patch(
    "/ux-tests/{session_id}",
    summary="Change a lab session (department editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def ux_test_update(
    session_id: int, body: LabSessionUpdate, session: SessionDep, actor: ActorDep
) -> LabSessionPublic:
    """Only the fields given change (the department stays); `capacity` below the confirmed
    sign-ups → 422, a start moved into the past → 422; more seats move people up from the
    waiting list. Audited as `lab.update` with before and after."""
    return lab_edit_service.lab_session_update(
        session, actor=actor, session_id=session_id, data=body
    )


@router.post(
    "/ux-tests/{session_id}/cancel",
    summary="Cancel a lab session (department editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def ux_test_cancel(
    session_id: int, body: LabCancel, session: SessionDep, actor: ActorDep
) -> LabSessionPublic:
    """Calls the session off with a `reason` (3 to 500 characters); sign-ups end, followers
    are told. A cancelled session → 409 (also for changes). Audited as `lab.cancel`."""
    return lab_edit_service.lab_session_cancel(
        session, actor=actor, session_id=session_id, data=body
    )


@router.post(
    "/ux-tests/{session_id}/sus",
    status_code=201,
    summary="Answer the SUS questionnaire",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def sus_submit(
    session_id: int, body: SusAnswers, session: SessionDep, actor: ActorDep
) -> SusResult:
    """`{"answers": [ten integers 1..5]}` → the score 0..100 (Brooke 1996). Not ten answers or
    one outside 1..5 → 422 naming the rule. Answering again replaces one's earlier answers."""
    return service.sus_submit(session, actor=actor, session_id=session_id, answers=body.answers)


@router.post(
    "/ux-tests/{session_id}/signups",
    status_code=201,
    summary="Sign up for a session",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def signup(
    session_id: int, session: SessionDep, actor: ActorDep, waiting_list: bool = True
) -> SignupPublic:
    """A seat while free; when full the waiting list, or 409 with `waiting_list=false`."""
    return service.lab_signup(
        session, actor=actor, session_id=session_id, waiting_list=waiting_list
    )


@router.delete(
    "/ux-tests/{session_id}/signup",
    summary="Withdraw one's sign-up",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def signup_cancel(session_id: int, session: SessionDep, actor: ActorDep) -> SignupPublic:
    """The first on the waiting list moves up."""
    return service.lab_signup_cancel(session, actor=actor, session_id=session_id)


@router.post(
    "/ux-tests/{session_id}/findings",
    status_code=201,
    summary="Record a finding",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def finding_add(
    session_id: int, body: FindingCreate, session: SessionDep, actor: ActorDep
) -> FindingPublic:
    """Editors of the session's department; severity cosmetic, minor, major or critical."""
    return lab_finding_service.finding_add(session, actor=actor, session_id=session_id, data=body)


@router.post(
    "/ux-tests/{session_id}/hide",
    status_code=204,
    summary="Hide a session (moderators)",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def hide(session_id: int, body: HideRequest, session: SessionDep, actor: ActorDep) -> Response:
    """Moderators hide a session with a reason (kept in the audit log)."""
    service.lab_hide(session, actor=actor, session_id=session_id, reason=body.reason)
    return Response(status_code=204)


@router.post(
    "/ux-findings/{finding_id}/hide",
    status_code=204,
    summary="Hide a finding",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def finding_hide(
    finding_id: int, body: HideRequest, session: SessionDep, actor: ActorDep
) -> Response:
    """Moderators hide a finding with a reason (kept in the audit log)."""
    lab_finding_service.finding_hide(
        session, actor=actor, finding_id=finding_id, reason=body.reason
    )
    return Response(status_code=204)
