"""Problem statement operations (S3.2): departments post a question with context, deadline
and jury criteria, assign jurors and set up the pitch event (an event of the events module,
kind ``pitch_event``, so it appears in the calendar); everyone reads statements; the jury's
ranking is shown once the review has ended."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.errors import Conflict, Invalid
from domstadt.participation import event_service
from domstadt.participation.challenges import jury
from domstadt.participation.challenges import store as challenge_store
from domstadt.participation.challenges.ranking import jury_scores, rank
from domstadt.participation.challenges.schemas import JurorIn, JurorPublic, JurorRemoved
from domstadt.participation.challenges.scoring import check_criteria_locked, check_scale
from domstadt.participation.events.models import EventKind
from domstadt.participation.events.schemas import EventCreate
from domstadt.participation.moderation.hidden import hidden_ids
from domstadt.participation.pitches import store
from domstadt.participation.pitches.models import Pitch, PitchJuror, PitchScore, ProblemStatement
from domstadt.participation.pitches.phases import PitchPhase, check_dates
from domstadt.participation.pitches.schemas import (
    PitchEventCreate,
    PitchResultRow,
    PitchResults,
    StatementCreate,
    StatementPublic,
    StatementSummary,
    StatementUpdate,
)

TIE_RULE = "Bei gleicher gewichteter Jurywertung entscheidet die frühere Einreichung."


@requires(Permission.CONTENT_EDIT)
def statement_create(session: Session, *, actor: Actor, data: StatementCreate) -> StatementPublic:
    """Post a problem statement owned by a department the editor belongs to."""
    department = challenge_store.department_by_code(session, data.department)
    check_department(actor, department.id)
    check_dates(data.deadline, data.review_ends)
    check_scale(data.scale_min, data.scale_max)
    row = ProblemStatement(
        department_id=department.id,
        title=data.title.strip(),
        question=data.question.strip(),
        context=data.context.strip(),
        deadline=data.deadline,
        review_ends=data.review_ends,
        criteria=[c.model_dump() for c in data.criteria],
        scale_min=data.scale_min,
        scale_max=data.scale_max,
        pitch_slots=0,
        slot_minutes=10,
    )
    session.add(row)
    session.flush()
    result = store.public(session, row)
    audit.record(
        session,
        actor=actor,
        action="problem_statement.create",
        entity_type="problem_statement",
        entity_id=row.id,
        after=result,
    )
    return result


def _scored(session: Session, row: ProblemStatement) -> bool:
    """True once a juror has scored one of the statement's pitches."""
    entries = select(Pitch.id).where(Pitch.statement_id == row.id)
    found = session.scalar(select(PitchScore.id).where(PitchScore.pitch_id.in_(entries)).limit(1))
    return found is not None


@requires(Permission.CONTENT_EDIT)
def statement_update(
    session: Session, *, actor: Actor, statement_id: int, data: StatementUpdate
) -> StatementPublic:
    """Change a statement (editors of its department); the review must end after the
    deadline; criteria and scale are locked once a juror has scored
    (``scoring.CRITERIA_RULE``, Conflict)."""
    row = store.get_statement(session, statement_id)
    check_department(actor, row.department_id)
    before = store.public(session, row)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise Invalid(f"{name} darf nicht leer sein.", field=name)
    check_dates(changes.get("deadline", row.deadline), changes.get("review_ends", row.review_ends))
    check_scale(changes.get("scale_min", row.scale_min), changes.get("scale_max", row.scale_max))
    current = {"criteria": row.criteria, "scale_min": row.scale_min, "scale_max": row.scale_max}
    check_criteria_locked(current, changes, scored=_scored(session, row))
    for name, value in changes.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    session.flush()
    result = store.public(session, row)
    audit.record(
        session,
        actor=actor,
        action="problem_statement.update",
        entity_type="problem_statement",
        entity_id=row.id,
        before=before,
        after=result,
    )
    return result


@public("problem statements are public calls to start-ups (S3.2)")
def statement_list(session: Session, *, actor: Actor) -> list[StatementSummary]:
    """All statements, latest deadline first."""
    counts = dict(
        session.execute(select(Pitch.statement_id, func.count()).group_by(Pitch.statement_id)).all()
    )
    rows = session.scalars(
        select(ProblemStatement).order_by(ProblemStatement.deadline.desc(), ProblemStatement.id)
    ).all()
    return [store.summary(session, r, counts.get(r.id, 0)) for r in rows]


@public("problem statements are public calls to start-ups (S3.2)")
def statement_get(session: Session, *, actor: Actor, statement_id: int) -> StatementPublic:
    """One statement with context, deadline, criteria, jury and the pitch event's programme."""
    return store.public(session, store.get_statement(session, statement_id))


@requires(Permission.CONTENT_EDIT)
def juror_assign(session: Session, *, actor: Actor, statement_id: int, data: JurorIn) -> None:
    """Add a person (by e-mail) to the statement's jury (editors of its department)."""
    row = store.get_statement(session, statement_id)
    check_department(actor, row.department_id)
    jury.assign(session, _jury(row), actor=actor, email=data.email)


