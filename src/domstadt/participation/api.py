"""Challenges JSON API (JSON twins of /wettbewerbe pages): challenges, submissions with
attachments, jury scores, public votes, results and the winner's measure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from pydantic import BaseModel

from domstadt.core.auth.permissions import Permission
from domstadt.participation import (
    challenge_service,
    jury_service,
    submission_service,
    vote_service,
    winner_service,
)
from domstadt.participation.challenges.files import MAX_ATTACHMENT_BYTES
from domstadt.participation.challenges.schemas import (
    AttachmentPublic,
    ChallengeCreate,
    ChallengePublic,
    ChallengeSummary,
    ChallengeUpdate,
    HideRequest,
    InitiativeFromWinner,
    JurorIn,
    JurorPublic,
    MeasureFromWinner,
    Results,
    ScoreSheet,
    StatusChange,
    SubmissionCreate,
    SubmissionPublic,
    SubmissionSummary,
    VoteIn,
    VotePublic,
    WinnerInitiative,
    WinnerMeasure,
)
from domstadt.participation.moderation.api import mailer
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["challenges"], dependencies=[Depends(verify_csrf_api)])
RESULT_PAGE = 100
MAX_RESULT_ROWS = 1000


class Written(BaseModel):
    """How many scores were stored."""

    written: int


@router.get("/challenges", summary="Challenges (idea competitions, hackathons)")
def challenge_list(session: SessionDep, actor: ActorDep) -> list[ChallengeSummary]:
    """JSON twin of /wettbewerbe; `phase` is derived from the dates."""
    return challenge_service.challenge_list(session, actor=actor)


@router.post(
    "/challenges",
    status_code=201,
    summary="Announce a challenge (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def challenge_create(
    body: ChallengeCreate, session: SessionDep, actor: ActorDep
) -> ChallengePublic:
    """Editors of the owner department (`department` code) and admins."""
    return challenge_service.challenge_create(session, actor=actor, data=body)


@router.get("/challenges/{challenge_id}", summary="A challenge")
def challenge_get(challenge_id: int, session: SessionDep, actor: ActorDep) -> ChallengePublic:
    """JSON twin of /wettbewerbe/{id}."""
    return challenge_service.challenge_get(session, actor=actor, challenge_id=challenge_id)


@router.patch(
    "/challenges/{challenge_id}",
    summary="Change a challenge (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def challenge_update(
    challenge_id: int, body: ChallengeUpdate, session: SessionDep, actor: ActorDep
) -> ChallengePublic:
    """Only the fields given change; the phase dates must stay in order."""
    return challenge_service.challenge_update(
        session, actor=actor, challenge_id=challenge_id, data=body
    )


@router.get("/challenges/{challenge_id}/submissions", summary="A challenge's submissions")
def submission_list(
    challenge_id: int, session: SessionDep, actor: ActorDep
) -> list[SubmissionSummary]:
    """Submitted entries (drafts are not listed)."""
    return challenge_service.submission_list(session, actor=actor, challenge_id=challenge_id)


@router.post(
    "/challenges/{challenge_id}/submissions",
    status_code=201,
    summary="Write a submission",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def submission_create(
    challenge_id: int, body: SubmissionCreate, session: SessionDep, actor: ActorDep
) -> SubmissionPublic:
    """Signed-in people, during the submission phase; `submit: true` hands it in at once
    and the answer lists similar earlier submissions and initiatives (`similar`)."""
    return submission_service.submission_create(
        session, actor=actor, challenge_id=challenge_id, data=body
    )


@router.get("/challenges/{challenge_id}/results", summary="Ranking: jury and public vote")
def results(
    challenge_id: int,
    session: SessionDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=MAX_RESULT_ROWS)] = RESULT_PAGE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Results:
    """Jury scores appear after the jury phase, votes after the vote; ties per `tie_rule`.
    `limit` places (default 100, at most 1000) from place `offset + 1`; `total` counts all."""
    return challenge_service.results(
        session, actor=actor, challenge_id=challenge_id, limit=limit, offset=offset
    )


@router.post(
    "/challenges/{challenge_id}/jurors",
    status_code=204,
    summary="Assign a juror",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def juror_assign(
    challenge_id: int, body: JurorIn, session: SessionDep, actor: ActorDep
) -> Response:
    """Editors of the owner department add a person by e-mail to the jury."""
    challenge_service.juror_assign(session, actor=actor, challenge_id=challenge_id, data=body)
    return Response(status_code=204)


@router.get("/challenges/{challenge_id}/jurors", summary="The jury (owner department)")
def jury_members(challenge_id: int, session: SessionDep, actor: ActorDep) -> list[JurorPublic]:
    """Editors of the owner department: each juror's `user_id`, name and how many
    submissions they have scored (`scored`)."""
    return challenge_service.jury_members(session, actor=actor, challenge_id=challenge_id)


@router.delete(
    "/challenges/{challenge_id}/jurors/{user_id}",
    status_code=204,
    summary="Remove a juror",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def juror_remove(challenge_id: int, user_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Editors of the owner department take a person off the jury; their scores are deleted
    with them. 404 when the person is not a juror; 409 for a juror who has scored once the
    jury's scores are shown (vote and results phases)."""
    challenge_service.juror_remove(session, actor=actor, challenge_id=challenge_id, user_id=user_id)
    return Response(status_code=204)


