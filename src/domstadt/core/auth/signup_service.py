"""Self-service accounts: sign-up with double opt-in, confirmation, password reset by mail.

Every answer is the same whether or not an address is known (no enumeration): a taken address
gets a note to its owner instead of a second account, an unknown one in a reset gets nothing,
and both paths hash a password and write one mail, so timing tells nothing either."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth import session_service, signup_throttle
from domstadt.core.auth.actors import actor_of_user
from domstadt.core.auth.models import AccountToken, Role, TokenPurpose, User
from domstadt.core.auth.passwords import hash_password, token_digest
from domstadt.core.auth.permissions import Actor, public
from domstadt.core.auth.schemas import SignupRequest
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.core.mail import Mailer

CONFIRM_VALID = dt.timedelta(hours=48)
RESET_VALID = dt.timedelta(hours=1)
LINK_INVALID = (
    "Dieser Link ist ungültig, schon benutzt oder abgelaufen. Fordern Sie bitte einen neuen an."
)


def _issue(session: Session, user: User, purpose: TokenPurpose, valid: dt.timedelta) -> str:
    plain = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_digest(plain),
            created_at=now,
            expires_at=now + valid,
        )
    )
    session.flush()
    return plain


def _redeem(session: Session, token: str, purpose: TokenPurpose) -> User:
    """Use a link once: the row is marked used in the same statement that checks it is unused,
    so two clicks racing each other cannot both succeed."""
    now = utcnow()
    row = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_digest(token), AccountToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise Invalid(LINK_INVALID, field="token")
    claimed = session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    user = session.get(User, row.user_id)
    if claimed.rowcount != 1 or user is None or not user.is_active:  # type: ignore[attr-defined]
        raise Invalid(LINK_INVALID, field="token")
    return user


def _find(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def _send_confirmation(session: Session, mailer: Mailer, user: User) -> None:
    token = _issue(session, user, TokenPurpose.CONFIRM, CONFIRM_VALID)
    link = f"{mailer.settings.base_url}/registrieren/bestaetigen?token={token}"
    mailer.send(
        to=user.email,
        subject="Domstadt: Bitte bestätigen Sie Ihre E-Mail-Adresse",
        body=(
            f"Guten Tag {user.name},\n\n"
            "Sie haben ein Konto bei Domstadt angelegt. Bitte bestätigen Sie Ihre "
            f"E-Mail-Adresse mit diesem Link (48 Stunden gültig):\n\n{link}\n\n"
            "Wenn Sie das nicht waren, ignorieren Sie diese Nachricht; "
            "ohne Bestätigung bleibt das Konto gesperrt.\n"
        ),
    )


@public("sign-up is how people get an account; throttled per address and client")
def signup(
    session: Session, *, actor: Actor, data: SignupRequest, client: str, mailer: Mailer
) -> None:
    """Start an account (unconfirmed) and mail the confirmation link; for a taken address mail
    its owner a note instead. The caller answers the same in both cases."""
    email = str(data.email).lower()
    signup_throttle.hit(session, email=email, client=client)
    password_hash = hash_password(data.password)  # always: equal timing for taken addresses
    existing = _find(session, email)
    if existing is not None:
        mailer.send(
            to=email,
            subject="Domstadt: Jemand wollte sich mit Ihrer Adresse registrieren",
            body=(
                "Guten Tag,\n\njemand hat versucht, mit Ihrer E-Mail-Adresse ein neues Konto "
                "bei Domstadt anzulegen. Sie haben bereits ein Konto; es wurde nichts geändert.\n"
                f"Passwort vergessen? {mailer.settings.base_url}/passwort-vergessen\n"
            ),
        )
        audit.record(
            session,
            actor=actor,
            action="user.signup_taken",
            entity_type="user",
            entity_id=existing.id,
        )
        return
    user = User(email=email, name=data.name, password_hash=password_hash, role=Role.MEMBER)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.signup",
        entity_type="user",
        entity_id=user.id,
        after={"email": email, "name": data.name},
    )
    _send_confirmation(session, mailer, user)


@public("resending only ever mails the address itself; throttled like sign-up")
def confirmation_resend(
    session: Session, *, actor: Actor, email: str, client: str, mailer: Mailer
) -> None:
    """Mail a fresh confirmation link to an unconfirmed account (nothing otherwise; the
    caller answers the same)."""
    signup_throttle.hit(session, email=email, client=client)
    user = _find(session, email)
    if user is not None and user.is_active and user.email_confirmed_at is None:
        _send_confirmation(session, mailer, user)


@public("the secret link from the mail is the credential")
def signup_confirm(session: Session, *, actor: Actor, token: str) -> str:
    """Confirm the address behind a confirmation link; returns it. Single use, 48 h."""
    user = _redeem(session, token, TokenPurpose.CONFIRM)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record(
            session,
            actor=actor_of_user(session, user, via="mail-link"),
            action="user.confirm",
            entity_type="user",
            entity_id=user.id,
        )
    return user.email


@public("mails only the address itself; same answer for unknown addresses; throttled")
def password_reset_request(
    session: Session, *, actor: Actor, email: str, client: str, mailer: Mailer
) -> None:
    """Mail a single-use reset link (1 h) to a known, active account; unknown addresses get
    nothing, and the caller answers the same."""
    email = email.strip().lower()
    signup_throttle.hit(session, email=email, client=client)
    user = _find(session, email)
    if user is None or not user.is_active:
        hash_password(secrets.token_urlsafe(8))  # equal work for unknown addresses
        return
    token = _issue(session, user, TokenPurpose.RESET, RESET_VALID)
    link = f"{mailer.settings.base_url}/passwort-neu?token={token}"
    mailer.send(
        to=user.email,
        subject="Domstadt: Passwort zurücksetzen",
        body=(
            f"Guten Tag {user.name},\n\nmit diesem Link setzen Sie ein neues Passwort "
            f"(eine Stunde gültig, nur einmal nutzbar):\n\n{link}\n\n"
            "Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.\n"
        ),
    )
    audit.record(
        session, actor=actor, action="user.reset_request", entity_type="user", entity_id=user.id
    )


@public("the secret link from the mail is the credential")
def password_reset(session: Session, *, actor: Actor, token: str, password: str) -> int:
    """Set a new password through a reset link and end every sign-in session of the account;
    returns how many were ended. Following the link also proves the address."""
    from domstadt.core.auth.schemas import check_password

    check_password(password, field="password")
    user = _redeem(session, token, TokenPurpose.RESET)
    user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    ended = session_service.sessions_end_all(session, user_id=user.id, keep_key="")
    audit.record(
        session,
        actor=actor_of_user(session, user, via="mail-link"),
        action="user.password_reset",
        entity_type="user",
        entity_id=user.id,
        after={"sessions_ended": ended},
    )
    return ended
