"""JSON API of developer apps (twin of /entwickler): apps, keys, usage; and /status.json."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from domstadt.core.auth.permissions import Permission
from domstadt.developers import app_service, usage_service
from domstadt.developers.schemas import (
    AppCreate,
    AppPublic,
    KeyCreate,
    KeyCreated,
    KeyPublic,
    UsageRow,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["developers"], dependencies=[Depends(verify_csrf_api)])


class PlanChange(BaseModel):
    """The plan an operator moves an app to."""

    model_config = ConfigDict(extra="forbid")

    plan: str = Field(min_length=1, max_length=40)


def default_plan(request: Request) -> str:
    """The plan of newly registered apps."""
    return str(request.app.state.settings.rate_limit_default_plan)


def plan_names(request: Request) -> list[str]:
    """The configured plans."""
    return list(request.app.state.rate_limiter.plans)


@router.get("/apps", summary="My registered apps (operators: ?all=true for everyone's)")
def apps(session: SessionDep, actor: ActorDep, all: bool = False) -> list[AppPublic]:
    """The caller's apps with their keys (never the secrets)."""
    return app_service.app_list(session, actor=actor, every_owner=all)


@router.post(
    "/apps",
    status_code=201,
    summary="Register an app",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def app_register(
    request: Request, body: AppCreate, session: SessionDep, actor: ActorDep
) -> AppPublic:
    """A new app on the default plan; create keys for it next."""
    return app_service.app_register(session, actor=actor, data=body, plan=default_plan(request))


@router.get("/apps/{app_id}", summary="One of my apps")
def app_get(app_id: int, session: SessionDep, actor: ActorDep) -> AppPublic:
    """The app with its keys."""
    return app_service.app_get(session, actor=actor, app_id=app_id)


@router.put(
    "/apps/{app_id}/plan",
    summary="Move an app to another plan (operators)",
    openapi_extra=needs(Permission.USER_MANAGE),
)
def app_plan(
    request: Request, app_id: int, body: PlanChange, session: SessionDep, actor: ActorDep
) -> AppPublic:
    """Plans and their rates are configured by DOMSTADT_RATE_LIMIT_PLANS."""
    return app_service.app_set_plan(
        session, actor=actor, app_id=app_id, plan=body.plan, plans=plan_names(request)
    )


@router.post(
    "/apps/{app_id}/keys",
    status_code=201,
    summary="Create an API key",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def key_create(app_id: int, body: KeyCreate, session: SessionDep, actor: ActorDep) -> KeyCreated:
    """The key is returned once; send it as the X-API-Key header."""
    return app_service.key_create(session, actor=actor, app_id=app_id, data=body)


@router.delete(
    "/apps/{app_id}/keys/{key_id}",
    summary="Revoke an API key",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def key_revoke(
    request: Request, app_id: int, key_id: int, session: SessionDep, actor: ActorDep
) -> KeyPublic:
    """A revoked key answers 401 from now on."""
    revoked = app_service.key_revoke(session, actor=actor, app_id=app_id, key_id=key_id)
    digest = app_service.key_hash_of(session, actor=actor, app_id=app_id, key_id=key_id)
    request.app.state.rate_limiter.forget(digest)
    return revoked


@router.get("/apps/{app_id}/usage", summary="Usage of an app per day and endpoint family")
def usage(
    request: Request, app_id: int, session: SessionDep, actor: ActorDep, days: int = 30
) -> list[UsageRow]:
    """Requests, errors, limited requests and latency (this process's counts at once, other
    workers' within DOMSTADT_USAGE_FLUSH_SECONDS)."""
    pending = request.app.state.rate_limiter.usage.peek(app_id)
    return usage_service.usage_of_app(
        session, actor=actor, app_id=app_id, days=days, pending=pending
    )
