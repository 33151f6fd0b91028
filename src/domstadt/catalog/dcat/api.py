"""DCAT-AP.de endpoints: /catalog.{ttl,rdf,jsonld} (Hydra-paged) and /dataset/{id}.{…}."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.catalog import search_service, service
from domstadt.catalog.dcat import export
from domstadt.catalog.schemas import DatasetPublic, SearchQuery
from domstadt.core.errors import NotFound
from domstadt.core.weburl import site_base
from domstadt.web.deps import ActorDep, ReadSessionDep

router = APIRouter(tags=["dcat"], include_in_schema=False)
PAGE_SIZE = 100


def _format(ext: str) -> str:
    fmt = export.SUFFIXES.get(ext)
    if fmt is None:
        raise NotFound(f"Unbekanntes Format '.{ext}'. Möglich: .ttl, .rdf, .jsonld")
    return fmt


def rdf_response(graph_text: str, fmt: str) -> Response:
    """The serialised graph with its media type."""
    return Response(graph_text, media_type=export.FORMATS[fmt] + "; charset=utf-8")


def dataset_rdf(request: Request, ds: DatasetPublic, fmt: str) -> Response:
    """One dataset as DCAT-AP.de in ``fmt``."""
    graph = export.new_graph()
    export.add_dataset(graph, site_base(request), ds)
    return rdf_response(export.serialise(graph, fmt), fmt)


@router.get("/catalog.{ext}")
def catalog(
    request: Request, session: ReadSessionDep, actor: ActorDep, ext: str, page: int = 1
) -> Response:
    """The public catalogue, 100 datasets per page, with a Hydra PartialCollectionView."""
    fmt = _format(ext)
    page = max(page, 1)
    result = search_service.dataset_search(
        session,
        actor=actor,
        query=SearchQuery(sort="name asc", rows=PAGE_SIZE, start=(page - 1) * PAGE_SIZE),
    )
    public = [d for d in result.results if d.access_rights == "PUBLIC"]
    base = site_base(request)
    graph = export.new_graph()
    export.add_catalog(graph, base, public)
    export.add_paging(graph, f"{base}/catalog.{ext}", result.count, page, PAGE_SIZE)
    return rdf_response(export.serialise(graph, fmt), fmt)


@router.get("/dataset/{ident}.{ext}")
def dataset(
    request: Request, session: ReadSessionDep, actor: ActorDep, ident: str, ext: str
) -> Response:
    """One dataset as DCAT-AP.de."""
    fmt = _format(ext)
    return dataset_rdf(request, service.dataset_get(session, actor=actor, id_or_name=ident), fmt)
