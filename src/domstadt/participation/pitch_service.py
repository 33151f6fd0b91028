"""Pitch operations (S3.2): a member of an organisation pitches for it before the deadline
(deck PDF, video link, team; one pitch per organisation), the department and the jury read
pitches and decks, jurors score them with the challenges' jury rules, and the department
invites pitches into the pitch event's slots and records its decision. Until the deadline
the pitching organisation's members may change or withdraw their pitch."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid
from domstadt.participation.challenges import jury
from domstadt.participation.challenges.schemas import ScoreSheet
from domstadt.participation.challenges.scoring import CONFLICT_RULE, check_sheet, is_conflicted
from domstadt.participation.moderation.hidden import forget
from domstadt.participation.pitches import store
from domstadt.participation.pitches.deck import checked_deck
from domstadt.participation.pitches.models import Pitch, PitchScore, PitchStatus, ProblemStatement
from domstadt.participation.pitches.phases import PitchPhase
from domstadt.participation.pitches.schemas import PitchCreate, PitchPublic, PitchUpdate

READERS_RULE = (
    "Pitches sehen nur die Dienststelle der Fragestellung, ihre Jury und die Organisation, "
    "die gepitcht hat."
)


OWNERS_RULE = (
    "Einen Pitch ändern oder zurückziehen können nur Mitglieder der Organisation, die ihn "
    "eingereicht hat."
)


def _check_open(row: ProblemStatement, refused: str = "werden nicht mehr angenommen") -> None:
    if store.phase_of(row) != PitchPhase.OPEN:
        raise Conflict(
            f"Die Einreichungsfrist ist am {row.deadline:%d.%m.%Y %H:%M} (UTC) abgelaufen; "
            f"Pitches {refused}."
        )


def _organisation(session: Session, actor: Actor, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise Invalid(f"Organisation {organisation_id} gibt es nicht.", field="organisation_id")
    if organisation_id not in actor.organisation_ids:
        raise Forbidden(f"Sie sind nicht Mitglied von {org.name} und können nicht für sie pitchen.")
    return org


def _team(members: list[str]) -> list[str]:
    team = [m.strip()[:200] for m in members if m.strip()]
    if not team:
        raise Invalid("Bitte nennen Sie mindestens ein Teammitglied.", field="team")
    return team


@requires(Permission.FEEDBACK_WRITE)
def pitch_create(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    data: PitchCreate,
    deck_filename: str,
    deck: bytes,
) -> PitchPublic:
    """A signed-in member pitches for their organisation before the deadline; the deck must
    be a PDF. One pitch per organisation and statement."""
    if actor.user_id is None:
        raise Forbidden("Pitchen können nur angemeldete Mitglieder einer Organisation.")
    row = store.get_statement(session, statement_id)
    _check_open(row)
    org = _organisation(session, actor, data.organisation_id)
    filename = checked_deck(deck_filename, deck)
    if session.scalar(
        select(Pitch.id).where(Pitch.statement_id == row.id, Pitch.organisation_id == org.id)
    ):
        raise Conflict(f"{org.name} hat zu dieser Fragestellung schon einen Pitch eingereicht.")
    pitch = Pitch(
        statement_id=row.id,
        organisation_id=org.id,
        organisation_name=org.name,
        user_id=actor.user_id,
        author_name=actor.name,
        title=data.title.strip(),
        summary=data.summary.strip(),
        video_url=data.video_url,
        team=_team(data.team),
        deck_filename=filename,
        deck_size=len(deck),
        deck=deck,
        status=PitchStatus.SUBMITTED,
        submitted_at=utcnow(),
    )
    session.add(pitch)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"{org.name} hat zu dieser Fragestellung schon einen Pitch eingereicht."
        ) from None
    result = store.pitch_public(pitch)
    audit.record(
        session,
        actor=actor,
        action="pitch.create",
        entity_type="pitch",
        entity_id=pitch.id,
        after=result,
    )
    return result


def _check_reader(
    session: Session, actor: Actor, row: ProblemStatement, pitch: Pitch | None
) -> None:
    if store.is_owner(actor, row) or store.is_juror(session, row.id, actor):
        return
    if pitch is not None and pitch.organisation_id in actor.organisation_ids:
        return
    raise Forbidden(READERS_RULE)


@requires(Permission.ACCOUNT_SELF)
def pitch_list(session: Session, *, actor: Actor, statement_id: int) -> list[PitchPublic]:
    """The statement's pitches, oldest first: for its department and its jury."""
    row = store.get_statement(session, statement_id)
    _check_reader(session, actor, row, None)
    pitches = session.scalars(
        select(Pitch).where(Pitch.statement_id == row.id).order_by(Pitch.submitted_at, Pitch.id)
    ).all()
    return [store.pitch_public(p) for p in pitches]


