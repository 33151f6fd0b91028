"""Subscriptions JSON API (JSON twin of /konto/abonnements): list, create, end, deliveries."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from domstadt.core.auth.permissions import Permission
from domstadt.subscriptions import service
from domstadt.subscriptions.schemas import (
    DeliveryPublic,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPublic,
)
from domstadt.subscriptions.transport import DeliveryConfig
from domstadt.web.deps import OPEN_TO_ANYONE, ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(
    prefix="/api/v1", tags=["subscriptions"], dependencies=[Depends(verify_csrf_api)]
)


def delivery_config(request: Request) -> DeliveryConfig:
    """SMTP, base URL and webhook rules from the app's settings."""
    return DeliveryConfig.from_settings(request.app.state.settings)


def client_address(request: Request) -> str:
    """The caller's address (rate limit of anonymous subscriptions)."""
    return request.client.host if request.client else "unknown"


@router.get("/subscriptions", summary="My subscriptions")
def my_subscriptions(session: SessionDep, actor: ActorDep) -> list[SubscriptionPublic]:
    """The signed-in person's subscriptions, newest first."""
    return service.my_subscriptions(session, actor=actor)


@router.post(
    "/subscriptions",
    status_code=201,
    summary="Follow a measure, field, challenge, event or organisation",
    openapi_extra=OPEN_TO_ANYONE,
)
def subscribe(
    body: SubscriptionCreate, request: Request, session: SessionDep, actor: ActorDep
) -> SubscriptionCreated:
    """`measure_id` or `field` (slug); channel `email` (digest) or `webhook` (`webhook_url`;
    the returned `secret` signs every POST as `X-Domstadt-Signature: sha256=<hex HMAC>`).
    Without sign-in: e-mail only, confirmed by the link sent to `email`."""
    return service.subscribe(
        session,
        actor=actor,
        data=body,
        config=delivery_config(request),
        client=client_address(request),
    )


@router.delete(
    "/subscriptions/{subscription_id}",
    summary="End a subscription",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def cancel(subscription_id: int, session: SessionDep, actor: ActorDep) -> SubscriptionPublic:
    """End one of one's own subscriptions."""
    return service.subscription_cancel(session, actor=actor, subscription_id=subscription_id)


@router.get("/subscriptions/{subscription_id}/deliveries", summary="Webhook deliveries")
def deliveries(subscription_id: int, session: SessionDep, actor: ActorDep) -> list[DeliveryPublic]:
    """The newest deliveries with attempts, last HTTP status and next retry."""
    return service.subscription_deliveries(session, actor=actor, subscription_id=subscription_id)
