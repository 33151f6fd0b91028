"""Feedback JSON API: a measure's voices, giving feedback, the summary per field, reports and
moderation (JSON twins of the feedback section of /massnahmen/{id} and of /moderation)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from domstadt.core.auth.permissions import Permission
from domstadt.participation.feedback import service
from domstadt.participation.feedback.schemas import (
    FeedbackCreate,
    FeedbackPublic,
    FeedbackSummary,
    HideRequest,
    MeasureFeedback,
    QueueItem,
    ReportCreate,
)
from domstadt.web.deps import OPEN_TO_ANYONE, ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["feedback"], dependencies=[Depends(verify_csrf_api)])


def client_address(request: Request) -> str:
    """The caller's address, the key of the report rate limit."""
    return request.client.host if request.client else "unknown"


@router.get("/measures/{measure_id}/feedback", summary="Feedback on a measure")
def measure_feedback(measure_id: int, session: SessionDep, actor: ActorDep) -> MeasureFeedback:
    """Visible comments newest first; aggregate split into companies and citizens."""
    return service.feedback_for_measure(session, actor=actor, measure_id=measure_id)


@router.post(
    "/measures/{measure_id}/feedback",
    status_code=201,
    summary="Comment on and rate a measure",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def feedback_submit(
    measure_id: int, body: FeedbackCreate, session: SessionDep, actor: ActorDep
) -> FeedbackPublic:
    """Signed-in people; `organisation_id` speaks for a verified organisation one belongs to.
    Sending again replaces one's earlier voice (personal or for that organisation)."""
    return service.feedback_submit(session, actor=actor, measure_id=measure_id, data=body)


@router.get("/feedback/summary", summary="Feedback aggregated per field of action")
def feedback_summary(
    session: SessionDep, actor: ActorDep, field: str | None = None
) -> FeedbackSummary:
    """Counts, mean relevance and stance mix per field (or of one field: `?field=slug`)."""
    return service.feedback_summary(session, actor=actor, field_slug=field or None)


@router.post(
    "/feedback/{feedback_id}/reports",
    status_code=204,
    summary="Report a comment (anyone)",
    openapi_extra=OPEN_TO_ANYONE,
)
def feedback_report(
    feedback_id: int, body: ReportCreate, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    """Ask the moderators to look at a comment; limited per client address."""
    service.feedback_report(
        session, actor=actor, feedback_id=feedback_id, data=body, client=client_address(request)
    )
    return Response(status_code=204)


@router.get("/moderation/feedback", summary="Reported comments (moderators)")
def moderation_queue(session: SessionDep, actor: ActorDep) -> list[QueueItem]:
    """JSON twin of /moderation."""
    return service.moderation_queue(session, actor=actor)


@router.post(
    "/feedback/{feedback_id}/hide",
    status_code=204,
    summary="Hide a comment",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def feedback_hide(
    feedback_id: int, body: HideRequest, session: SessionDep, actor: ActorDep
) -> Response:
    """Moderators hide a comment with a reason (kept in the audit log)."""
    service.feedback_hide(session, actor=actor, feedback_id=feedback_id, reason=body.reason)
    return Response(status_code=204)


@router.post(
    "/feedback/{feedback_id}/dismiss",
    status_code=204,
    summary="Dismiss a comment's reports",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def reports_dismiss(feedback_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Moderators close the open reports and keep the comment visible."""
    service.reports_dismiss(session, actor=actor, feedback_id=feedback_id)
    return Response(status_code=204)
