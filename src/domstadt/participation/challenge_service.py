"""Challenge operations (S3.1, S4.5): create and edit challenges (editors of the owner
department), list and read them, assign jurors, the results, and turning a winning submission
into a masterplan measure in one step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Department, Organisation, User
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.masterplan import measure_service
from domstadt.masterplan.schemas import LinkIn, MeasureCreate
from domstadt.participation.challenges import store
from domstadt.participation.challenges.models import (
    Challenge,
    Juror,
    Score,
    Submission,
    SubmissionStatus,
    Vote,
)
from domstadt.participation.challenges.phases import Phase, check_order
from domstadt.participation.challenges.ranking import TIE_RULE, jury_scores, rank
from domstadt.participation.challenges.schemas import (
    ChallengeCreate,
    ChallengePublic,
    ChallengeSummary,
    ChallengeUpdate,
    JurorIn,
    MeasureFromWinner,
    ResultRow,
    Results,
    SubmissionSummary,
    WinnerMeasure,
)

_JURY_VISIBLE = {Phase.VOTE, Phase.RESULTS}


def _check_values(values: dict[str, Any]) -> None:
    check_order(
        values["submission_opens"],
        values["review_opens"],
        values["vote_opens"],
        values["results_at"],
    )
    if values["scale_min"] >= values["scale_max"]:
        raise Invalid(
            "Die Bewertungsskala braucht ein Minimum unter dem Maximum (z. B. 0 bis 10).",
            field="scale_max",
        )
    for moment in ("submission_opens", "review_opens", "vote_opens", "results_at"):
        if values[moment].tzinfo is None:
            raise Invalid(
                "Zeitpunkte brauchen eine Zeitzone, z. B. 2026-12-01T12:00:00+01:00.",
                field=moment,
            )


@requires(Permission.CONTENT_EDIT)
def challenge_create(session: Session, *, actor: Actor, data: ChallengeCreate) -> ChallengePublic:
    """Announce a challenge owned by a department the editor belongs to."""
    department = session.scalar(select(Department).where(Department.code == data.department))
    if department is None:
        raise Invalid(f"Dienststelle '{data.department}' gibt es nicht.", field="department")
    check_department(actor, department.id)
    values = data.model_dump(exclude={"department"})
    _check_values(values)
    values["criteria"] = [c.model_dump() for c in data.criteria]
    row = Challenge(department_id=department.id, **values)
    session.add(row)
    session.flush()
    result = store.public(session, row)
    audit.record(
        session,
        actor=actor,
        action="challenge.create",
        entity_type="challenge",
        entity_id=row.id,
        after=result,
    )
    return result


@requires(Permission.CONTENT_EDIT)
def challenge_update(
    session: Session, *, actor: Actor, challenge_id: int, data: ChallengeUpdate
) -> ChallengePublic:
    """Change a challenge (editors of its department, admins)."""
    row = store.get_challenge(session, challenge_id)
    check_department(actor, row.department_id)
    before = store.public(session, row)
    changes = data.model_dump(exclude_unset=True)
    if "criteria" in changes and data.criteria is not None:
        changes["criteria"] = [c.model_dump() for c in data.criteria]
    names = ("submission_opens", "review_opens", "vote_opens", "results_at")
    values = {name: getattr(row, name) for name in (*names, "scale_min", "scale_max")}
    values.update({k: v for k, v in changes.items() if k in values})
    if None in values.values():
        raise Invalid("Ein Pflichtfeld darf nicht leer sein.")
    _check_values(values)
    for name, value in changes.items():
        if value is None:
            raise Invalid(f"{name} darf nicht leer sein.", field=name)
        setattr(row, name, value)
    session.flush()
    result = store.public(session, row)
    audit.record(
        session,
        actor=actor,
        action="challenge.update",
        entity_type="challenge",
        entity_id=row.id,
        before=before,
        after=result,
    )
    return result


@public("challenges are public calls for ideas (S3.1)")
def challenge_list(session: Session, *, actor: Actor) -> list[ChallengeSummary]:
    """All challenges, newest submission deadline first."""
    counts = dict(
        session.execute(
            select(Submission.challenge_id, func.count())
            .where(Submission.status != SubmissionStatus.DRAFT)
            .group_by(Submission.challenge_id)
        ).all()
    )
    rows = session.scalars(
        select(Challenge).order_by(Challenge.review_opens.desc(), Challenge.id.desc())
    ).all()
    return [store.summary(session, r, counts.get(r.id, 0)) for r in rows]


@public("challenges are public calls for ideas (S3.1)")
def challenge_get(session: Session, *, actor: Actor, challenge_id: int) -> ChallengePublic:
    """One challenge with phases, criteria, prizes, rules and jury."""
    return store.public(session, store.get_challenge(session, challenge_id))


@public("submitted entries are published with their author; drafts are not listed")
def submission_list(
    session: Session, *, actor: Actor, challenge_id: int
) -> list[SubmissionSummary]:
    """A challenge's submissions (not drafts), oldest first."""
    store.get_challenge(session, challenge_id)
    rows = session.scalars(
        select(Submission)
        .where(
            Submission.challenge_id == challenge_id,
            Submission.status != SubmissionStatus.DRAFT,
        )
        .order_by(Submission.submitted_at, Submission.id)
    ).all()
    return [store.submission_summary(r) for r in rows]


