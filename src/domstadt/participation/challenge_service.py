"""Challenge operations (S3.1, S4.5): create and edit challenges (editors of the owner
department), list and read them, assign jurors, the results, and turning a winning submission
into a masterplan measure in one step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.errors import Invalid
from domstadt.masterplan import measure_read_service
from domstadt.participation.challenges import jury, results_query, store
from domstadt.participation.challenges.models import (
    Challenge,
    Juror,
    Score,
    Submission,
    SubmissionStatus,
    Vote,
)
from domstadt.participation.challenges.phases import Phase, check_order
from domstadt.participation.challenges.ranking import TIE_RULE
from domstadt.participation.challenges.schemas import (
    ChallengeCreate,
    ChallengePublic,
    ChallengeSummary,
    ChallengeUpdate,
    JurorIn,
    JurorPublic,
    JurorRemoved,
    ResultRow,
    Results,
    SubmissionSummary,
)
from domstadt.participation.challenges.scoring import check_criteria_locked, check_scale

_JURY_VISIBLE = {Phase.VOTE, Phase.RESULTS}


def _check_values(values: dict[str, Any]) -> None:
    check_order(
        values["submission_opens"],
        values["review_opens"],
        values["vote_opens"],
        values["results_at"],
    )
    check_scale(values["scale_min"], values["scale_max"])
    for moment in ("submission_opens", "review_opens", "vote_opens", "results_at"):
        if values[moment].tzinfo is None:
            raise Invalid(
                "Zeitpunkte brauchen eine Zeitzone, z. B. 2026-12-01T12:00:00+01:00.",
                field=moment,
            )


def _check_measures(session: Session, actor: Actor, measure_ids: list[int] | None) -> None:
    if not measure_ids:
        return
    known = {m.id for m in measure_read_service.measure_choices(session, actor=actor)}
    unknown = [str(i) for i in measure_ids if i not in known]
    if unknown:
        raise Invalid(f"Maßnahme {', '.join(unknown)} gibt es nicht.", field="measure_ids")


@public("measure codes and titles are published (S1.3)")
def measure_choices(session: Session, *, actor: Actor) -> list[tuple[int, str, str]]:
    """(id, code, title) of every measure a challenge may link, by code (the form's list)."""
    return [
        (m.id, m.code, m.name) for m in measure_read_service.measure_choices(session, actor=actor)
    ]


@requires(Permission.CONTENT_EDIT)
def challenge_create(session: Session, *, actor: Actor, data: ChallengeCreate) -> ChallengePublic:
    """Announce a challenge owned by a department the editor belongs to."""
    department = store.department_by_code(session, data.department)
    check_department(actor, department.id)
    values = data.model_dump(exclude={"department"})
    _check_values(values)
    _check_measures(session, actor, data.measure_ids)
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


def _scored(session: Session, row: Challenge) -> bool:
    """True once a juror has scored one of the challenge's submissions."""
    entries = select(Submission.id).where(Submission.challenge_id == row.id)
    return (
        session.scalar(select(Score.id).where(Score.submission_id.in_(entries)).limit(1))
        is not None
    )


@requires(Permission.CONTENT_EDIT)
def challenge_update(
    session: Session, *, actor: Actor, challenge_id: int, data: ChallengeUpdate
) -> ChallengePublic:
    """Change a challenge (editors of its department, admins); criteria and scale are locked
    once a juror has scored (``scoring.CRITERIA_RULE``, Conflict)."""
    row = store.get_challenge(session, challenge_id)
    check_department(actor, row.department_id)
    before = store.public(session, row)
    changes = data.model_dump(exclude_unset=True)
    if "criteria" in changes and data.criteria is not None:
        changes["criteria"] = [c.model_dump() for c in data.criteria]
    check_criteria_locked(
        {"criteria": row.criteria, "scale_min": row.scale_min, "scale_max": row.scale_max},
        changes,
        scored=_scored(session, row),
    )
    names = ("submission_opens", "review_opens", "vote_opens", "results_at")
    values = {name: getattr(row, name) for name in (*names, "scale_min", "scale_max")}
    values.update({k: v for k, v in changes.items() if k in values})
    if None in values.values():
        raise Invalid("Ein Pflichtfeld darf nicht leer sein.")
    _check_values(values)
    _check_measures(session, actor, changes.get("measure_ids"))
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
    session: Session,
    *,
    actor: Actor,
    challenge_id: int,
    limit: int | None = None,
    offset: int = 0,
) -> list[SubmissionSummary]:
    """A challenge's submissions (not drafts), oldest first; all, or ``limit`` from
    ``offset``."""
    store.get_challenge(session, challenge_id)
    stmt = (
        select(Submission)
        .where(
            Submission.challenge_id == challenge_id,
            Submission.status != SubmissionStatus.DRAFT,
        )
        .order_by(Submission.submitted_at, Submission.id)
        .offset(max(offset, 0))
    )
    rows = session.scalars(stmt if limit is None else stmt.limit(limit)).all()
    return [store.submission_summary(r) for r in rows]


