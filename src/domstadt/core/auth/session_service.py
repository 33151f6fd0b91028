"""Browser sign-in sessions, revocable on the server.

The signed session cookie carries the user id and a random key; the database keeps the
key's SHA-256 in ``sign_in_session``. Every request with a cookie looks the key up (one
indexed query joined with the account), so signing out, a password change or the owner's
"end session" on /konto make the cookie worthless at once, copies included. Sessions idle
longer than ``DOMSTADT_SESSION_MAX_AGE_SECONDS`` are dead too. Requests without a cookie
(programs, sensors) never pay for this.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.actors import actor_of
from domstadt.core.auth.models import SignInSession, User
from domstadt.core.auth.passwords import token_digest
from domstadt.core.auth.permissions import Actor, Permission, internal, public, requires
from domstadt.core.auth.schemas import SignInSessionPublic
from domstadt.core.config import get_settings
from domstadt.core.db import utcnow
from domstadt.core.errors import NotFound

TOUCH_INTERVAL = dt.timedelta(minutes=1)
"""``last_seen_at`` is written at most this often per session (not on every request)."""

_LIVE = (
    select(
        SignInSession.id,
        SignInSession.last_seen_at,
        User.id,
        User.email,
        User.name,
        User.role,
        User.department_id,
    )
    .join(User, User.id == SignInSession.user_id)
    .where(
        SignInSession.key_hash == bindparam("digest"),
        SignInSession.revoked_at.is_(None),
        User.is_active.is_(True),
    )
)


def _idle_limit() -> dt.datetime:
    """Sessions last seen before this moment have expired."""
    return utcnow() - dt.timedelta(seconds=get_settings().session_max_age_seconds)


@internal("authenticate, right after the password was checked")
def session_start(session: Session, *, user_id: int, user_agent: str) -> str:
    """Record a new sign-in of ``user_id``; returns the random key for the cookie."""
    key = secrets.token_urlsafe(32)
    session.add(
        SignInSession(user_id=user_id, key_hash=token_digest(key), user_agent=user_agent[:200])
    )
    session.flush()
    return key


@public("resolves the person behind a signed session cookie; its random key is the credential")
def actor_for_session(session: Session, *, user_id: int, key: str) -> Actor | None:
    """The actor of a live session whose key and user match, else None (signed out, ended,
    expired, account disabled). Notes the use at most once a minute."""
    row = session.execute(_LIVE, {"digest": token_digest(key)}).first()
    if row is None or row[2] != user_id or row[1] < _idle_limit():
        return None
    session_id, last_seen, _, email, name, role, department_id = row
    now = utcnow()
    if now - last_seen > TOUCH_INTERVAL:
        session.execute(
            update(SignInSession).where(SignInSession.id == session_id).values(last_seen_at=now)
        )
    return actor_of(session, user_id, email, name, role, department_id, "session")


@public("ends the session whose key the caller holds; holding the key is the right to end it")
def session_end(session: Session, *, actor: Actor, key: str) -> None:
    """Sign out: the session of ``key`` stops working at once (also for copies of the cookie)."""
    ended = session.execute(
        update(SignInSession)
        .where(SignInSession.key_hash == token_digest(key), SignInSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(SignInSession.id, SignInSession.user_id)
    ).first()
    if ended is not None and actor.user_id == ended[1]:
        audit.record(
            session, actor=actor, action="user.logout", entity_type="user", entity_id=ended[1]
        )


@internal("password_change, after the current password was checked")
def sessions_end_all(session: Session, *, user_id: int, keep_key: str = "") -> int:
    """End every live session of ``user_id`` except the one of ``keep_key``; returns how many."""
    result = session.execute(
        update(SignInSession)
        .where(
            SignInSession.user_id == user_id,
            SignInSession.revoked_at.is_(None),
            SignInSession.key_hash != token_digest(keep_key),
        )
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


@requires(Permission.ACCOUNT_SELF)
def session_list(
    session: Session, *, actor: Actor, current_key: str = ""
) -> list[SignInSessionPublic]:
    """The actor's live sign-in sessions, most recently used first; ``current`` marks the one
    of ``current_key``."""
    rows = session.scalars(
        select(SignInSession)
        .where(
            SignInSession.user_id == actor.user_id,
            SignInSession.revoked_at.is_(None),
            SignInSession.last_seen_at >= _idle_limit(),
        )
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
    ).all()
    current = token_digest(current_key)
    return [
        SignInSessionPublic.model_validate(r).model_copy(update={"current": r.key_hash == current})
        for r in rows
    ]


@requires(Permission.ACCOUNT_SELF)
def session_revoke(session: Session, *, actor: Actor, session_id: int) -> None:
    """End one of the actor's sessions (e.g. one left open on another computer)."""
    row = session.get(SignInSession, session_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound(f"Sitzung {session_id} nicht gefunden.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="user.session_end",
            entity_type="user",
            entity_id=row.user_id,
            after={"session": row.id},
        )


@requires(Permission.ACCOUNT_SELF)
def session_revoke_others(session: Session, *, actor: Actor, keep_key: str) -> int:
    """End every session of the actor except the current one; returns how many."""
    ended = sessions_end_all(session, user_id=actor.user_id or 0, keep_key=keep_key)
    if ended:
        audit.record(
            session,
            actor=actor,
            action="user.session_end",
            entity_type="user",
            entity_id=actor.user_id,
            after={"sessions_ended": ended},
        )
    return ended