@requires(Permission.CONTENT_EDIT)
def juror_assign(session: Session, *, actor: Actor, challenge_id: int, data: JurorIn) -> None:
    """Add a person (by e-mail) to the challenge's jury (editors of its department)."""
    row = store.get_challenge(session, challenge_id)
    check_department(actor, row.department_id)
    user = session.scalar(select(User).where(User.email == data.email.strip().lower()))
    if user is None:
        raise Invalid(f"Es gibt kein Konto mit der Adresse {data.email}.", field="email")
    if session.scalar(
        select(Juror.id).where(Juror.challenge_id == challenge_id, Juror.user_id == user.id)
    ):
        raise Conflict(f"{user.name} gehört schon zur Jury dieses Wettbewerbs.")
    session.add(Juror(challenge_id=challenge_id, user_id=user.id))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="challenge.juror_assign",
        entity_type="challenge",
        entity_id=challenge_id,
        after={"juror": user.email},
    )


def _vote_counts(session: Session, row: Challenge) -> tuple[dict[int, int], int]:
    """Counted votes per submission and how many were excluded (late accounts)."""
    stmt = (
        select(Vote.submission_id, func.count())
        .where(Vote.challenge_id == row.id)
        .group_by(Vote.submission_id)
    )
    excluded = 0
    if row.exclude_late_accounts:
        late = (
            select(Vote.id)
            .join(User, User.id == Vote.user_id)
            .where(Vote.challenge_id == row.id, User.created_at > row.vote_opens)
        )
        excluded = session.scalar(select(func.count()).select_from(late.subquery())) or 0
        stmt = stmt.join(User, User.id == Vote.user_id).where(User.created_at <= row.vote_opens)
    return dict(session.execute(stmt).all()), excluded


