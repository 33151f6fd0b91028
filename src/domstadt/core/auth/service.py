"""People, sign-in, API tokens and the audit log: the operations behind API, views and CLI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth import session_service, throttle
from domstadt.core.auth.actors import actor_of, actor_of_user
from domstadt.core.auth.models import ApiToken, Department, Membership, Role, User
from domstadt.core.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from domstadt.core.auth.permissions import Actor, Permission, check, public, requires
from domstadt.core.auth.schemas import (
    CredentialStanding,
    OrganisationRef,
    SignedIn,
    TokenCreated,
    TokenPublic,
    UserCreate,
    UserPublic,
    checked_expiry,
)
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound, Unauthenticated

LOGIN_FAILED = "E-Mail-Adresse oder Passwort ist falsch."
NOT_CONFIRMED = (
    "Ihre E-Mail-Adresse ist noch nicht bestätigt. Bitte folgen Sie dem Link in unserer "
    "E-Mail; Sie können ihn hier erneut anfordern."
)


class NotConfirmed(Unauthenticated):
    """Right password, but the address was never confirmed (double opt-in)."""

    code = "not_confirmed"


TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def _user_public(session: Session, user: User) -> UserPublic:
    memberships = session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    public_user = UserPublic.model_validate(user)
    public_user.department_name = user.department.name if user.department else None
    public_user.organisations = [
        OrganisationRef(
            id=m.organisation.id,
            name=m.organisation.name,
            verified=m.organisation.verified,
            is_admin=m.is_admin,
        )
        for m in memberships
    ]
    return public_user


def _find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


@requires(Permission.USER_MANAGE)
def user_create(session: Session, *, actor: Actor, data: UserCreate) -> UserPublic:
    """Create an account; e-mail must be new, an editor needs a department."""
    email = str(data.email).lower()
    if _find_user(session, email):
        raise Conflict(f"Es gibt bereits ein Konto mit der E-Mail-Adresse {email}.", field="email")
    department_id = None
    if data.department_code:
        department = session.scalar(
            select(Department).where(Department.code == data.department_code)
        )
        if department is None:
            raise Invalid(
                f"Unbekannte Dienststelle '{data.department_code}'. "
                "`domstadt departments list` zeigt die vorhandenen Kürzel.",
                field="department_code",
            )
        department_id = department.id
    elif data.role == Role.EDITOR:
        raise Invalid(
            "Redakteurinnen und Redakteure brauchen eine Dienststelle (--department).",
            field="department_code",
        )
    user = User(
        email=email,
        name=data.name,
        role=data.role,
        password_hash=hash_password(data.password),
        department_id=department_id,
        email_confirmed_at=utcnow(),  # an operator made it: the address counts as confirmed
    )
    session.add(user)
    session.flush()
    result = _user_public(session, user)
    audit.record(
        session,
        actor=actor,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        after=result.model_dump(exclude={"last_login_at"}),
    )
    return result


@requires(Permission.USER_MANAGE)
def user_list(
    session: Session, *, actor: Actor, limit: int = 100, offset: int = 0
) -> list[UserPublic]:
    """All accounts, ordered by e-mail."""
    users = session.scalars(select(User).order_by(User.email).limit(limit).offset(offset)).all()
    return [_user_public(session, u) for u in users]


@requires(Permission.ACCOUNT_SELF)
def user_me(session: Session, *, actor: Actor) -> UserPublic:
    """The signed-in person's own account."""
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotFound("Dieses Konto gibt es nicht mehr.")
    return _user_public(session, user)


@public("sign-in is how anonymous people become actors; guarded by the throttle")
def sign_in_delay(session: Session, *, email: str, client: str) -> float:
    """Seconds the caller waits before :func:`authenticate` (the account's slow-down after
    many failures, see ``throttle``); the same for unknown e-mail addresses."""
    return throttle.delay_seconds(session, throttle.Attempt.of(email, client))


@public("sign-in is how anonymous people become actors; guarded by the throttle")
def authenticate(
    session: Session, *, email: str, password: str, client: str, user_agent: str = ""
) -> SignedIn:
    """Check e-mail and password and start a sign-in session; the same message for unknown
    e-mail and wrong password."""
    attempt = throttle.Attempt.of(email, client)
    throttle.ensure_not_locked(session, attempt)
    user = _find_user(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        throttle.record_failure(session, attempt)
        raise Unauthenticated(LOGIN_FAILED)
    throttle.clear(session, attempt)
    if user.email_confirmed_at is None:
        raise NotConfirmed(NOT_CONFIRMED, field="email")
    user.last_login_at = utcnow()
    key = session_service.session_start(session, user_id=user.id, user_agent=user_agent)
    audit.record(
        session,
        actor=actor_of_user(session, user, via="session"),
        action="user.login",
        entity_type="user",
        entity_id=user.id,
    )
    return SignedIn(user=_user_public(session, user), session_key=key)


@requires(Permission.ACCOUNT_SELF)
def password_change(
    session: Session, *, actor: Actor, current: str, new: str, client: str, keep_key: str
) -> int:
    """Set a new password after checking the current one (throttled like sign-in) and end every
    other sign-in session of the account; returns how many were ended."""
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotFound("Dieses Konto gibt es nicht mehr.")
    attempt = throttle.Attempt.of(user.email, client)
    throttle.ensure_not_locked(session, attempt)
    if not verify_password(user.password_hash, current):
        throttle.record_failure(session, attempt)
        raise Invalid("Das bisherige Passwort stimmt nicht.", field="current_password")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"Das neue Passwort braucht mindestens {MIN_PASSWORD_LENGTH} Zeichen.",
            field="new_password",
        )
    user.password_hash = hash_password(new)
    ended = session_service.sessions_end_all(session, user_id=user.id, keep_key=keep_key)
    audit.record(
        session,
        actor=actor,
        action="user.password_change",
        entity_type="user",
        entity_id=user.id,
        after={"sessions_ended": ended},
    )
    return ended