@requires(Permission.ACCOUNT_SELF)
def pitch_get(session: Session, *, actor: Actor, pitch_id: int) -> PitchPublic:
    """One pitch: for the department, the jury and the pitching organisation's members."""
    pitch = store.get_pitch(session, pitch_id)
    _check_reader(session, actor, store.get_statement(session, pitch.statement_id), pitch)
    return store.pitch_public(pitch)


@requires(Permission.ACCOUNT_SELF)
def pitch_deck(session: Session, *, actor: Actor, pitch_id: int) -> tuple[str, bytes]:
    """(file name, content) of a pitch's deck, for the same readers as the pitch."""
    pitch = store.get_pitch(session, pitch_id)
    _check_reader(session, actor, store.get_statement(session, pitch.statement_id), pitch)
    return pitch.deck_filename, pitch.deck


@public("lists only the pitches of the acting person's own organisations")
def pitch_mine(session: Session, *, actor: Actor, statement_id: int) -> list[PitchPublic]:
    """The statement's pitches of the actor's organisations (to read, change, withdraw)."""
    row = store.get_statement(session, statement_id)
    if actor.user_id is None or not actor.organisation_ids:
        return []
    pitches = session.scalars(
        select(Pitch)
        .where(Pitch.statement_id == row.id, Pitch.organisation_id.in_(actor.organisation_ids))
        .order_by(Pitch.id)
    ).all()
    return [store.pitch_public(p) for p in pitches]


def _own_open(session: Session, actor: Actor, pitch_id: int) -> Pitch:
    """The pitch, if the actor is a member of its organisation and the deadline is ahead."""
    pitch = store.get_pitch(session, pitch_id)
    if actor.user_id is None or pitch.organisation_id not in actor.organisation_ids:
        raise Forbidden(OWNERS_RULE)
    _check_open(
        store.get_statement(session, pitch.statement_id),
        "können nicht mehr geändert oder zurückgezogen werden",
    )
    return pitch


@requires(Permission.FEEDBACK_WRITE)
def pitch_update(
    session: Session,
    *,
    actor: Actor,
    pitch_id: int,
    data: PitchUpdate,
    deck_filename: str = "",
    deck: bytes = b"",
) -> PitchPublic:
    """Change one's pitch before the deadline (members of the pitching organisation): the
    fields given and, with a file, the deck (a PDF again)."""
    pitch = _own_open(session, actor, pitch_id)
    filename = checked_deck(deck_filename, deck) if deck_filename or deck else ""
    before = store.pitch_public(pitch)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("team") is not None:
        changes["team"] = _team(changes["team"])
    for name, value in changes.items():
        if value is None:
            raise Invalid(f"{name} darf nicht leer sein.", field=name)
        setattr(pitch, name, value.strip() if isinstance(value, str) else value)
    if filename:
        pitch.deck_filename, pitch.deck_size, pitch.deck = filename, len(deck), deck
    session.flush()
    result = store.pitch_public(pitch)
    audit.record(
        session,
        actor=actor,
        action="pitch.update",
        entity_type="pitch",
        entity_id=pitch.id,
        before=before,
        after=result,
    )
    return result


@requires(Permission.FEEDBACK_WRITE)
def pitch_withdraw(session: Session, *, actor: Actor, pitch_id: int) -> int:
    """Withdraw one's pitch before the deadline: it is deleted with its deck and slot (the
    audit log keeps what it was); the organisation may pitch again. Returns the statement."""
    pitch = _own_open(session, actor, pitch_id)
    before = store.pitch_public(pitch)
    statement_id = pitch.statement_id
    session.delete(pitch)
    forget(session, "pitch", pitch_id)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="pitch.withdraw",
        entity_type="pitch",
        entity_id=pitch_id,
        before=before,
    )
    return statement_id


