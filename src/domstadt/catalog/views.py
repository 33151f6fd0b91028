"""Catalogue pages: search with facets (/daten), dataset page with downloads and preview,
editors' forms to create and edit datasets and upload files."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from domstadt.catalog import (
    distribution_service,
    privacy_service,
    publisher_service,
    search_service,
    service,
    vocab,
)
from domstadt.catalog.dcat import api as dcat_api
from domstadt.catalog.privacy.scan import KINDS, SCAN_STATES
from domstadt.catalog.schemas import DatasetCreate, DatasetPublic, DistributionCreate, SearchQuery
from domstadt.core.auth.permissions import Permission
from domstadt.core.db import DbSession
from domstadt.core.errors import Invalid
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.downloads import file_download
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
PAGE_SIZE = 20
CHART_ROWS = 1000
"""Rows of a time series drawn by the chart preview (the first ones in time)."""
CHART_SERIES = 6
FACETS = ("theme", "publisher", "format", "license", "keyword")
SORTS = {
    "": "score desc, metadata_modified desc",
    "modified": "metadata_modified desc",
    "title": "title_string asc",
}
RDF_ACCEPT = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def _search_query(request: Request, q: str, sort: str, page: int) -> SearchQuery:
    filters = {
        f: request.query_params.getlist(f) for f in FACETS if request.query_params.getlist(f)
    }
    return SearchQuery(
        q=q,
        filters=filters,
        facets=list(FACETS),
        sort=SORTS.get(sort, SORTS[""]),
        rows=PAGE_SIZE,
        start=(max(page, 1) - 1) * PAGE_SIZE,
        facet_limit=10,
    )


def _link(request: Request, **changes: Any) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for key, value in changes.items():
        if value not in (None, ""):
            params.append((key, str(value)))
    return "/daten?" + urlencode(params)


@router.get("/daten")
def search_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: str = "",
    sort: str = "",
    page: int = 1,
) -> Response:
    """Search the catalogue with facets, sort and paging (JSON twin: /api/v1/datasets)."""
    _ = gettext_for(request)
    query = _search_query(request, q, sort, page)
    result = search_service.dataset_search(session, actor=actor, query=query)
    pages = max(1, -(-result.count // PAGE_SIZE))
    active = {f: request.query_params.getlist(f) for f in FACETS}
    return render(
        request,
        "catalog/search.html",
        {
            "title": _("Open data"),
            "result": result,
            "q": q,
            "sort": sort,
            "page": page,
            "pages": pages,
            "active": active,
            "link": lambda **c: _link(request, **c),
            "themes": vocab.THEMES,
            "can_edit": actor.can(Permission.CONTENT_EDIT),
        },
    )


def _preview(session: Any, actor: Any, ds: DatasetPublic, data_dir: Any) -> dict[str, Any] | None:
    for res in ds.distributions:
        if res.datastore_active and res.derived_from is None:
            rows = distribution_service.datastore_search(
                session, actor=actor, resource_id=res.id, data_dir=data_dir, limit=10
            )
            return {"resource": res, **rows}
    return None


def _chart(preview: dict[str, Any] | None) -> dict[str, Any] | None:
    """A time-series chart when the table has a date/time column and numeric columns."""
    if preview is None:
        return None
    fields = preview["fields"]
    x = next((f["id"] for f in fields if f["type"] in ("date", "timestamp")), None)
    ys = [f["id"] for f in fields if f["type"] in ("int", "numeric")][:CHART_SERIES]
    if x is None or not ys:
        return None
    return {"resource": preview["resource"].id, "x": x, "ys": ys, "rows": CHART_ROWS}


def _map_url(ds: DatasetPublic) -> str | None:
    """The canonical (WGS 84) GeoJSON of the dataset, drawn as the map preview."""
    for res in ds.distributions:
        if res.format == "GEOJSON" and res.derived_from is not None and res.has_file:
            return f"/daten/ressource/{res.id}/download"
    return None


@router.get("/daten/herausgeber/{name}")
def publisher_page(request: Request, session: SessionDep, actor: ActorDep, name: str) -> Response:
    """A publisher named in the DCAT export (dct:publisher): the URI resolves to this page
    (JSON twin: /api/v1/publishers/{name})."""
    item = publisher_service.publisher_get(session, actor=actor, name=name)
    link = "/daten" if item.name == publisher_service.CATALOG_PUBLISHER else _publisher_link(item)
    return render(
        request,
        "catalog/publisher.html",
        {"title": item.display_name, "publisher": item, "datasets_url": link},
    )


def _publisher_link(item: Any) -> str:
    return "/daten?" + urlencode([("publisher", item.name)])


@router.get("/daten/{name}")
def dataset_page(request: Request, session: SessionDep, actor: ActorDep, name: str) -> Response:
    """A dataset with its distributions, downloads, a table and a map preview (RDF by
    Accept)."""
    ds = service.dataset_get(session, actor=actor, id_or_name=name)
    accept = request.headers.get("accept", "")
    for media, fmt in RDF_ACCEPT.items():
        if media in accept and "text/html" not in accept:
            return dcat_api.dataset_rdf(request, ds, fmt)
    _ = gettext_for(request)
    data_dir = request.app.state.settings.data_dir
    preview = _preview(session, actor, ds, data_dir)
    return render(
        request,
        "catalog/dataset.html",
        {
            "title": ds.title,
            "ds": ds,
            "preview": preview,
            "chart": _chart(preview),
            "map_url": _map_url(ds),
            "measures": service.dataset_measures(session, actor=actor, id_or_name=ds.id),
            "vocab": vocab,
            "can_edit": service.dataset_can_edit(session, actor=actor, id_or_name=ds.id),
        },
    )


@router.get("/daten/ressource/{resource_id}/download")
def download(request: Request, session: SessionDep, actor: ActorDep, resource_id: str) -> Response:
    """The stored file of a distribution, as an inert attachment (never script or page of
    our origin, whatever its declared media type; see web/downloads.py)."""
    path, media_type, filename = distribution_service.distribution_file(
        session, actor=actor, resource_id=resource_id, data_dir=request.app.state.settings.data_dir
    )
    return file_download(path, declared_type=media_type, filename=filename)


def _form_context(request: Request, ds: DatasetPublic | None, error: str = "") -> dict[str, Any]:
    _ = gettext_for(request)
    return {
        "title": _("Edit dataset") if ds else _("New dataset"),
        "ds": ds,
        "error": error,
        "vocab": vocab,
        "licenses": vocab.licenses(),
    }


@router.get("/daten-neu")
def new_form(request: Request, actor: ActorDep) -> Response:
    """Form for a new dataset (editors)."""
    return require_login(request, actor) or render(
        request, "catalog/form.html", _form_context(request, None)
    )


def _form_data(form: Any) -> DatasetCreate:
    keywords = [k.strip() for k in str(form.get("keywords", "")).split(",") if k.strip()]
    values: dict[str, Any] = {
        key: str(form.get(key, "")).strip()
        for key in (
            "title",
            "name",
            "description",
            "contact_name",
            "contact_email",
            "license_id",
            "frequency",
            "access_rights",
            "restriction_reason",
            "landing_page",
        )
    }
    for key in ("license_id", "access_rights"):
        if not values[key]:
            del values[key]
    values["themes"] = form.getlist("themes")
    values["keywords"] = keywords
    for key in ("measures", "datastreams"):
        values[key] = [r for r in re.split(r"[,\s]+", str(form.get(key, ""))) if r]
    for key in ("temporal_start", "temporal_end"):
        values[key] = str(form.get(key, "")).strip() or None
    try:
        return DatasetCreate.model_validate(values)
    except ValueError:
        raise Invalid(
            "Bitte prüfen Sie die Datumsangaben (JJJJ-MM-TT).", field="temporal"
        ) from None


@router.post("/daten-neu", dependencies=[CsrfChecked])
def create(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Create a dataset from the form; errors re-render it with the message."""
    try:
        ds = service.dataset_create(session, actor=actor, data=_form_data(form))
    except Invalid as exc:
        return _form_refused(request, session, None, exc)
    return RedirectResponse(f"/daten/{ds.name}", status_code=303)


