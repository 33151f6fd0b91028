"""Masterplan pages: overview, measure list and page, editor form (JSON twins in api.py)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.db import DbSession
from domstadt.core.errors import DomainError, Invalid, InvalidFields
from domstadt.masterplan import budget_service, forms, kpi_form, labels, overview_service, service
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan import measure_service as writer
from domstadt.masterplan.history_display import change_view
from domstadt.masterplan.registry import service as registry_service
from domstadt.masterplan.schemas import MeasureCreate, MeasureFilter, MeasureUpdate
from domstadt.masterplan.screening import service as screening_service
from domstadt.participation.feedback import views as feedback_views
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, locale_of, render

router = APIRouter(include_in_schema=False)
FILTER_KEYS = ("q", "field", "sector", "department", "status", "rollout_stage", "stalled", "page")


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a masterplan template with the label tables."""
    return render(request, name, {**labels.template_globals(), **context}, status_code)


def list_filter(request: Request) -> tuple[MeasureFilter, str | None]:
    """Filters from the query string; an unusable value is dropped and reported."""
    raw = {k: request.query_params.get(k, "") for k in FILTER_KEYS}
    given = {k: v for k, v in raw.items() if v.strip()}
    try:
        return MeasureFilter(**given), None
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors()}
        return MeasureFilter(**{k: v for k, v in given.items() if k not in bad}), ", ".join(bad)