@requires(Permission.USER_MANAGE)
def actor_for_user(session: Session, *, actor: Actor, user_id: int) -> Actor | None:
    """The actor of an account, for operators acting on someone's behalf (demo data, tests);
    None when the account is gone or disabled."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return actor_of_user(session, user, via="session")


_TOKEN_OWNER = (
    select(
        ApiToken.id,
        ApiToken.last_used_at,
        User.id,
        User.email,
        User.name,
        User.role,
        User.department_id,
        Membership.organisation_id,
    )
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
        User.is_active.is_(True),
    )
)
"""Token and owner with one row per organisation membership (one NULL row without any)."""
_TOKEN_TOUCH: Any = (
    update(ApiToken.__table__)  # type: ignore[arg-type]
    .where(ApiToken.__table__.c.id == bindparam("token"))
    .values(last_used_at=bindparam("now"))
)
"""The token's last use, as a plain UPDATE (the ORM's bulk update costs 0.2 ms more)."""


@public("authenticates a bearer token; the token itself is the credential")
def actor_for_token(session: Session, *, token: str) -> Actor | None:
    """The actor behind an API token, or None when unknown, revoked or expired; records last use
    (at most once a minute). One query for token, owner and organisations: tokens
    authenticate every sensor POST."""
    now = utcnow()
    connection = session.connection()  # Core execution: no ORM loading or session sync
    rows = connection.execute(_TOKEN_OWNER, {"digest": token_digest(token), "now": now}).all()
    if not rows:
        return None
    token_id, last_used, user_id, email, name, role, department_id, _org = rows[0]
    if last_used is None or now - last_used > TOKEN_TOUCH_INTERVAL:
        connection.execute(_TOKEN_TOUCH, {"token": token_id, "now": now})
    organisations = frozenset(r[-1] for r in rows if r[-1] is not None)
    return actor_of(session, user_id, email, name, role, department_id, "token", organisations)


@public("authenticates e-mail plus API token as used by HTTP Basic clients")
def actor_for_basic(session: Session, *, email: str, token: str) -> Actor | None:
    """The actor for HTTP Basic credentials where the password is one of the user's tokens."""
    actor = actor_for_token(session, token=token)
    if actor is None or actor.email != email.strip().lower():
        return None
    return actor


def _token_owner(session: Session, actor: Actor, email: str | None) -> User:
    if email is None or (actor.email and email.strip().lower() == actor.email):
        user = session.get(User, actor.user_id) if actor.user_id else None
    else:
        check(actor, Permission.USER_MANAGE)
        user = _find_user(session, email)
    if user is None:
        raise NotFound(f"Kein Konto mit der E-Mail-Adresse {email} gefunden.", field="email")
    return user


_TOKEN_STANDING = select(ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at).where(
    ApiToken.token_hash == bindparam("digest")
)


@public("tells the rate limiter whether a presented token exists; reveals nothing else")
def token_standing(session: Session, *, digest: str) -> CredentialStanding | None:
    """Id, revocation and expiry of the token with SHA-256 ``digest`` (None: unknown)."""
    row = session.connection().execute(_TOKEN_STANDING, {"digest": digest}).first()
    if row is None:
        return None
    return CredentialStanding(id=row[0], revoked_at=row[1], expires_at=row[2])


@requires(Permission.ACCOUNT_SELF)
def token_create(
    session: Session,
    *,
    actor: Actor,
    name: str,
    email: str | None = None,
    expires_at: dt.datetime | None = None,
) -> TokenCreated:
    """Issue a named API token for the actor (or, for admins, for the account ``email``),
    valid until ``expires_at`` when given."""
    name = name.strip()
    if not name:
        raise Invalid("Bitte geben Sie dem Token einen Namen.", field="name")
    expires_at = checked_expiry(expires_at)
    user = _token_owner(session, actor, email)
    plain = new_token()
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_digest(plain),
        prefix=plain[:8],
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    info = TokenPublic.model_validate(row)
    audit.record(
        session,
        actor=actor,
        action="token.create",
        entity_type="api_token",
        entity_id=row.id,
        after={
            "user_id": user.id,
            "name": name,
            "prefix": row.prefix,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return TokenCreated(token=plain, info=info)


@requires(Permission.ACCOUNT_SELF)
def token_list(session: Session, *, actor: Actor) -> list[TokenPublic]:
    """The actor's own tokens, newest first."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id.desc())
    ).all()
    return [TokenPublic.model_validate(r) for r in rows]


@requires(Permission.ACCOUNT_SELF)
def token_revoke(session: Session, *, actor: Actor, token_id: int) -> TokenPublic:
    """Revoke one of the actor's tokens (admins may revoke any)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.user_id and not actor.can(Permission.USER_MANAGE)):
        raise NotFound(f"Token {token_id} nicht gefunden.")
    audit.stamp_once(
        session,
        actor=actor,
        row=row,
        field="revoked_at",
        action="token.revoke",
        entity_type="api_token",
    )
    return TokenPublic.model_validate(row)


@requires(Permission.AUDIT_READ)
def audit_list(
    session: Session,
    *,
    actor: Actor,
    entity_type: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> audit.AuditPage:
    """The audit log, newest first (admins only)."""
    return audit.query_entries(
        session, entity_type=entity_type, limit=min(max(limit, 1), 500), offset=max(offset, 0)
    )
