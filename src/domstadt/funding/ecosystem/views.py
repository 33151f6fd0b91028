"""Pages of the ecosystem directory: /oekosystem (search, filters, map), an organisation's or
a person's entry, the vocabulary, one's own profile (/oekosystem/mein-profil), and a measure's
"Regionale Anbieter" (/oekosystem/massnahmen/{id}, also the fragment the measure page loads)
with the form for its CPV codes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.funding import ecosystem_service as service
from domstadt.funding.ecosystem.schemas import (
    DISTRICTS,
    ENTRY_TYPES,
    CpvUpdate,
    DirectoryFilter,
    PersonProfileUpdate,
)
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.i18n import N_
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)

TYPES = {
    "company": N_("Company"),
    "startup": N_("Startup"),
    "association": N_("Association"),
    "research": N_("Research, lab or think tank"),
    "public_body": N_("Public body"),
    "person": N_("Individual"),
    "lab": N_("Lab session"),
}
LINK_KINDS = {
    "measure": N_("Measure"),
    "challenge": N_("Challenge"),
    "event": N_("Event"),
    "submission": N_("Submission"),
}


def _labels() -> dict[str, Any]:
    return {"TYPES": TYPES, "DISTRICTS": DISTRICTS, "LINK_KINDS": LINK_KINDS}


def _filters(request: Request) -> tuple[DirectoryFilter, str]:
    params = {
        k: v for k, v in request.query_params.items() if v and k in DirectoryFilter.model_fields
    }
    try:
        return DirectoryFilter.model_validate(params), ""
    except ValidationError as exc:
        return DirectoryFilter(), ", ".join(str(e["loc"][0]) for e in exc.errors())


@router.get("/oekosystem")
def directory(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Search the directory by competence, Stadtbezirk and type; a map of the entries (JSON:
    /api/v1/ecosystem)."""
    _ = gettext_for(request)
    filters, bad = _filters(request)
    filters.limit = 500
    result = service.directory_search(session, actor=actor, filters=filters)
    vocab = service.vocabulary_list(session, actor=actor)
    return render(
        request,
        "ecosystem/directory.html",
        {"title": _("Competences and ecosystem"), "result": result, "filters": filters,
         "bad_filter": bad, "vocab": vocab, "types": ENTRY_TYPES, **_labels(),
         "map_tiles": request.app.state.settings.map_tiles},
    )  # fmt: skip


@router.get("/oekosystem/vokabular")
def vocabulary_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The competence vocabulary with labels, synonyms and ESCO links."""
    _ = gettext_for(request)
    vocab = service.vocabulary_list(session, actor=actor)
    return render(
        request, "ecosystem/vocabulary.html", {"title": _("Competence vocabulary"), "vocab": vocab}
    )


def _organisation(
    request: Request,
    session: Any,
    actor: Any,
    organisation_id: int,
    status: int = 200,
    **extra: Any,
) -> Response:
    _ = gettext_for(request)
    detail = service.organisation_entry(session, actor=actor, organisation_id=organisation_id)
    return render(
        request, "ecosystem/entry.html",
        {"title": detail.entry.name, "d": detail, **_labels(), **extra},
        status_code=status,
    )  # fmt: skip


@router.get("/oekosystem/organisationen/{organisation_id}")
def organisation_page(
    request: Request, organisation_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """An organisation's entry with what it takes part in and its CPV codes."""
    return _organisation(request, session, actor, organisation_id)


def _codes(form: Any) -> list[str]:
    text = str(form.get("codes") or "")
    return [c.strip() for c in text.replace("\n", ",").replace(";", ",").split(",") if c.strip()]


def _cpv_error(request: Request, exc: ValidationError) -> str:
    _ = gettext_for(request)
    detail = "; ".join(str(e.get("ctx", {}).get("error", e["msg"])) for e in exc.errors())
    return _("The CPV codes were not saved:") + " " + detail