@router.get("/masterplan")
def overview(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The masterplan's fields of action and sectors (JSON twin: /api/v1/taxonomy)."""
    return page(
        request,
        "masterplan/overview.html",
        {"title": "Masterplan", "taxonomy": service.taxonomy(session, actor=actor)},
    )


@router.get("/massnahmen")
def measures(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Measures with filters, search and paging (JSON twin: /api/v1/measures)."""
    _ = gettext_for(request)
    filters, bad = list_filter(request)
    result = reader.measure_list(session, actor=actor, filters=filters)
    query = {k: v for k, v in filters.model_dump(exclude_defaults=True).items() if k != "page"}
    return page(
        request,
        "masterplan/list.html",
        {
            "title": _("Measures"),
            "result": result,
            "filters": filters,
            "bad_filter": bad,
            "query": query,
            "pages": max(1, -(-result.total // filters.per_page)),
            "taxonomy": service.taxonomy(session, actor=actor),
            "departments": directory.department_list(session, actor=actor),
            "can_edit": actor.can(Permission.CONTENT_EDIT),
        },
    )


def _form_context(
    request: Request, session: DbSession, actor: Actor, values: dict[str, Any]
) -> dict[str, Any]:
    return {
        "values": values,
        "taxonomy": service.taxonomy(session, actor=actor),
        "departments": [
            d
            for d in directory.department_list(session, actor=actor)
            if actor.can_edit_department(d.id)
        ],
        "all_departments": directory.department_list(session, actor=actor),
        "measures": reader.measure_choices(session, actor=actor),
        "organisations": directory.organisation_list(session, actor=actor),
        "map_tiles": request.app.state.settings.map_tiles,
    }


def _form_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    values: dict[str, Any],
    measure_id: int | None,
    error: DomainError | None = None,
) -> Response:
    _ = gettext_for(request)
    title = _("Edit measure") if measure_id else _("New measure")
    context = _form_context(request, session, actor, values)
    problems = error.errors if isinstance(error, InvalidFields) else [error] if error else []
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field or "", []).append(problem.message)
    context.update(title=title, measure_id=measure_id, problems=problems, errors=by_field)
    return page(request, "masterplan/form.html", context, 422 if error else 200)


def _submitted(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    for key, name in (("fields_list", "fields"), ("sectors_list", "sectors")):
        data[key] = [v for v in form.getlist(name) if isinstance(v, str)]
    for key in forms.CODE_LISTS:
        data[f"{key}_list"] = forms.codes(v for v in form.getlist(key) if isinstance(v, str))
    data["organisations_list"] = [
        v for v in form.getlist("partner_organisations") if isinstance(v, str) and v.isdecimal()
    ]
    data["kpi_rows"] = kpi_form.rows_from_form(data)
    data["milestone_rows"] = forms.rows_from_form(data, "milestones")
    data["link_rows"] = forms.rows_from_form(data, "links")
    return data


def _validation_error(exc: ValidationError) -> InvalidFields:
    problems = []
    for item in exc.errors():
        field = str(item["loc"][0]) if item.get("loc") else None
        label = labels.FIELD.get(field or "", field or "")
        problems.append(Invalid(f"{label}: {item['msg']}", field=field))
    return InvalidFields(problems)


@router.get("/massnahmen/neu")
def measure_new(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Editor form for a new measure."""
    writer.check_can_edit(actor=actor)
    return _form_page(request, session, actor, forms.initial(None), None)


@router.post("/massnahmen/neu", dependencies=[Depends(verify_csrf_form)])
def measure_new_post(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Create the measure; on bad input show the form again with the error."""
    submitted = _submitted(form)
    try:
        data = MeasureCreate.model_validate(forms.parse(submitted))
        created = writer.measure_create(session, actor=actor, data=data)
    except ValidationError as exc:
        return _form_page(request, session, actor, submitted, None, _validation_error(exc))
    except DomainError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        session.rollback()
        return _form_page(request, session, actor, submitted, None, exc)
    return RedirectResponse(f"/massnahmen/{created.id}?gespeichert=1", status_code=303)


@router.get("/massnahmen/dienststellen/{code}")
def department(request: Request, code: str, session: SessionDep, actor: ActorDep) -> Response:
    """A department's measures, status mix and stalled pilots (JSON: /api/v1/departments/…)."""
    data = overview_service.department_measures(session, actor=actor, code=code)
    return page(
        request, "masterplan/department.html", {"title": data.department.name, "data": data}
    )


def _history_change(session: DbSession, actor: Actor, locale: str) -> Any:
    """The history's per-field display, with department names for codes."""
    names = {d.code: d.name for d in directory.department_list(session, actor=actor)}
    return partial(change_view, locale=locale, departments=names)


@router.get("/massnahmen/{measure_id}")
def measure(request: Request, measure_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """One measure: progress, timeline, KPIs, budget, history (JSON: /api/v1/measures/{id})."""
    m = reader.measure_get(session, actor=actor, measure_id=measure_id)
    history = reader.measure_history(session, actor=actor, measure_id=measure_id)
    charts = [
        {
            "name": k.name,
            "unit": k.unit,
            "target": k.target,
            "baseline": k.baseline,
            "points": [[v.date.isoformat(), v.value] for v in k.values],
        }
        for k in m.kpis
    ]
    return page(
        request,
        "masterplan/detail.html",
        {
            "title": m.title,
            "m": m,
            "saved": request.query_params.get("gespeichert") == "1",
            "history": history,
            "change": _history_change(session, actor, locale_of(request)),
            "budget": budget_service.measure_budget(session, actor=actor, measure_id=measure_id),
            "charts_json": json.dumps(charts),
            "screening": screening_service.screening_headline(
                session, actor=actor, measure_id=measure_id
            ),
            "initiatives": registry_service.initiatives_for_measure(
                session, actor=actor, measure_id=measure_id
            ),
            "map_tiles": request.app.state.settings.map_tiles,
            "can_edit": actor.can_edit_department(m.lead_department.id)
            and actor.can(Permission.CONTENT_EDIT),
            **feedback_views.section_context(session, actor, measure_id),
        },
    )


@router.get("/massnahmen/{measure_id}/bearbeiten")
def measure_edit(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Editor form for an existing measure."""
    m = reader.measure_get(session, actor=actor, measure_id=measure_id)
    writer.check_can_edit(actor=actor, department_id=m.lead_department.id)
    return _form_page(request, session, actor, forms.initial(m), measure_id)


@router.post("/massnahmen/{measure_id}/bearbeiten", dependencies=[Depends(verify_csrf_form)])
def measure_edit_post(
    request: Request,
    measure_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Save the changes as a new version; on bad input show the form again with the error."""
    submitted = _submitted(form)
    try:
        data = MeasureUpdate.model_validate(forms.parse(submitted))
        writer.measure_update(session, actor=actor, measure_id=measure_id, data=data)
    except ValidationError as exc:
        return _form_page(request, session, actor, submitted, measure_id, _validation_error(exc))
    except DomainError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        session.rollback()
        return _form_page(request, session, actor, submitted, measure_id, exc)
    return RedirectResponse(f"/massnahmen/{measure_id}?gespeichert=1", status_code=303)
