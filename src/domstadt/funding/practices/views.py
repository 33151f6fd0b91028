"""Best-practice library pages: /praxisbeispiele (list with filters), /praxisbeispiele/{id}
(a practice, its ratings and their aggregate, the rating form for signed-in reviewers) and
/praxisbeispiele/massnahmen/{id} (the practices most like a measure, also the fragment the
measure page loads)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Invalid
from domstadt.funding import practice_service as service
from domstadt.funding.practices import vocab
from domstadt.funding.practices.schemas import PracticeFilter, RatingInput
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
_LABELS = {"STATUSES": vocab.STATUSES, "CRITERIA": vocab.CRITERIA}


def _filters(request: Request) -> tuple[PracticeFilter, str]:
    params = {
        k: v for k, v in request.query_params.items() if v and k in PracticeFilter.model_fields
    }
    page = request.query_params.get("seite", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    params.update(limit=str(PER_PAGE), offset=str((number - 1) * PER_PAGE))
    try:
        return PracticeFilter.model_validate(params), ""
    except ValidationError as exc:
        bad = ", ".join(str(e["loc"][0]) for e in exc.errors())
        return PracticeFilter(limit=PER_PAGE, offset=(number - 1) * PER_PAGE), bad


@router.get("/praxisbeispiele")
def practice_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Practices with search and filters (JSON: /api/v1/practices)."""
    _ = gettext_for(request)
    filters, bad = _filters(request)
    result = service.practice_list(session, actor=actor, filters=filters)
    query = {
        k: v
        for k, v in filters.model_dump().items()
        if v and k in ("q", "technology", "status", "city")
    }
    page = filters.offset // PER_PAGE + 1
    return render(
        request, "practices/list.html",
        {"title": _("Best practices"), "result": result, "filters": filters, "bad_filter": bad,
         "query": urlencode(query), "query_items": query, "page": page,
         "pages": max(1, -(-result.count // PER_PAGE)),
         "technologies": service.technologies(session, actor=actor), **_LABELS},
    )  # fmt: skip


@router.get("/praxisbeispiele/massnahmen/{measure_id}")
def measure_practices(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Practices most like a measure; with ``HX-Request`` only the section (the measure page
    loads it), else a whole page."""
    _ = gettext_for(request)
    similar = service.measure_practices(session, actor=actor, measure_id=measure_id)
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "practices/measure_fragment.html" if fragment else "practices/measure.html",
        {"title": _("Similar best practices"), "similar": similar, "measure_id": measure_id,
         **_LABELS},
    )  # fmt: skip


def _detail(
    request: Request, session: Any, actor: Any, practice_id: int, status: int = 200, **extra: Any
) -> Response:
    item = service.practice_get(session, actor=actor, practice_id=practice_id)
    mine = (
        service.my_rating(session, actor=actor, practice_id=practice_id)
        if actor.user_id is not None and actor.can(Permission.FEEDBACK_WRITE)
        else None
    )
    return render(
        request, "practices/detail.html",
        {"title": item.title, "p": item, "mine": mine, **_LABELS, **extra},
        status_code=status,
    )  # fmt: skip


@router.get("/praxisbeispiele/{practice_id}")
def practice_detail(
    request: Request, practice_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """One practice with its ratings (JSON: /api/v1/practices/{id})."""
    return _detail(request, session, actor, practice_id)


@router.post("/praxisbeispiele/{practice_id}/bewertung", dependencies=[Depends(verify_csrf_form)])
def rating_post(
    request: Request, practice_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save the signed-in reviewer's rating (a score 1–5 per criterion, blank: not rated)."""
    _ = gettext_for(request)
    scores = {
        c: str(form.get(f"score_{c}") or "").strip()
        for c in vocab.CRITERIA
        if str(form.get(f"score_{c}") or "").strip()
    }
    try:
        data = RatingInput.model_validate(
            {"scores": scores, "comment": str(form.get("comment") or "")}
        )
    except ValidationError:
        return _detail(
            request, session, actor, practice_id, status=422,
            error=_("Rate at least one criterion with a whole number from 1 to 5."),
        )  # fmt: skip
    try:
        service.rating_set(session, actor=actor, practice_id=practice_id, data=data)
    except Invalid as exc:
        return _detail(request, session, actor, practice_id, status=422, error=str(exc))
    return RedirectResponse(f"/praxisbeispiele/{practice_id}?gespeichert=1", status_code=303)
