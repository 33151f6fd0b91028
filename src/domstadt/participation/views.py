"""Challenge pages: /wettbewerbe (list), /wettbewerbe/{id} (challenge, submissions, results,
and the forms the actor may use), a submission's page, and the form posts (JSON twins in
api.py). Errors of a form post are shown by the error page with the rule's message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile as StarletteUpload

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Invalid
from domstadt.participation import (
    challenge_service,
    follow,
    jury_service,
    labels,
    submission_service,
    vote_service,
)
from domstadt.participation.challenges.files import MAX_ATTACHMENT_BYTES
from domstadt.participation.challenges.forms import score_sheet
from domstadt.participation.challenges.models import SubmissionStatus
from domstadt.participation.challenges.schemas import (
    SubmissionCreate,
    VoteIn,
)
from domstadt.participation.moderation.api import mailer
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.downloads import download_headers, served_media_type
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
LABELS = {"PHASE": labels.PHASE, "KIND": labels.KIND, "STATUS": labels.STATUS}
PAGE = 100
"""Submissions and ranking rows per page of a challenge (a challenge may have 10,000)."""


@router.get("/wettbewerbe")
def challenge_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """All challenges with their phase (JSON: /api/v1/challenges)."""
    _ = gettext_for(request)
    items = challenge_service.challenge_list(session, actor=actor)
    return render(
        request,
        "participation/list.html",
        {
            "title": _("Challenges"),
            "items": items,
            "can_create": actor.can(Permission.CONTENT_EDIT),
            **LABELS,
        },
    )


@router.get("/wettbewerbe/{challenge_id}")
def challenge_page(
    request: Request,
    challenge_id: int,
    session: SessionDep,
    actor: ActorDep,
    seite: int = 1,
    rang: int = 1,
) -> Response:
    """A challenge with its submissions, results and the actor's forms; submissions
    (``seite``) and the ranking (``rang``) in pages of :data:`PAGE` entries."""
    challenge = challenge_service.challenge_get(session, actor=actor, challenge_id=challenge_id)
    seite, rang = max(seite, 1), max(rang, 1)
    results = challenge_service.results(
        session, actor=actor, challenge_id=challenge_id, limit=PAGE, offset=(rang - 1) * PAGE
    )
    roles = challenge_service.viewer_roles(session, actor=actor, challenge_id=challenge_id)
    context: dict[str, Any] = {
        "title": challenge.title,
        "c": challenge,
        "members": challenge_service.jury_members(session, actor=actor, challenge_id=challenge_id)
        if roles["can_edit"]
        else [],
        "submissions": challenge_service.submission_list(
            session, actor=actor, challenge_id=challenge_id, limit=PAGE, offset=(seite - 1) * PAGE
        ),
        "results": results,
        "page_size": PAGE,
        "pages": max(1, -(-results.total // PAGE)),
        "seite": seite,
        "rang": rang,
        "roles": roles,
        "orgs": challenge_service.my_organisations(session, actor=actor),
        "following": follow.following(session, actor, "challenge", challenge_id),
        "statuses": [s for s in SubmissionStatus if s != SubmissionStatus.DRAFT],
        **LABELS,
    }
    return render(request, "participation/detail.html", context)


@router.get("/wettbewerbe/beitraege/{submission_id}")
def submission_page(
    request: Request, submission_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """A submission with its attachments (JSON: /api/v1/submissions/{id})."""
    sub = submission_service.submission_get(session, actor=actor, submission_id=submission_id)
    challenge = challenge_service.challenge_get(session, actor=actor, challenge_id=sub.challenge_id)
    return render(
        request,
        "participation/submission.html",
        {"title": sub.title, "s": sub, "c": challenge, **LABELS},
    )


@router.post("/wettbewerbe/{challenge_id}/einreichen", dependencies=[CsrfChecked])
def submit_post(
    request: Request, challenge_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Submit an entry (with an optional attachment) and show similar earlier entries."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    organisation_id = str(form.get("organisation_id", ""))
    try:
        data = SubmissionCreate(
            title=str(form.get("title", "")),
            summary=str(form.get("summary", "")),
            organisation_id=int(organisation_id) if organisation_id.isdecimal() else None,
            submit=True,
        )
    except ValidationError:
        raise Invalid(
            "Der Titel braucht 3 bis 300 Zeichen, die Beschreibung höchstens 20.000.",
            field="title",
        ) from None
    sub = submission_service.submission_create(
        session, actor=actor, challenge_id=challenge_id, data=data
    )
    upload = form.get("file")
    if isinstance(upload, StarletteUpload) and upload.filename:
        submission_service.attachment_add(
            session,
            actor=actor,
            submission_id=sub.id,
            filename=upload.filename,
            content=upload.file.read(MAX_ATTACHMENT_BYTES + 1),
        )
        found = sub.similar
        sub = submission_service.submission_get(session, actor=actor, submission_id=sub.id)
        sub.similar = found
    _ = gettext_for(request)
    return render(
        request,
        "participation/submitted.html",
        {"title": _("Thank you for your submission"), "s": sub, "similar": sub.similar},
    )


@router.post("/wettbewerbe/{challenge_id}/abstimmen", dependencies=[CsrfChecked])
def vote_post(
    request: Request, challenge_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Cast (or, where allowed, move) one's public vote."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    raw = str(form.get("submission_id", ""))
    if not raw.isdecimal():
        raise Invalid("Bitte wählen Sie einen Beitrag.", field="submission_id")
    vote_service.vote_cast(
        session, actor=actor, challenge_id=challenge_id, data=VoteIn(submission_id=int(raw))
    )
    return RedirectResponse(f"/wettbewerbe/{challenge_id}?abgestimmt=1", status_code=303)


@router.post("/wettbewerbe/beitraege/{submission_id}/bewerten", dependencies=[CsrfChecked])
def score_post(
    request: Request, submission_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """A juror's scores for one submission."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    sub = submission_service.submission_get(session, actor=actor, submission_id=submission_id)
    challenge = challenge_service.challenge_get(session, actor=actor, challenge_id=sub.challenge_id)
    jury_service.score_submission(
        session,
        actor=actor,
        submission_id=submission_id,
        data=score_sheet(form, len(challenge.criteria)),
    )
    return RedirectResponse(f"/wettbewerbe/{challenge.id}?bewertet=1", status_code=303)


@router.post("/wettbewerbe/beitraege/{submission_id}/ausblenden", dependencies=[CsrfChecked])
def hide_post(
    request: Request, submission_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Moderators hide a submission with a reason."""
    submission_service.submission_hide(
        session,
        actor=actor,
        submission_id=submission_id,
        reason=str(form.get("reason", "")),
        mailer=mailer(request),
    )
    return RedirectResponse(f"/wettbewerbe/beitraege/{submission_id}", status_code=303)


@router.get("/wettbewerbe/anhaenge/{attachment_id}")
def attachment_download(attachment_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """An attachment, served as a sandboxed download."""
    filename, media_type, content = submission_service.attachment_get(
        session, actor=actor, attachment_id=attachment_id
    )
    return Response(
        content, media_type=served_media_type(media_type), headers=download_headers(filename)
    )