@router.post(
    "/oekosystem/organisationen/{organisation_id}/cpv", dependencies=[Depends(verify_csrf_form)]
)
def organisation_cpv_post(
    request: Request, organisation_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save an organisation's CPV codes (its admins)."""
    if (login := require_login(request, actor)) is not None:
        return login
    try:
        data = CpvUpdate(codes=_codes(form))
    except ValidationError as exc:
        return _organisation(
            request, session, actor, organisation_id, status=422, error=_cpv_error(request, exc)
        )
    service.organisation_cpv_set(session, actor=actor, organisation_id=organisation_id, data=data)
    return RedirectResponse(
        f"/oekosystem/organisationen/{organisation_id}?gespeichert=1", status_code=303
    )


@router.get("/oekosystem/personen/{user_id}")
def person_page(request: Request, user_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """A person's entry (only when they opted in)."""
    detail = service.person_entry(session, actor=actor, user_id=user_id)
    return render(
        request, "ecosystem/entry.html", {"title": detail.entry.name, "d": detail, **_labels()}
    )


@router.get("/oekosystem/mein-profil")
def my_profile(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """One's own directory profile: opt in, competences, Stadtbezirk."""
    if (login := require_login(request, actor)) is not None:
        return login
    _ = gettext_for(request)
    profile = service.person_profile_get(session, actor=actor)
    return render(
        request, "ecosystem/profile.html",
        {"title": _("My directory profile"), "profile": profile, **_labels()},
    )  # fmt: skip


@router.post("/oekosystem/mein-profil", dependencies=[Depends(verify_csrf_form)])
def my_profile_post(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save one's own profile."""
    if (login := require_login(request, actor)) is not None:
        return login
    _ = gettext_for(request)
    tags = [t.strip() for t in str(form.get("competences") or "").replace("\n", ",").split(",")]
    values = {
        "listed": form.get("listed") == "on",
        "district": str(form.get("district") or ""),
        "headline": str(form.get("headline") or ""),
        "competences": [t for t in tags if t],
    }
    try:
        data = PersonProfileUpdate.model_validate(values)
    except ValidationError as exc:
        detail = "; ".join(str(e.get("ctx", {}).get("error", e["msg"])) for e in exc.errors())
        profile = service.person_profile_get(session, actor=actor)
        return render(
            request, "ecosystem/profile.html",
            {"title": _("My directory profile"), "profile": profile,
             "error": _("The profile was not saved:") + " " + detail, **_labels()},
            status_code=422,
        )  # fmt: skip
    service.person_profile_set(session, actor=actor, data=data)
    return RedirectResponse("/oekosystem/mein-profil?gespeichert=1", status_code=303)


def _providers(
    request: Request, session: Any, actor: Any, measure_id: int, status: int = 200, **extra: Any
) -> Response:
    _ = gettext_for(request)
    result = service.measure_providers(session, actor=actor, measure_id=measure_id)
    may_edit = service.may_edit_measure_cpv(session, actor=actor, measure_id=measure_id)
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "ecosystem/providers_fragment.html" if fragment else "ecosystem/providers.html",
        {"title": _("Regional providers"), "result": result, "measure_id": measure_id,
         "may_edit": may_edit, **_labels(), **extra},
        status_code=status,
    )  # fmt: skip


@router.get("/oekosystem/massnahmen/{measure_id}")
def measure_providers(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Regional providers of a measure; with ``HX-Request`` only the section (the measure page
    loads it), else a whole page with the CPV form for the measure's editors."""
    return _providers(request, session, actor, measure_id)


@router.post("/oekosystem/massnahmen/{measure_id}/cpv", dependencies=[Depends(verify_csrf_form)])
def measure_cpv_post(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save a measure's CPV codes (editors of its lead department)."""
    if (login := require_login(request, actor)) is not None:
        return login
    try:
        data = CpvUpdate(codes=_codes(form))
    except ValidationError as exc:
        return _providers(
            request, session, actor, measure_id, status=422, error=_cpv_error(request, exc)
        )
    service.measure_cpv_set(session, actor=actor, measure_id=measure_id, data=data)
    return RedirectResponse(f"/oekosystem/massnahmen/{measure_id}?gespeichert=1", status_code=303)
