"""Problem statements JSON API (twins of /fragestellungen): statements, pitches with their
deck (multipart), changing and withdrawing one's pitch, the pitch event, jurors, scores,
invitations and results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile
from pydantic import BaseModel

from domstadt.core.auth.permissions import Permission
from domstadt.participation import pitch_service, problem_statement_service
from domstadt.participation.challenges.files import MAX_ATTACHMENT_BYTES
from domstadt.participation.challenges.schemas import JurorIn, JurorPublic, ScoreSheet
from domstadt.participation.pitches.forms import pitch_data
from domstadt.participation.pitches.schemas import (
    PitchDecision,
    PitchEventCreate,
    PitchPublic,
    PitchResults,
    PitchUpdate,
    SlotIn,
    StatementCreate,
    StatementPublic,
    StatementSummary,
    StatementUpdate,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(
    prefix="/api/v1", tags=["problem statements"], dependencies=[Depends(verify_csrf_api)]
)


class Written(BaseModel):
    """How many scores were stored."""

    written: int


@router.get("/problem-statements", summary="Problem statements (Fragestellungen)")
def statement_list(session: SessionDep, actor: ActorDep) -> list[StatementSummary]:
    """JSON twin of /fragestellungen; `phase` (open, review, results) follows the dates."""
    return problem_statement_service.statement_list(session, actor=actor)


@router.post(
    "/problem-statements",
    status_code=201,
    summary="Post a problem statement",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def statement_create(
    body: StatementCreate, session: SessionDep, actor: ActorDep
) -> StatementPublic:
    """Editors of the owner department (`department` code) and admins."""
    return problem_statement_service.statement_create(session, actor=actor, data=body)


@router.get("/problem-statements/{statement_id}", summary="A problem statement")
def statement_get(statement_id: int, session: SessionDep, actor: ActorDep) -> StatementPublic:
    """JSON twin of /fragestellungen/{id}: context, deadline, criteria, pitch event."""
    return problem_statement_service.statement_get(session, actor=actor, statement_id=statement_id)


@router.patch(
    "/problem-statements/{statement_id}",
    summary="Change a problem statement",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def statement_update(
    statement_id: int, body: StatementUpdate, session: SessionDep, actor: ActorDep
) -> StatementPublic:
    """Only the fields given change; the review must end after the deadline."""
    return problem_statement_service.statement_update(
        session, actor=actor, statement_id=statement_id, data=body
    )


@router.get("/problem-statements/{statement_id}/pitches", summary="Pitches (department, jury)")
def pitch_list(statement_id: int, session: SessionDep, actor: ActorDep) -> list[PitchPublic]:
    """Only the owner department's editors, admins and the statement's jurors."""
    return pitch_service.pitch_list(session, actor=actor, statement_id=statement_id)


@router.post(
    "/problem-statements/{statement_id}/pitches",
    status_code=201,
    summary="Pitch (start-ups)",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def pitch_create(
    statement_id: int,
    session: SessionDep,
    actor: ActorDep,
    organisation_id: Annotated[str, Form()],
    title: Annotated[str, Form()],
    deck: Annotated[UploadFile, File(description="The pitch deck, a PDF up to 10 MiB")],
    summary: Annotated[str, Form()] = "",
    video_url: Annotated[str, Form()] = "",
    team: Annotated[list[str] | None, Form(description="One team member per field")] = None,
) -> PitchPublic:
    """Multipart form, before the deadline, by a member of the organisation; one pitch per
    organisation. Deck not a PDF, after the deadline, not a member → 422 / 409 / 403."""
    data = pitch_data(organisation_id, title, summary, video_url, team or [])
    return pitch_service.pitch_create(
        session,
        actor=actor,
        statement_id=statement_id,
        data=data,
        deck_filename=deck.filename or "",
        deck=deck.file.read(MAX_ATTACHMENT_BYTES + 1),
    )


@router.get("/problem-statements/{statement_id}/results", summary="The jury's ranking")
def results(statement_id: int, session: SessionDep, actor: ActorDep) -> PitchResults:
    """Empty with `jury_visible: false` until the review has ended."""
    return problem_statement_service.results(session, actor=actor, statement_id=statement_id)


@router.post(
    "/problem-statements/{statement_id}/jurors",
    status_code=204,
    summary="Assign a juror",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def juror_assign(
    statement_id: int, body: JurorIn, session: SessionDep, actor: ActorDep
) -> Response:
    """Editors of the owner department add a person by e-mail to the jury."""
    problem_statement_service.juror_assign(
        session, actor=actor, statement_id=statement_id, data=body
    )
    return Response(status_code=204)


@router.get("/problem-statements/{statement_id}/jurors", summary="The jury (department)")
def jury_members(statement_id: int, session: SessionDep, actor: ActorDep) -> list[JurorPublic]:
    """Editors of the owner department: each juror's `user_id`, name and how many pitches
    they have scored (`scored`)."""
    return problem_statement_service.jury_members(session, actor=actor, statement_id=statement_id)


@router.delete(
    "/problem-statements/{statement_id}/jurors/{user_id}",
    status_code=204,
    summary="Remove a juror",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def juror_remove(statement_id: int, user_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Editors of the owner department take a person off the jury; their scores are deleted
    with them. 404 when the person is not a juror; 409 for a juror who has scored once the
    ranking is shown."""
    problem_statement_service.juror_remove(
        session, actor=actor, statement_id=statement_id, user_id=user_id
    )
    return Response(status_code=204)