@router.post(
    "/challenges/{challenge_id}/votes",
    status_code=201,
    summary="Vote for a submission",
    responses={200: {"description": "Vote moved (challenges that allow changing)"}},
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def vote_cast(
    challenge_id: int, body: VoteIn, response: Response, session: SessionDep, actor: ActorDep
) -> VotePublic:
    """One vote per account and challenge, only in the vote phase; a second answers 409."""
    vote, created = vote_service.vote_cast(
        session, actor=actor, challenge_id=challenge_id, data=body
    )
    if not created:
        response.status_code = 200
    return vote


@router.get("/submissions/{submission_id}", summary="A submission")
def submission_get(submission_id: int, session: SessionDep, actor: ActorDep) -> SubmissionPublic:
    """A submitted entry (a draft only for its author)."""
    return submission_service.submission_get(session, actor=actor, submission_id=submission_id)


@router.post(
    "/submissions/{submission_id}/submit",
    summary="Hand in a draft",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def submission_submit(submission_id: int, session: SessionDep, actor: ActorDep) -> SubmissionPublic:
    """Refused after the submission deadline (the message names it)."""
    return submission_service.submission_submit(session, actor=actor, submission_id=submission_id)


@router.post(
    "/submissions/{submission_id}/attachments",
    status_code=201,
    summary="Attach a file",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def attachment_add(
    submission_id: int,
    file: Annotated[UploadFile, File()],
    session: SessionDep,
    actor: ActorDep,
) -> AttachmentPublic:
    """PDF, PNG or JPEG up to 10 MiB; the content must match the file name's type."""
    content = file.file.read(MAX_ATTACHMENT_BYTES + 1)
    return submission_service.attachment_add(
        session,
        actor=actor,
        submission_id=submission_id,
        filename=file.filename or "",
        content=content,
    )


@router.put(
    "/submissions/{submission_id}/scores",
    summary="Score a submission (jurors)",
    openapi_extra=needs(Permission.FEEDBACK_WRITE),
)
def score_submission(
    submission_id: int, body: ScoreSheet, session: SessionDep, actor: ActorDep
) -> Written:
    """Per-criterion scores within the scale, with comments; conflicts of interest → 409."""
    written = jury_service.score_submission(
        session, actor=actor, submission_id=submission_id, data=body
    )
    return Written(written=written)


@router.post(
    "/submissions/{submission_id}/status",
    summary="Set a submission's status",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def submission_set_status(
    submission_id: int, body: StatusChange, session: SessionDep, actor: ActorDep
) -> SubmissionPublic:
    """Editors of the owner department record the jury's decision."""
    return submission_service.submission_set_status(
        session, actor=actor, submission_id=submission_id, status=body.status
    )


@router.post(
    "/submissions/{submission_id}/measure",
    status_code=201,
    summary="Winner becomes a masterplan measure",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def winner_to_measure(
    submission_id: int,
    body: MeasureFromWinner,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
) -> WinnerMeasure:
    """Creates the measure, linked both ways (the measure links back to the challenge)."""
    return winner_service.winner_to_measure(
        session,
        actor=actor,
        submission_id=submission_id,
        data=body,
        site_url=request.app.state.settings.base_url,
    )


@router.post(
    "/submissions/{submission_id}/initiative",
    status_code=201,
    summary="Winner becomes an initiative of the register",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def winner_to_initiative(
    submission_id: int,
    body: InitiativeFromWinner,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
) -> WinnerInitiative:
    """Registers the initiative, linked both ways (its web address is the challenge page)."""
    return winner_service.winner_to_initiative(
        session,
        actor=actor,
        submission_id=submission_id,
        data=body,
        site_url=request.app.state.settings.base_url,
    )


@router.post(
    "/submissions/{submission_id}/hide",
    status_code=204,
    summary="Hide a submission",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def submission_hide(
    submission_id: int, body: HideRequest, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    """Moderators hide a submission's text and files with a reason (audited)."""
    submission_service.submission_hide(
        session,
        actor=actor,
        submission_id=submission_id,
        reason=body.reason,
        mailer=mailer(request),
    )
    return Response(status_code=204)