@requires(Permission.FEEDBACK_WRITE)
def pitch_score(session: Session, *, actor: Actor, pitch_id: int, data: ScoreSheet) -> int:
    """Store (or replace) a juror's scores during the review (after the deadline); the
    challenges' rules apply: criteria once each, within the scale, no conflict of interest."""
    pitch = store.get_pitch(session, pitch_id)
    row = store.get_statement(session, pitch.statement_id)
    if actor.user_id is None or not store.is_juror(session, row.id, actor):
        raise Forbidden("Nur Mitglieder der Jury dieser Fragestellung vergeben Punkte.")
    if store.phase_of(row) != PitchPhase.REVIEW:
        raise Conflict(
            "Punkte werden nur zwischen Einreichungsfrist und Ende der Jury-Phase vergeben."
        )
    if is_conflicted(actor, pitch.user_id, pitch.organisation_id):
        raise Conflict(CONFLICT_RULE)
    check_sheet(row.criteria, row.scale_min, row.scale_max, data.scores)
    jury.write_scores(
        session,
        model=PitchScore,
        owner="pitch_id",
        owner_id=pitch.id,
        juror_id=actor.user_id,
        scores=data.scores,
    )
    audit.record(
        session,
        actor=actor,
        action="pitch.score",
        entity_type="pitch",
        entity_id=pitch.id,
        after=data,
    )
    return len(data.scores)


@requires(Permission.CONTENT_EDIT)
def pitch_invite(session: Session, *, actor: Actor, pitch_id: int, slot: int) -> PitchPublic:
    """Invite a pitch into a free slot of the pitch event (editors of the department)."""
    pitch = store.get_pitch(session, pitch_id)
    row = store.get_statement(session, pitch.statement_id)
    check_department(actor, row.department_id)
    if row.event_id is None:
        raise Conflict("Legen Sie zuerst das Pitch-Event der Fragestellung an.")
    if not 1 <= slot <= row.pitch_slots:
        raise Invalid(
            f"Slot {slot} gibt es nicht; das Pitch-Event hat die Slots 1 bis {row.pitch_slots}.",
            field="slot",
        )
    taken = session.scalar(
        select(Pitch.id).where(
            Pitch.statement_id == row.id, Pitch.slot == slot, Pitch.id != pitch.id
        )
    )
    if taken:
        raise Conflict(f"Slot {slot} ist schon vergeben; wählen Sie einen freien Slot.")
    before = {"slot": pitch.slot, "status": pitch.status.value}
    pitch.slot = slot
    if pitch.status == PitchStatus.SUBMITTED:
        pitch.status = PitchStatus.INVITED
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(f"Slot {slot} ist schon vergeben; wählen Sie einen freien Slot.") from None
    audit.record(
        session,
        actor=actor,
        action="pitch.invite",
        entity_type="pitch",
        entity_id=pitch.id,
        before=before,
        after={"slot": slot, "status": pitch.status.value},
    )
    return store.pitch_public(pitch)


@requires(Permission.CONTENT_EDIT)
def pitch_decide(
    session: Session, *, actor: Actor, pitch_id: int, status: PitchStatus
) -> PitchPublic:
    """The department records its decision (selected / not selected) after the deadline."""
    pitch = store.get_pitch(session, pitch_id)
    row = store.get_statement(session, pitch.statement_id)
    check_department(actor, row.department_id)
    if store.phase_of(row) == PitchPhase.OPEN:
        raise Conflict("Über Pitches wird erst nach der Einreichungsfrist entschieden.")
    if status not in {PitchStatus.SELECTED, PitchStatus.NOT_SELECTED}:
        raise Invalid("Entscheiden heißt 'selected' oder 'not_selected'.", field="status")
    jury.record_decision(
        session, actor=actor, row=pitch, status=status, entity_type="pitch", action="pitch.decide"
    )
    return store.pitch_public(pitch)
