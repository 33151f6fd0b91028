"""Native JSON API of the catalogue: the twins of /daten and /daten/{name}."""

from __future__ import annotations

from fastapi import APIRouter, Request

from domstadt.catalog import publisher_service, search_service, service
from domstadt.catalog.convert import with_absolute_links
from domstadt.catalog.schemas import DatasetPublic, FacetItem, SearchPage, SearchQuery
from domstadt.core.weburl import site_base
from domstadt.web.deps import ActorDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["catalog"])
FACETS = ["theme", "publisher", "format", "license", "keyword"]


@router.get("/datasets", summary="Search datasets with facets")
def datasets(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: str = "",
    sort: str = "",
    rows: int = 20,
    start: int = 0,
) -> SearchPage:
    """JSON twin of /daten: facet filters as repeated query parameters (theme=TRAN)."""
    filters = {
        f: request.query_params.getlist(f) for f in FACETS if request.query_params.getlist(f)
    }
    query = SearchQuery(q=q, filters=filters, facets=FACETS, sort=sort, rows=rows, start=start)
    page = search_service.dataset_search(session, actor=actor, query=query)
    base = site_base(request)
    results = [with_absolute_links(d, base) for d in page.results]
    return page.model_copy(update={"results": results})


@router.get("/datasets/{name}", summary="One dataset")
def dataset(request: Request, session: SessionDep, actor: ActorDep, name: str) -> DatasetPublic:
    """JSON twin of /daten/{name}; download addresses are absolute."""
    ds = service.dataset_get(session, actor=actor, id_or_name=name)
    return with_absolute_links(ds, site_base(request))


@router.get("/publishers/{name}", summary="One publisher (DCAT dct:publisher)")
def publisher(session: SessionDep, actor: ActorDep, name: str) -> FacetItem:
    """JSON twin of /daten/herausgeber/{name}: name, title and number of visible datasets."""
    return publisher_service.publisher_get(session, actor=actor, name=name)