@requires(Permission.CONTENT_EDIT)
def juror_assign(session: Session, *, actor: Actor, challenge_id: int, data: JurorIn) -> None:
    """Add a person (by e-mail) to the challenge's jury (editors of its department)."""
    row = store.get_challenge(session, challenge_id)
    check_department(actor, row.department_id)
    jury.assign(session, _jury(row), actor=actor, email=data.email)


def _jury(row: Challenge) -> jury.JuryTables:
    return jury.JuryTables(
        model=Juror,
        owner="challenge_id",
        owner_id=row.id,
        score_model=Score,
        entry="submission_id",
        entries=select(Submission.id).where(Submission.challenge_id == row.id),
        entity_type="challenge",
        where="dieses Wettbewerbs",
    )


@requires(Permission.CONTENT_EDIT)
def jury_members(session: Session, *, actor: Actor, challenge_id: int) -> list[JurorPublic]:
    """The jurors with how many submissions each has scored (editors of the department)."""
    row = store.get_challenge(session, challenge_id)
    check_department(actor, row.department_id)
    return jury.members(session, _jury(row))


@requires(Permission.CONTENT_EDIT)
def juror_remove(
    session: Session, *, actor: Actor, challenge_id: int, user_id: int
) -> JurorRemoved:
    """Take a person off the jury (editors of its department) with their scores; refused
    for someone who has scored once the jury's scores are shown (``jury.REMOVAL_RULE``)."""
    row = store.get_challenge(session, challenge_id)
    check_department(actor, row.department_id)
    published = store.phase_of(row) in _JURY_VISIBLE
    return jury.remove(session, actor=actor, jury=_jury(row), user_id=user_id, published=published)


def _vote_totals(session: Session, row: Challenge) -> tuple[int, int]:
    """Counted votes and how many were excluded (accounts created after the vote opened)."""
    counted = results_query.counted_votes(row).subquery()
    total = session.scalar(select(func.count()).select_from(counted)) or 0
    excluded = 0
    if row.exclude_late_accounts:
        cast_votes = session.scalar(
            select(func.count()).select_from(Vote).where(Vote.challenge_id == row.id)
        )
        excluded = (cast_votes or 0) - total
    return total, excluded


@public("the ranking is public; jury scores only after review, votes only after the vote")
def results(
    session: Session,
    *,
    actor: Actor,
    challenge_id: int,
    limit: int | None = None,
    offset: int = 0,
) -> Results:
    """The ranking with jury score and public votes side by side (see ranking.TIE_RULE):
    every row, or ``limit`` rows from place ``offset + 1`` (``total`` counts them all)."""
    if offset < 0 or (limit is not None and limit < 0):
        raise Invalid("offset und limit dürfen nicht negativ sein.", field="offset")
    row = store.get_challenge(session, challenge_id)
    phase = store.phase_of(row)
    jury_visible, votes_visible = phase in _JURY_VISIBLE, phase == Phase.RESULTS
    page = results_query.ranking_page(
        session,
        row,
        store.weights(row),
        with_jury=jury_visible,
        with_votes=votes_visible,
        limit=limit,
        offset=offset,
    )
    total_votes, excluded = _vote_totals(session, row) if votes_visible else (0, 0)
    return Results(
        challenge_id=challenge_id,
        phase=phase,
        jury_visible=jury_visible,
        votes_visible=votes_visible,
        tie_rule=TIE_RULE,
        rows=[_result_row(offset + i, entry) for i, entry in enumerate(page, start=1)],
        total_votes=total_votes if votes_visible else None,
        excluded_votes=excluded if votes_visible else None,
        total=results_query.entry_count(session, challenge_id),
        offset=offset,
    )


def _result_row(place: int, entry: Any) -> ResultRow:
    """A ranking row from trusted database values (constructed without re-validation)."""
    return ResultRow.model_construct(
        place=place,
        submission_id=entry.id,
        title=store.HIDDEN_TEXT if entry.hidden_at else entry.title,
        status=SubmissionStatus(entry.status),
        jury_score=None if entry.score is None else round(float(entry.score), 3),
        votes=int(entry.votes),
        measure_id=entry.measure_id,
        initiative_id=entry.initiative_id,
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