@public("the ranking is public; jury scores only after review, votes only after the vote")
def results(session: Session, *, actor: Actor, challenge_id: int) -> Results:
    """The ranking with jury score and public votes side by side (see ranking.TIE_RULE)."""
    row = store.get_challenge(session, challenge_id)
    phase = store.phase_of(row)
    jury_visible, votes_visible = phase in _JURY_VISIBLE, phase == Phase.RESULTS
    subs = session.scalars(
        select(Submission).where(
            Submission.challenge_id == challenge_id,
            Submission.status != SubmissionStatus.DRAFT,
        )
    ).all()
    scores: dict[int, float] = {}
    if jury_visible:
        scores = jury_scores(
            store.weights(row),
            session.execute(
                select(Score.submission_id, Score.criterion, Score.value)
                .join(Submission, Submission.id == Score.submission_id)
                .where(Submission.challenge_id == challenge_id)
            ).all(),
        )
    votes, excluded = _vote_counts(session, row) if votes_visible else ({}, 0)
    by_id = {s.id: s for s in subs}
    ranked = rank([(s.id, s.submitted_at) for s in subs], scores, votes)
    return Results(
        challenge_id=challenge_id,
        phase=phase,
        jury_visible=jury_visible,
        votes_visible=votes_visible,
        tie_rule=TIE_RULE,
        rows=[
            ResultRow(
                place=r.place,
                submission_id=r.submission_id,
                title=store.submission_summary(by_id[r.submission_id]).title,
                status=by_id[r.submission_id].status,
                jury_score=r.jury_score,
                votes=r.votes,
                measure_id=by_id[r.submission_id].measure_id,
            )
            for r in ranked
        ],
        total_votes=sum(votes.values()) if votes_visible else None,
        excluded_votes=excluded if votes_visible else None,
    )


@requires(Permission.CONTENT_EDIT)
def winner_to_measure(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    data: MeasureFromWinner,
    site_url: str,
) -> WinnerMeasure:
    """Create a masterplan measure from a winning submission, linked both ways: the measure
    links back to the challenge ("aus Wettbewerb …"), the submission stores the measure."""
    sub = store.get_submission(session, submission_id)
    row = store.get_challenge(session, sub.challenge_id)
    check_department(actor, row.department_id)
    if sub.status != SubmissionStatus.WINNER:
        raise Conflict(
            "Nur ein Gewinnerbeitrag wird zur Maßnahme; setzen Sie zuerst den Status 'winner'."
        )
    if sub.measure_id is not None:
        raise Conflict(f"Dieser Beitrag ist schon Maßnahme {sub.measure_id}.")
    department = session.get(Department, row.department_id)
    if department is None:
        raise NotFound("Die Dienststelle des Wettbewerbs gibt es nicht mehr.")
    back = f"{site_url.rstrip('/')}/wettbewerbe/{row.id}#beitrag-{sub.id}"
    measure = measure_service.measure_create(
        session,
        actor=actor,
        data=MeasureCreate(
            code=data.code,
            title=sub.title,
            summary=sub.summary[:2000],
            lead_department=department.code,
            fields=data.fields or None,
            links=[LinkIn(title=f"aus Wettbewerb: {row.title}", url=back, kind="website")],
        ),
    )
    sub.measure_id = measure.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="challenge.winner_to_measure",
        entity_type="challenge_submission",
        entity_id=sub.id,
        after={"measure_id": measure.id, "measure_code": measure.code},
    )
    return WinnerMeasure(
        submission_id=sub.id,
        measure_id=measure.id,
        measure_code=measure.code,
        url=f"/massnahmen/{measure.id}",
    )


@public("tells the acting person only their own roles on a challenge")
def viewer_roles(session: Session, *, actor: Actor, challenge_id: int) -> dict[str, bool]:
    """What the page may offer the actor: edit (owner department), jury, vote, submit."""
    row = store.get_challenge(session, challenge_id)
    juror = actor.user_id is not None and bool(
        session.scalar(
            select(Juror.id).where(Juror.challenge_id == row.id, Juror.user_id == actor.user_id)
        )
    )
    voted = actor.user_id is not None and bool(
        session.scalar(
            select(Vote.id).where(Vote.challenge_id == row.id, Vote.user_id == actor.user_id)
        )
    )
    return {
        "can_edit": actor.can(Permission.CONTENT_EDIT)
        and actor.can_edit_department(row.department_id),
        "is_juror": juror,
        "has_voted": voted,
        "signed_in": actor.user_id is not None,
        "can_moderate": actor.can(Permission.CONTENT_MODERATE),
    }


@public("lists only the acting person's own organisations (none when anonymous)")
def my_organisations(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the organisations the actor may submit for."""
    if not actor.organisation_ids:
        return []
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(actor.organisation_ids))
        .order_by(Organisation.name)
    ).all()
    return [(r[0], r[1]) for r in rows]