def _jury(row: ProblemStatement) -> jury.JuryTables:
    return jury.JuryTables(
        model=PitchJuror,
        owner="statement_id",
        owner_id=row.id,
        score_model=PitchScore,
        entry="pitch_id",
        entries=select(Pitch.id).where(Pitch.statement_id == row.id),
        entity_type="problem_statement",
        where="dieser Fragestellung",
    )


@requires(Permission.CONTENT_EDIT)
def jury_members(session: Session, *, actor: Actor, statement_id: int) -> list[JurorPublic]:
    """The jurors with how many pitches each has scored (editors of the department)."""
    row = store.get_statement(session, statement_id)
    check_department(actor, row.department_id)
    return jury.members(session, _jury(row))


@requires(Permission.CONTENT_EDIT)
def juror_remove(
    session: Session, *, actor: Actor, statement_id: int, user_id: int
) -> JurorRemoved:
    """Take a person off the jury (editors of its department) with their scores; refused
    for someone who has scored once the ranking is shown (``jury.REMOVAL_RULE``)."""
    row = store.get_statement(session, statement_id)
    check_department(actor, row.department_id)
    published = store.phase_of(row) == PitchPhase.RESULTS
    return jury.remove(session, actor=actor, jury=_jury(row), user_id=user_id, published=published)


@requires(Permission.CONTENT_EDIT)
def pitch_event_create(
    session: Session, *, actor: Actor, statement_id: int, data: PitchEventCreate
) -> StatementPublic:
    """Create the statement's pitch event (seats, waiting list and calendar come from the
    events module) with its number of pitch slots."""
    row = store.get_statement(session, statement_id)
    check_department(actor, row.department_id)
    if row.event_id is not None:
        raise Conflict("Diese Fragestellung hat schon ein Pitch-Event.")
    if data.ends_at < data.starts_at:
        raise Invalid("Das Ende darf nicht vor dem Beginn liegen.", field="ends_at")
    needed = data.pitch_slots * data.slot_minutes
    if (data.ends_at - data.starts_at).total_seconds() < needed * 60:
        raise Invalid(
            f"{data.pitch_slots} Slots zu {data.slot_minutes} Minuten passen nicht in die "
            "Veranstaltung; sie muss mindestens so lange dauern.",
            field="pitch_slots",
        )
    department = store.public(session, row).department_code
    event = event_service.event_create(
        session,
        actor=actor,
        data=EventCreate(
            title=data.title.strip() or f"Pitch-Event: {row.title}"[:300],
            kind=EventKind.PITCH_EVENT,
            department_code=department,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            place=data.place,
            address=data.address,
            description=data.description or row.question,
            capacity=data.capacity,
        ),
    )
    row.event_id, row.pitch_slots, row.slot_minutes = event.id, data.pitch_slots, data.slot_minutes
    session.flush()
    result = store.public(session, row)
    audit.record(
        session,
        actor=actor,
        action="problem_statement.pitch_event",
        entity_type="problem_statement",
        entity_id=row.id,
        after={"event_id": event.id, "pitch_slots": row.pitch_slots},
    )
    return result


@public("the ranking is public; jury scores only after the review has ended")
def results(session: Session, *, actor: Actor, statement_id: int) -> PitchResults:
    """The pitches ranked by weighted jury score (tie: earlier submission first); titles and
    scores appear only once the review has ended."""
    row = store.get_statement(session, statement_id)
    phase = store.phase_of(row)
    visible = phase == PitchPhase.RESULTS
    pitches = session.scalars(select(Pitch).where(Pitch.statement_id == row.id)).all()
    if not visible:
        return PitchResults(
            statement_id=row.id, phase=phase, jury_visible=False, tie_rule=TIE_RULE, rows=[]
        )
    scores = jury_scores(
        [float(c["weight"]) for c in row.criteria],
        session.execute(
            select(PitchScore.pitch_id, PitchScore.criterion, PitchScore.value)
            .join(Pitch, Pitch.id == PitchScore.pitch_id)
            .where(Pitch.statement_id == row.id)
        ).all(),
    )
    by_id = {p.id: p for p in pitches}
    hidden = hidden_ids(session, "pitch", by_id)
    ranked = rank([(p.id, p.submitted_at) for p in pitches], scores, {})
    return PitchResults(
        statement_id=row.id,
        phase=phase,
        jury_visible=True,
        tie_rule=TIE_RULE,
        rows=[
            PitchResultRow(
                place=r.place,
                pitch_id=r.submission_id,
                title=store.HIDDEN_TITLE
                if r.submission_id in hidden
                else by_id[r.submission_id].title,
                organisation_name=by_id[r.submission_id].organisation_name,
                status=by_id[r.submission_id].status,
                jury_score=r.jury_score,
            )
            for r in ranked
        ],
    )


@public("tells the acting person only their own roles on a statement")
def viewer_roles(session: Session, *, actor: Actor, statement_id: int) -> dict[str, bool]:
    """What the page may offer: edit (owner department), jury, pitch (signed-in members of an
    organisation)."""
    row = store.get_statement(session, statement_id)
    return {
        "can_edit": store.is_owner(actor, row),
        "is_juror": store.is_juror(session, row.id, actor),
        "signed_in": actor.user_id is not None,
        "has_organisation": bool(actor.organisation_ids),
    }
