"""Apps of developers and their API keys: register, list, plan, create and revoke keys, and
the key lookup of the rate limiter (issue 12)."""

from __future__ import annotations

import secrets
from collections.abc import Collection

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import User
from domstadt.core.auth.passwords import token_digest
from domstadt.core.auth.permissions import Actor, Permission, check, public, requires
from domstadt.core.auth.schemas import CredentialStanding, checked_expiry
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound
from domstadt.developers.models import AppKey, DeveloperApp
from domstadt.developers.schemas import AppCreate, AppPublic, KeyCreate, KeyCreated, KeyPublic

KEY_PREFIX = "dak_"
"""App keys start so, personal tokens with ``dst_``: a leaked secret says what it is."""
MAX_APPS_PER_OWNER = 50
MAX_LIVE_KEYS_PER_APP = 20


def _new_key() -> str:
    """A fresh random app key (shown to its owner once)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _public(session: Session, app: DeveloperApp) -> AppPublic:
    keys = session.scalars(
        select(AppKey).where(AppKey.app_id == app.id).order_by(AppKey.id.desc())
    ).all()
    owner = session.get(User, app.owner_id)
    result = AppPublic.model_validate(app)
    result.owner_name = owner.name if owner else ""
    result.keys = [KeyPublic.model_validate(k) for k in keys]
    return result


def _owned_app(session: Session, actor: Actor, app_id: int) -> DeveloperApp:
    """The app when the actor owns it or is an operator; otherwise not found (no hint that
    someone else's app exists)."""
    app = session.get(DeveloperApp, app_id)
    if app is None or (app.owner_id != actor.user_id and not actor.can(Permission.USER_MANAGE)):
        raise NotFound(f"App {app_id} nicht gefunden.")
    return app


@requires(Permission.ACCOUNT_SELF)
def app_register(session: Session, *, actor: Actor, data: AppCreate, plan: str) -> AppPublic:
    """Register an app of the signed-in developer on ``plan`` (the configured default)."""
    name = data.name.strip()
    if not name:
        raise Invalid("Bitte geben Sie der App einen Namen.", field="name")
    owned = session.scalars(
        select(DeveloperApp.id).where(DeveloperApp.owner_id == actor.user_id)
    ).all()
    if len(owned) >= MAX_APPS_PER_OWNER:
        raise Invalid(
            f"Sie haben bereits {MAX_APPS_PER_OWNER} Apps registriert; bitte löschen Sie "
            "nicht mehr genutzte Apps oder wenden Sie sich an den Betrieb.",
            field="name",
        )
    app = DeveloperApp(
        owner_id=actor.user_id,
        name=name,
        description=data.description.strip(),
        website=data.website or "",
        plan=plan,
    )
    session.add(app)
    session.flush()
    result = _public(session, app)
    audit.record(
        session,
        actor=actor,
        action="app.register",
        entity_type="developer_app",
        entity_id=app.id,
        after=result.model_dump(mode="json", exclude={"keys", "owner_name"}),
    )
    return result


@requires(Permission.ACCOUNT_SELF)
def app_list(session: Session, *, actor: Actor, every_owner: bool = False) -> list[AppPublic]:
    """The actor's apps, newest first; operators may ask for every owner's."""
    query = select(DeveloperApp).order_by(DeveloperApp.id.desc()).limit(500)
    if every_owner:
        check(actor, Permission.USER_MANAGE)
    else:
        query = query.where(DeveloperApp.owner_id == actor.user_id)
    return [_public(session, app) for app in session.scalars(query)]


@requires(Permission.ACCOUNT_SELF)
def app_get(session: Session, *, actor: Actor, app_id: int) -> AppPublic:
    """One app of the actor (operators: any) with its keys."""
    return _public(session, _owned_app(session, actor, app_id))


@requires(Permission.USER_MANAGE)
def app_set_plan(
    session: Session, *, actor: Actor, app_id: int, plan: str, plans: Collection[str]
) -> AppPublic:
    """Move an app to another of the configured ``plans`` (operators only)."""
    if plan not in plans:
        raise Invalid(
            f"Unbekannter Plan {plan!r}; konfiguriert sind: {', '.join(sorted(plans))}.",
            field="plan",
        )
    app = _owned_app(session, actor, app_id)
    before = app.plan
    app.plan = plan
    audit.record(
        session,
        actor=actor,
        action="app.plan",
        entity_type="developer_app",
        entity_id=app.id,
        before={"plan": before},
        after={"plan": plan},
    )
    return _public(session, app)


@requires(Permission.ACCOUNT_SELF)
def key_create(session: Session, *, actor: Actor, app_id: int, data: KeyCreate) -> KeyCreated:
    """Issue a key for one of the actor's apps; its secret is in this answer only."""
    name = data.name.strip()
    if not name:
        raise Invalid("Bitte geben Sie dem Schlüssel einen Namen.", field="name")
    expires_at = checked_expiry(data.expires_at)
    app = _owned_app(session, actor, app_id)
    now = utcnow()
    live = [
        k
        for k in session.scalars(select(AppKey).where(AppKey.app_id == app.id))
        if k.revoked_at is None and (k.expires_at is None or k.expires_at > now)
    ]
    if len(live) >= MAX_LIVE_KEYS_PER_APP:
        raise Invalid(
            f"Die App hat schon {MAX_LIVE_KEYS_PER_APP} gültige Schlüssel; bitte widerrufen "
            "Sie zuerst einen.",
            field="name",
        )
    plain = _new_key()
    key = AppKey(
        app_id=app.id,
        name=name,
        key_hash=token_digest(plain),
        prefix=plain[:8],
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    info = KeyPublic.model_validate(key)
    audit.record(
        session,
        actor=actor,
        action="app_key.create",
        entity_type="app_key",
        entity_id=key.id,
        after=info.model_dump(mode="json") | {"app_id": app.id},
    )
    return KeyCreated(key=plain, info=info)


@requires(Permission.ACCOUNT_SELF)
def key_revoke(session: Session, *, actor: Actor, app_id: int, key_id: int) -> KeyPublic:
    """Revoke a key of one of the actor's apps (operators: any); it stops working at once
    in this process and within ``DOMSTADT_CREDENTIAL_CACHE_SECONDS`` in every other."""
    app = _owned_app(session, actor, app_id)
    key = session.get(AppKey, key_id)
    if key is None or key.app_id != app.id:
        raise NotFound(f"Schlüssel {key_id} der App {app_id} nicht gefunden.")
    audit.stamp_once(
        session,
        actor=actor,
        row=key,
        field="revoked_at",
        action="app_key.revoke",
        entity_type="app_key",
    )
    return KeyPublic.model_validate(key)


@requires(Permission.ACCOUNT_SELF)
def key_hash_of(session: Session, *, actor: Actor, app_id: int, key_id: int) -> str:
    """The stored digest of a key of the actor's app, so the web layer can forget what its
    rate limiter cached about it after a revocation."""
    key = session.get(AppKey, key_id)
    if key is None or key.app_id != _owned_app(session, actor, app_id).id:
        raise NotFound(f"Schlüssel {key_id} der App {app_id} nicht gefunden.")
    return key.key_hash


_KEY_STANDING = (
    select(AppKey.id, AppKey.revoked_at, AppKey.expires_at, DeveloperApp.id, DeveloperApp.plan)
    .join(DeveloperApp, DeveloperApp.id == AppKey.app_id)
    .where(AppKey.key_hash == bindparam("digest"))
)


@public("tells the rate limiter whether a presented app key exists; reveals nothing else")
def key_standing(session: Session, *, digest: str) -> tuple[int, CredentialStanding] | None:
    """The app id and the standing (revoked, expiry, plan) of the key with SHA-256
    ``digest``; None when no such key exists."""
    row = session.execute(_KEY_STANDING, {"digest": digest}).first()
    if row is None:
        return None
    key_id, revoked_at, expires_at, app_id, plan = row
    standing = CredentialStanding(
        id=key_id, revoked_at=revoked_at, expires_at=expires_at, plan=plan
    )
    return app_id, standing
