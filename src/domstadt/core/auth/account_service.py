"""The person's own account (GDPR): profile, export of all own data (Art. 15/20) and deletion
(Art. 17). Deletion anonymises the account row rather than removing it, so contributions and
audit entries keep pointing at one (anonymous) account, shown as "ehemaliges Konto"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth import account_parts
from domstadt.core.auth.models import (
    AccountToken,
    ApiToken,
    Membership,
    Role,
    SignInSession,
    User,
)
from domstadt.core.auth.passwords import verify_password
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.auth.schemas import ProfileUpdate
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound


def _me(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None or not user.is_active:
        raise NotFound("Dieses Konto gibt es nicht mehr.")
    return user


@requires(Permission.ACCOUNT_SELF)
def profile_update(session: Session, *, actor: Actor, data: ProfileUpdate) -> str:
    """Change my display name; returns it."""
    user = _me(session, actor)
    before = user.name
    user.name = data.name
    audit.record(
        session,
        actor=actor,
        action="user.profile_update",
        entity_type="user",
        entity_id=user.id,
        before={"name": before},
        after={"name": data.name},
    )
    return user.name


@requires(Permission.ACCOUNT_SELF)
def account_export(session: Session, *, actor: Actor) -> dict[str, Any]:
    """All data the platform holds about me, as JSON (GDPR Art. 15 and 20)."""
    user = _me(session, actor)
    memberships = session.scalars(select(Membership).where(Membership.user_id == user.id))
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
    sign_ins = session.scalars(select(SignInSession).where(SignInSession.user_id == user.id))
    own_audit = session.scalars(
        select(audit.AuditEntry)
        .where(audit.AuditEntry.actor_id == user.id)
        .order_by(audit.AuditEntry.id)
    )
    data: dict[str, Any] = {
        "format": "domstadt-account-export/1",
        "exported_at": utcnow().isoformat(),
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "created_at": user.created_at.isoformat(),
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "organisations": [
            {"id": m.organisation_id, "name": m.organisation.name, "is_admin": m.is_admin}
            for m in memberships
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in tokens
        ],
        "sign_in_sessions": [
            {
                "user_agent": s.user_agent,
                "created_at": s.created_at.isoformat(),
                "last_seen_at": s.last_seen_at.isoformat(),
                "revoked_at": _iso(s.revoked_at),
            }
            for s in sign_ins
        ],
        "activity": [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "entity_type": e.entity_type,
                "entity_id": e.entity_id,
            }
            for e in own_audit
        ],
    }
    for part in account_parts.parts():
        data[part.name] = part.export(session, actor)
    return data


@requires(Permission.ACCOUNT_SELF)
def account_delete(session: Session, *, actor: Actor, password: str) -> None:
    """Delete my account after checking my password: personal data goes, contributions stay
    under "ehemaliges Konto", audit entries keep the (anonymised) account id."""
    user = _me(session, actor)
    if not verify_password(user.password_hash, password):
        raise Invalid(
            "Das Passwort stimmt nicht; das Konto wurde nicht gelöscht.", field="password"
        )
    for part in account_parts.parts():
        part.forget(session, actor)
    for table in (Membership, ApiToken, SignInSession, AccountToken):
        session.execute(delete(table).where(table.user_id == user.id))
    user.email = f"geloescht-{user.id}@konto.invalid"
    user.name = account_parts.FORMER_ACCOUNT
    user.password_hash = "!"  # matches no password
    user.role = Role.MEMBER
    user.department_id = None
    user.is_active = False
    user.last_login_at = None
    session.flush()
    audit.forget_actor(session, user_id=user.id, label=account_parts.FORMER_ACCOUNT)
    audit.record(
        session,
        actor=actor.__class__(user_id=user.id, name=account_parts.FORMER_ACCOUNT, via="self"),
        action="user.delete",
        entity_type="user",
        entity_id=user.id,
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
