"""Funding radar pages: /foerderung (list with filters), /foerderung/{id} (a programme with
its history, attribution and the measures it fits; digital criteria form for its
department), /foerderung/massnahmen/{id} ("Passende Förderprogramme" of a measure, also the
fragment the measure page loads) and /foerderung/uebersicht (dashboard)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt import funding_match_service as match_service
from domstadt import funding_service as service
from domstadt.core.auth.permissions import Permission
from domstadt.funding import vocab
from domstadt.funding.schemas import DigitalCriteriaUpdate, ProgrammeFilter
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 20


def _labels() -> dict[str, Any]:
    return {
        "LEVELS": vocab.LEVELS,
        "TYPES": vocab.FUNDING_TYPES,
        "APPLICANTS": vocab.APPLICANTS,
        "STATUSES": vocab.STATUSES,
    }


def _filters(request: Request) -> tuple[ProgrammeFilter, str]:
    params = {
        k: v for k, v in request.query_params.items() if v and k in ProgrammeFilter.model_fields
    }
    page = request.query_params.get("seite", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    params.update(limit=str(PER_PAGE), offset=str((number - 1) * PER_PAGE))
    try:
        return ProgrammeFilter.model_validate(params), ""
    except ValidationError as exc:
        bad = ", ".join(str(e["loc"][0]) for e in exc.errors())
        return ProgrammeFilter(limit=PER_PAGE, offset=(number - 1) * PER_PAGE), bad


@router.get("/foerderung")
def programme_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Programmes with search and filters, soonest deadline first (JSON:
    /api/v1/funding/programmes)."""
    _ = gettext_for(request)
    filters, bad = _filters(request)
    result = service.programme_list(session, actor=actor, filters=filters)
    query = {
        k: v
        for k, v in filters.model_dump().items()
        if v and k in ("q", "level", "status", "topic")
    }
    page = filters.offset // PER_PAGE + 1
    return render(
        request,
        "funding/list.html",
        {
            "title": _("Funding radar"),
            "result": result,
            "filters": filters,
            "bad_filter": bad,
            "query": urlencode(query),
            "query_items": query,
            "page": page,
            "pages": max(1, -(-result.count // PER_PAGE)),
            **_labels(),
        },
    )


@router.get("/foerderung/uebersicht")
def dashboard(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Open programmes by level and topic, deadlines this quarter, measures without a fitting
    programme (JSON: /api/v1/funding/dashboard)."""
    _ = gettext_for(request)
    board = match_service.dashboard(session, actor=actor)
    return render(
        request, "funding/dashboard.html",
        {"title": _("Funding dashboard"), "board": board, **_labels()},
    )  # fmt: skip


@router.get("/foerderung/massnahmen/{measure_id}")
def measure_matches(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Programmes that fit a measure; with ``HX-Request`` only the section (the measure page
    loads it), else a whole page."""
    _ = gettext_for(request)
    matches = match_service.measure_funding(session, actor=actor, measure_id=measure_id)
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "funding/measure_fragment.html" if fragment else "funding/measure.html",
        {"title": _("Matching funding programmes"), "matches": matches,
         "measure_id": measure_id, **_labels()},
    )  # fmt: skip


def _detail(
    request: Request, session: Any, actor: Any, programme_id: int, status: int = 200, **extra: Any
) -> Response:
    programme = service.programme_get(session, actor=actor, programme_id=programme_id)
    fits = match_service.programme_measures(session, actor=actor, programme_id=programme_id)
    can_tag = (
        programme.department_id is not None
        and actor.can(Permission.CONTENT_EDIT)
        and actor.can_edit_department(programme.department_id)
    )
    return render(
        request,
        "funding/detail.html",
        {"title": programme.title, "p": programme, "fits": fits, "can_tag": can_tag,
         **_labels(), **extra},
        status_code=status,
    )  # fmt: skip


@router.get("/foerderung/{programme_id}")
def programme_detail(
    request: Request, programme_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """One programme (JSON: /api/v1/funding/programmes/{id})."""
    return _detail(request, session, actor, programme_id)


@router.post("/foerderung/{programme_id}/kriterien", dependencies=[Depends(verify_csrf_form)])
def digital_criteria_post(
    request: Request, programme_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save a city programme's digital criteria (one per line or comma-separated)."""
    text = str(form.get("digital_criteria") or "")
    tags = [t.strip() for t in text.replace("\n", ",").split(",") if t.strip()]
    try:
        data = DigitalCriteriaUpdate(digital_criteria=tags)
    except ValidationError:
        _ = gettext_for(request)
        return _detail(
            request, session, actor, programme_id, status=422,
            error=_("At most 30 digital criteria are allowed."),
        )  # fmt: skip
    service.digital_criteria_update(session, actor=actor, programme_id=programme_id, data=data)
    return RedirectResponse(f"/foerderung/{programme_id}?gespeichert=1", status_code=303)