def _form_refused(
    request: Request, session: DbSession, current: DatasetPublic | None, exc: Invalid
) -> Response:
    """The dataset form again, with the refusal's message (nothing of it is kept)."""
    session.rollback()
    context = _form_context(request, current, exc.message)
    return render(request, "catalog/form.html", context, status_code=422)


@router.get("/daten/{name}/bearbeiten")
def edit_form(request: Request, session: SessionDep, actor: ActorDep, name: str) -> Response:
    """Form to edit a dataset and upload files (editors of its department)."""
    ds = service.dataset_get(session, actor=actor, id_or_name=name)
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    context = _form_context(request, ds)
    context["findings"] = privacy_service.finding_list(session, actor=actor, dataset=ds.id)
    context["scans"] = privacy_service.scan_list(session, actor=actor, dataset=ds.id)
    context["kinds"] = KINDS
    context["scan_states"] = SCAN_STATES
    return render(request, "catalog/form.html", context)


@router.post("/daten/{name}/bearbeiten", dependencies=[CsrfChecked])
def update(
    request: Request, session: SessionDep, actor: ActorDep, name: str, form: FormDep
) -> Response:
    """Save the edited metadata."""
    current = service.dataset_get(session, actor=actor, id_or_name=name)
    try:
        ds = service.dataset_update(session, actor=actor, id_or_name=name, data=_form_data(form))
    except Invalid as exc:
        return _form_refused(request, session, current, exc)
    return RedirectResponse(f"/daten/{ds.name}", status_code=303)


@router.post("/daten/{name}/dateien", dependencies=[CsrfChecked])
def upload(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    name: str,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Upload a file as a new distribution (tabular files are normalised, in this worker
    thread: never in the event loop)."""
    settings = request.app.state.settings
    content = file.file.read()
    distribution_service.distribution_create(
        session,
        actor=actor,
        dataset=name,
        data=DistributionCreate(title=title),
        data_dir=settings.data_dir,
        upload=(file.filename or "upload", content),
    )
    return RedirectResponse(f"/daten/{name}", status_code=303)
