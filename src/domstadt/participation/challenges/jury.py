"""The jury machinery's writes, shared by challenges and problem statements: assigning a juror
(the person is found by the e-mail address of their account, sits on a jury once, audited as
``<entity_type>.juror_assign``), listing and removing jurors (see :data:`REMOVAL_RULE`),
writing a juror's scores, and recording the department's decision on an entry. Permission
and phase checks stay with the calling service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import User
from domstadt.core.auth.permissions import Actor
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.participation.challenges.schemas import JurorPublic, JurorRemoved, ScoreIn

REMOVAL_RULE = (
    "Wer aus der Jury entfernt wird, verliert seine bisherigen Bewertungen: sie zählen nicht "
    "mehr zur Jurywertung. Ist die Jurywertung schon veröffentlicht, kann niemand mehr "
    "entfernt werden, der bewertet hat."
)
"""The rule of removing a juror, shown on the page and in the refusal."""


@dataclass(frozen=True)
class JuryTables:
    """Where one jury lives: juror rows of ``model`` whose ``owner`` column is ``owner_id``,
    and their score rows in ``score_model`` whose ``entry`` column is one of ``entries`` (a
    select of the jury's entry ids). ``where`` names the jury in German ("dieses
    Wettbewerbs"), ``entity_type`` its audit entries."""

    model: Any
    owner: str
    owner_id: int
    score_model: Any
    entry: str
    entries: Select[Any]
    entity_type: str
    where: str


def members(session: Session, jury: JuryTables) -> list[JurorPublic]:
    """The jurors by name, each with the number of entries they have scored."""
    scored: dict[int, int] = dict(
        session.execute(
            select(jury.score_model.juror_id, func.count(func.distinct(_entry_column(jury))))
            .where(_entry_column(jury).in_(jury.entries))
            .group_by(jury.score_model.juror_id)
        ).all()
    )
    rows = session.execute(
        select(User.id, User.name)
        .join(jury.model, jury.model.user_id == User.id)
        .where(getattr(jury.model, jury.owner) == jury.owner_id)
        .order_by(User.name, User.id)
    ).all()
    return [JurorPublic(user_id=i, name=n, scored=int(scored.get(i, 0))) for i, n in rows]


def _entry_column(jury: JuryTables) -> Any:
    return getattr(jury.score_model, jury.entry)


def remove(
    session: Session, *, actor: Actor, jury: JuryTables, user_id: int, published: bool
) -> JurorRemoved:
    """Take the person off the jury with their scores of its entries (:data:`REMOVAL_RULE`);
    ``published``: the jury's scores are shown already. Audited as
    ``<entity_type>.juror_remove`` with the deleted scores."""
    row = session.scalar(
        select(jury.model).where(
            getattr(jury.model, jury.owner) == jury.owner_id, jury.model.user_id == user_id
        )
    )
    user = session.get(User, user_id)
    if row is None or user is None:
        raise NotFound(f"Die Person {user_id} gehört nicht zur Jury {jury.where}.")
    scores = list(
        session.scalars(
            select(jury.score_model).where(
                jury.score_model.juror_id == user_id, _entry_column(jury).in_(jury.entries)
            )
        )
    )
    scored = len({getattr(s, jury.entry) for s in scores})
    if scored and published:
        raise Conflict(
            f"{user.name} hat schon {scored} Beiträge bewertet, und die Jurywertung ist "
            f"veröffentlicht. {REMOVAL_RULE}"
        )
    before = {
        "juror": user.email,
        "scores": [
            {"entry": getattr(s, jury.entry), "criterion": s.criterion, "value": s.value}
            for s in scores
        ],
    }
    for score in scores:
        session.delete(score)
    session.delete(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"{jury.entity_type}.juror_remove",
        entity_type=jury.entity_type,
        entity_id=jury.owner_id,
        before=before,
        after={"juror": None, "removed_scores": len(scores), "scored_entries": scored},
    )
    return JurorRemoved(user_id=user.id, name=user.name, scored=scored, removed_scores=len(scores))


def assign(session: Session, jury: JuryTables, *, actor: Actor, email: str) -> User:
    """Add the account with ``email`` to the jury (a :class:`Conflict` when it is on it)."""
    address = email.strip().lower()
    user = session.scalar(select(User).where(User.email == address))
    if user is None:
        raise Invalid(f"Es gibt kein Konto mit der Adresse {email.strip()}.", field="email")
    model, column = jury.model, getattr(jury.model, jury.owner)
    if session.scalar(select(model.id).where(column == jury.owner_id, model.user_id == user.id)):
        raise Conflict(f"{user.name} gehört schon zur Jury {jury.where}.", field="email")
    session.add(model(**{jury.owner: jury.owner_id, "user_id": user.id}))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"{jury.entity_type}.juror_assign",
        entity_type=jury.entity_type,
        entity_id=jury.owner_id,
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
