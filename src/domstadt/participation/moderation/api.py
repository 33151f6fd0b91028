"""Moderation JSON API: reports (anyone), the queue and decisions (moderators), and one's own
hidden items (JSON twins of /admin/moderation and /konto/ausgeblendet)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from domstadt.core.auth.permissions import Permission
from domstadt.core.mail import Mailer
from domstadt.participation import moderation_service as service
from domstadt.participation.moderation.schemas import (
    HiddenItem,
    HideRequest,
    ItemState,
    QueueEntry,
    ReportCreate,
    ReportReceipt,
)
from domstadt.web.deps import (
    OPEN_TO_ANYONE,
    ActorDep,
    SessionDep,
    client_address,
    needs,
    verify_csrf_api,
)

router = APIRouter(
    prefix="/api/v1/moderation", tags=["moderation"], dependencies=[Depends(verify_csrf_api)]
)


def mailer(request: Request) -> Mailer:
    """The app's mail sender (SMTP or the outbox)."""
    return Mailer(request.app.state.settings)


@router.post(
    "/reports",
    status_code=201,
    summary="Report a text to the moderators (anyone)",
    openapi_extra=OPEN_TO_ANYONE,
)
def report_create(
    body: ReportCreate, request: Request, response: Response, session: SessionDep, actor: ActorDep
) -> ReportReceipt:
    """201 with the new report; 200 with the first one when this client already reported the
    item and it is still open (idempotent). At most 10 reports per hour and address (429)."""
    receipt = service.report_create(session, actor=actor, data=body, client=client_address(request))
    if receipt.already_reported:
        response.status_code = 200
    return receipt


@router.get("/reports", summary="Reported items with their open reports (moderators)")
def report_queue(session: SessionDep, actor: ActorDep) -> list[QueueEntry]:
    """JSON twin of /admin/moderation."""
    return service.report_queue(session, actor=actor)


@router.post(
    "/items/{kind}/{item_id}/hide",
    summary="Hide an item with a reason (moderators)",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def item_hide(
    kind: str,
    item_id: int,
    body: HideRequest,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
) -> ItemState:
    """The reason is required (422 without) and shown to the author, who gets a mail."""
    return service.item_hide(
        session,
        actor=actor,
        kind=kind,
        item_id=item_id,
        reason=body.reason,
        mailer=mailer(request),
    )


@router.post(
    "/items/{kind}/{item_id}/unhide",
    summary="Show a hidden item again (moderators)",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def item_unhide(
    kind: str, item_id: int, request: Request, session: SessionDep, actor: ActorDep
) -> ItemState:
    """The author gets a mail."""
    return service.item_unhide(
        session, actor=actor, kind=kind, item_id=item_id, mailer=mailer(request)
    )


@router.post(
    "/items/{kind}/{item_id}/dismiss",
    summary="Dismiss an item's reports (moderators)",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def reports_dismiss(kind: str, item_id: int, session: SessionDep, actor: ActorDep) -> ItemState:
    """Close the open reports and keep the item visible."""
    return service.reports_dismiss(session, actor=actor, kind=kind, item_id=item_id)


@router.get("/hidden", summary="Recently hidden items (moderators)")
def hidden_recent(session: SessionDep, actor: ActorDep) -> list[HiddenItem]:
    """Newest first, at most 100."""
    return service.hidden_recent(session, actor=actor)


@router.get("/mine", summary="My hidden items")
def my_hidden(session: SessionDep, actor: ActorDep) -> list[HiddenItem]:
    """The signed-in person's items hidden by the moderation, with the reason."""
    return service.my_hidden(session, actor=actor)
