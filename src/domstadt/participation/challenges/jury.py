"""The jury machinery's writes, shared by challenges and problem statements: assigning a juror
(the person is found by the e-mail address of their account, sits on a jury once, audited as
``<entity_type>.juror_assign``), writing a juror's scores, and recording the department's
decision on an entry. Permission and phase checks stay with the calling service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import User
from domstadt.core.auth.permissions import Actor
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid
from domstadt.participation.challenges.schemas import ScoreIn


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


def write_scores(
    session: Session,
    *,
    model: Any,
    owner: str,
    owner_id: int,
    juror_id: int,
    scores: list[ScoreIn],
) -> None:
    """Store or replace one juror's scores (with comments) of the entry ``owner_id`` in the
    score rows of ``model`` (``challenge_score`` by submission, ``pitch_score`` by pitch)."""
    column = getattr(model, owner)
    existing = {
        s.criterion: s
        for s in session.scalars(
            select(model).where(column == owner_id, model.juror_id == juror_id)
        )
    }
    for item in scores:
        score = existing.get(item.criterion)
        if score is None:
            score = model(**{owner: owner_id, "juror_id": juror_id, "criterion": item.criterion})
            session.add(score)
        score.value, score.comment, score.updated_at = item.value, item.comment.strip(), utcnow()
    session.flush()


def record_decision(
    session: Session, *, actor: Actor, row: Any, status: Any, entity_type: str, action: str
) -> None:
    """Set the department's decision on a submission or pitch (``row.status``) and audit it
    with the status before and after."""
    before = row.status.value
    row.status = status
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=row.id,
        before={"status": before},
        after={"status": status.value},
    )
