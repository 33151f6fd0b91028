"""Publishers (Herausgeber) of the catalogue: the departments and organisations named as
``dct:publisher`` in the DCAT export, whose URIs ``<base>/daten/herausgeber/<name>`` resolve
to a page and its JSON twin; ``stadt-koeln`` is the publisher of the catalogue itself."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.catalog import search_service
from domstadt.catalog.schemas import FacetItem
from domstadt.core.auth.permissions import Actor, public
from domstadt.core.errors import NotFound

CATALOG_PUBLISHER = "stadt-koeln"
CATALOG_PUBLISHER_TITLE = "Stadt Köln"


@public("names only publishers of visible datasets; counts only visible datasets")
def publisher_get(session: Session, *, actor: Actor, name: str) -> FacetItem:
    """One publisher with the number of its datasets the caller may see."""
    items = search_service.publisher_list(session, actor=actor)
    if name == CATALOG_PUBLISHER:
        total = sum(i.count for i in items)
        return FacetItem(name=name, display_name=CATALOG_PUBLISHER_TITLE, count=total)
    for item in items:
        if item.name == name:
            return item
    raise NotFound(f"Herausgeber '{name}' nicht gefunden.")
