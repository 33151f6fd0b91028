"""Native JSON API for the core: the signed-in person, tokens, departments, audit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from domstadt.core.audit import AuditPage
from domstadt.core.auth import directory_service as directory
from domstadt.core.auth import service as auth
from domstadt.core.auth import session_service as sessions
from domstadt.core.auth.permissions import Permission
from domstadt.core.auth.schemas import (
    DepartmentCreate,
    DepartmentNode,
    DepartmentPublic,
    SignInSessionPublic,
    TokenCreated,
    TokenPublic,
    UserPublic,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, session_key, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["core"], dependencies=[Depends(verify_csrf_api)])


class TokenRequest(BaseModel):
    """Name of a new API token."""

    name: str = Field(min_length=1, max_length=200)
    expires_at: dt.datetime | None = None
    """When the token stops working (None: valid until revoked)."""


@router.get("/me", summary="The person behind the token or session")
def me(session: SessionDep, actor: ActorDep) -> UserPublic:
    """401 without a valid token or session."""
    return auth.user_me(session, actor=actor)


@router.get("/tokens", summary="My API tokens")
def tokens(session: SessionDep, actor: ActorDep) -> list[TokenPublic]:
    """The caller's tokens without their secrets."""
    return auth.token_list(session, actor=actor)


@router.post(
    "/tokens",
    status_code=201,
    summary="Create an API token",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def token_create(body: TokenRequest, session: SessionDep, actor: ActorDep) -> TokenCreated:
    """The token is returned once; store it safely."""
    return auth.token_create(session, actor=actor, name=body.name, expires_at=body.expires_at)


@router.delete(
    "/tokens/{token_id}",
    summary="Revoke an API token",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def token_revoke(token_id: int, session: SessionDep, actor: ActorDep) -> TokenPublic:
    """Revoked tokens stop working at once."""
    return auth.token_revoke(session, actor=actor, token_id=token_id)


@router.get("/sessions", summary="My signed-in browser sessions")
def session_list(
    request: Request, session: SessionDep, actor: ActorDep
) -> list[SignInSessionPublic]:
    """JSON twin of the sessions on /konto; ``current`` marks the one of this request."""
    return sessions.session_list(session, actor=actor, current_key=session_key(request))


@router.delete(
    "/sessions/{session_id}",
    status_code=204,
    summary="End a sign-in session",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def session_end(session_id: int, session: SessionDep, actor: ActorDep) -> None:
    """The session's cookie stops working at once."""
    sessions.session_revoke(session, actor=actor, session_id=session_id)


@router.get("/departments", summary="Departments (Dezernate, Ämter) as a tree")
def departments(session: SessionDep, actor: ActorDep) -> list[DepartmentNode]:
    """JSON twin of /verwaltung."""
    return directory.department_tree(session, actor=actor)


@router.post(
    "/departments",
    status_code=201,
    summary="Add a department (admins)",
    openapi_extra=needs(Permission.DEPARTMENT_MANAGE),
)
def department_create(
    body: DepartmentCreate, session: SessionDep, actor: ActorDep
) -> DepartmentPublic:
    """Code must be new; parent given by code."""
    return directory.department_create(session, actor=actor, data=body)


@router.get("/departments/{code}", summary="One department")
def department(code: str, session: SessionDep, actor: ActorDep) -> DepartmentPublic:
    """JSON twin of /verwaltung/{code}."""
    return directory.department_get(session, actor=actor, code=code)


@router.get("/audit", summary="Audit log (admins)")
def audit_log(
    session: SessionDep,
    actor: ActorDep,
    entity_type: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditPage:
    """JSON twin of /admin/audit."""
    return auth.audit_list(
        session, actor=actor, entity_type=entity_type, limit=limit, offset=offset
    )
