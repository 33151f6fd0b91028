"""Assigning jurors, shared by challenges (``challenge_juror``) and problem statements
(``pitch_juror``): the person is found by the e-mail address of their account, sits on a jury
once, and the assignment is audited as ``<entity_type>.juror_assign``. Permission checks stay
with the calling service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import User
from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Conflict, Invalid


def assign(
    session: Session,
    *,
    actor: Actor,
    model: Any,
    owner: str,
    owner_id: int,
    email: str,
    entity_type: str,
    where: str,
) -> User:
    """Add the account with ``email`` to the jury rows of ``model`` whose ``owner`` column is
    ``owner_id``; ``where`` names the jury in German ("dieses Wettbewerbs")."""
    address = email.strip().lower()
    user = session.scalar(select(User).where(User.email == address))
    if user is None:
        raise Invalid(f"Es gibt kein Konto mit der Adresse {email.strip()}.", field="email")
    column = getattr(model, owner)
    if session.scalar(select(model.id).where(column == owner_id, model.user_id == user.id)):
        raise Conflict(f"{user.name} gehört schon zur Jury {where}.", field="email")
    session.add(model(**{owner: owner_id, "user_id": user.id}))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"{entity_type}.juror_assign",
        entity_type=entity_type,
        entity_id=owner_id,
        after={"juror": user.email},
    )
    return user