@router.post(
    "/problem-statements/{statement_id}/event",
    status_code=201,
    summary="Create the pitch event",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def pitch_event_create(
    statement_id: int, body: PitchEventCreate, session: SessionDep, actor: ActorDep
) -> StatementPublic:
    """An event of kind `pitch_event` (calendar, seats, waiting list via /api/v1/events)."""
    return problem_statement_service.pitch_event_create(
        session, actor=actor, statement_id=statement_id, data=body
    )


@router.get("/pitches/{pitch_id}", summary="A pitch")
def pitch_get(pitch_id: int, session: SessionDep, actor: ActorDep) -> PitchPublic:
    """The department, the jury and the pitching organisation's members."""
    return pitch_service.pitch_get(session, actor=actor, pitch_id=pitch_id)


@router.patch(
    "/pitches/{pitch_id}",
    summary="Change one's pitch",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def pitch_update(
    pitch_id: int, body: PitchUpdate, session: SessionDep, actor: ActorDep
) -> PitchPublic:
    """Members of the pitching organisation, before the deadline; only the fields given
    change (409 after the deadline, 403 for others)."""
    return pitch_service.pitch_update(session, actor=actor, pitch_id=pitch_id, data=body)


@router.put(
    "/pitches/{pitch_id}/deck",
    summary="Replace one's pitch deck",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def pitch_deck_replace(
    pitch_id: int,
    session: SessionDep,
    actor: ActorDep,
    deck: Annotated[UploadFile, File(description="The new pitch deck, a PDF up to 10 MiB")],
) -> PitchPublic:
    """Multipart; the same rules as pitching (a PDF, before the deadline, members only)."""
    content = deck.file.read(MAX_ATTACHMENT_BYTES + 1)
    return pitch_service.pitch_update(
        session,
        actor=actor,
        pitch_id=pitch_id,
        data=PitchUpdate(),
        deck_filename=deck.filename or "deck",
        deck=content,
    )


@router.delete(
    "/pitches/{pitch_id}",
    status_code=204,
    summary="Withdraw one's pitch",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def pitch_withdraw(pitch_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Members of the pitching organisation, before the deadline: the pitch is deleted."""
    pitch_service.pitch_withdraw(session, actor=actor, pitch_id=pitch_id)
    return Response(status_code=204)


@router.put(
    "/pitches/{pitch_id}/scores",
    summary="Score a pitch (jurors)",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def pitch_score(pitch_id: int, body: ScoreSheet, session: SessionDep, actor: ActorDep) -> Written:
    """During the review; criteria within the scale; conflicts of interest → 409."""
    return Written(
        written=pitch_service.pitch_score(session, actor=actor, pitch_id=pitch_id, data=body)
    )


@router.post(
    "/pitches/{pitch_id}/slot",
    summary="Invite a pitch into a slot",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def pitch_invite(pitch_id: int, body: SlotIn, session: SessionDep, actor: ActorDep) -> PitchPublic:
    """Editors of the department; the slot must exist and be free."""
    return pitch_service.pitch_invite(session, actor=actor, pitch_id=pitch_id, slot=body.slot)


@router.post(
    "/pitches/{pitch_id}/decision",
    summary="Decide on a pitch",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def pitch_decide(
    pitch_id: int, body: PitchDecision, session: SessionDep, actor: ActorDep
) -> PitchPublic:
    """`selected` or `not_selected`, after the deadline (editors of the department)."""
    return pitch_service.pitch_decide(session, actor=actor, pitch_id=pitch_id, status=body.status)
