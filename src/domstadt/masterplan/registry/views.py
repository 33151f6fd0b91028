"""Pages of the initiatives registry: list, detail, the form with its similarity check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.db import DbSession
from domstadt.core.errors import DomainError, Forbidden, Invalid
from domstadt.masterplan.registry import review_service, service
from domstadt.masterplan.registry.messages import describe, problems
from domstadt.masterplan.registry.models import InitiativeStatus
from domstadt.masterplan.registry.schemas import InitiativeCreate
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
FORM_FIELDS = (
    "title", "description", "code", "owner_name", "contact", "start_date", "end_date",
    "funding", "status", "website",
)  # fmt: skip


def _can_edit(actor: Any) -> bool:
    return bool(actor.can(Permission.CONTENT_EDIT))


def form_values(form: Any) -> dict[str, Any]:
    """The form's fields as InitiativeCreate input (empty optional fields left out)."""
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in FORM_FIELDS}
    values = {k: v for k, v in values.items() if v or k in ("title", "description")}
    org = str(form.get("owner_organisation_id", "")).strip()
    if org:
        values["owner_organisation_id"] = org
    measures = str(form.get("measure_ids", "")).replace(";", ",")
    values["measure_ids"] = [m.strip() for m in measures.split(",") if m.strip()]
    return values


@router.get("/initiativen")
def initiative_list(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: str = "",
    status: InitiativeStatus | None = None,
    page: int = 1,
) -> Response:
    """All initiatives that are not merged duplicates (JSON twin: /api/v1/initiatives)."""
    _ = gettext_for(request)
    data = service.initiative_list(session, actor=actor, q=q[:200], status=status, page=page)
    context = {
        "title": _("Initiatives"),
        "data": data,
        "q": q,
        "status": status.value if status else "",
        "statuses": list(InitiativeStatus),
        "can_edit": _can_edit(actor),
    }
    return render(request, "registry/list.html", context)


def _form_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    values: dict[str, Any],
    errors: list[str],
    status_code: int = 200,
) -> Response:
    _ = gettext_for(request)
    context = {
        "title": _("Register an initiative"),
        "values": values,
        "errors": errors,
        "statuses": list(InitiativeStatus),
        "organisations": directory.organisation_list(session, actor=actor),
    }
    return render(request, "registry/form.html", context, status_code=status_code)


@router.get("/initiativen/neu")
def initiative_new(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The form for a new initiative (editors)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    if not _can_edit(actor):
        raise Forbidden("Nur Redaktion und Administration können Initiativen eintragen.")
    return _form_page(request, session, actor, {"status": "active"}, [])


@router.post("/initiativen/neu", dependencies=[CsrfChecked])
def initiative_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Create the initiative; on bad input show the form again with the problems."""
    values = form_values(form)
    try:
        data = InitiativeCreate.model_validate(values)
    except ValidationError as exc:
        errors = [describe(f, p) for f, p in problems(exc)]
        return _form_page(request, session, actor, dict(form), errors, status_code=422)
    try:
        created = service.initiative_create(session, actor=actor, data=data)
    except DomainError as exc:
        if exc.status_code in (401, 403):
            raise
        session.rollback()
        return _form_page(
            request, session, actor, dict(form), [exc.message], status_code=exc.status_code
        )
    return RedirectResponse(f"/initiativen/{created.id}", status_code=303)


@router.get("/initiativen/aehnliche")
def similar_partial(
    request: Request, session: SessionDep, actor: ActorDep, title: str = "", description: str = ""
) -> Response:
    """htmx fragment: similar existing entries for what is being typed."""
    text = f"{title[:300]}\n{description[:3000]}"
    found = review_service.similar_entries(session, actor=actor, text=text, limit=5)
    return render(request, "registry/_similar.html", {"items": found.items, "typed": text.strip()})


@router.get("/initiativen/{initiative_id}")
def initiative_detail(
    request: Request, initiative_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """One initiative (JSON twin: /api/v1/initiatives/{id})."""
    item = service.initiative_get(session, actor=actor, initiative_id=initiative_id)
    original = None
    if item.duplicate_of_id:
        original = service.initiative_get(session, actor=actor, initiative_id=item.duplicate_of_id)
    context = {"title": item.title, "item": item, "original": original}
    context["can_edit"] = _can_edit(actor)
    return render(request, "registry/detail.html", context)


@router.post("/initiativen/{initiative_id}/massnahmen", dependencies=[CsrfChecked])
def link_measure(
    request: Request,
    initiative_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Link the initiative to a measure given by its number."""
    raw = str(form.get("measure_id", "")).strip()
    if not raw.isdecimal():
        raise Invalid("Bitte die Nummer der Maßnahme angeben.", field="measure_id")
    service.initiative_link_measure(
        session, actor=actor, initiative_id=initiative_id, measure_id=int(raw)
    )
    return RedirectResponse(f"/initiativen/{initiative_id}", status_code=303)


@router.post(
    "/initiativen/{initiative_id}/massnahmen/{measure_id}/entfernen", dependencies=[CsrfChecked]
)
def unlink_measure(
    initiative_id: int, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Remove a link to a measure."""
    service.initiative_unlink_measure(
        session, actor=actor, initiative_id=initiative_id, measure_id=measure_id
    )
    return RedirectResponse(f"/initiativen/{initiative_id}", status_code=303)
