"""Text matches ranked, filtered and ordered in memory (numpy), for the catalogue search.

The text index gives every match's entity id and score (``core.text.tantivy_index``: the
process's tantivy index of the datasets' search documents). What SQL did next per match — look
the dataset up for its visibility and ``metadata_modified``, then sort — is done here against
arrays kept while the catalogue is unchanged: the actor's visible datasets, newest first
(``search_service``'s whole-catalogue order), give each dataset its position, and the facet
arrays (``search_facets``) give the datasets of a filter value. The order is exactly the SQL one:
score descending, then ``metadata_modified`` descending, then id ascending.

Only what these arrays answer exactly is done here: the default sort (or newest first), and
filters on themes, keywords, formats and licences; anything else (another sort, a date range,
a publisher, name or id filter) goes the SQL way (``search_service._found``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from domstadt.catalog import search_facets, vocab
from domstadt.catalog.schemas import SearchQuery

DEFAULT_SORT = "score desc, metadata_modified desc"
IN_MEMORY_FILTERS = frozenset({"groups", "tags", "res_format", "license_id"})
"""Facet filters answered from the facet arrays (``search_service.FACET_ALIASES`` keys)."""


def _sort_parts(sort: str) -> list[tuple[str, str]]:
    """(field, direction) as ``search_service._order`` reads them."""
    parts = []
    for part in [p.strip() for p in sort.split(",") if p.strip()]:
        field, _, direction = part.partition(" ")
        parts.append((field, direction.strip().lower() or "asc"))
    return parts


def by_score(query: SearchQuery) -> bool | None:
    """True for the default sort (score, then newest first), False for newest first alone,
    None for any other sort (ordered in SQL)."""
    parts = _sort_parts(query.sort or DEFAULT_SORT)
    if parts == [("score", "desc"), ("metadata_modified", "desc")]:
        return True
    if parts == [("metadata_modified", "desc")]:
        return False
    return None


def _wanted(key: str, value: str) -> str:
    """The stored value a filter value selects (as ``search_service._filter`` compares)."""
    if key == "groups":
        return vocab.code_of(value, vocab.THEME_BASE).upper()
    if key == "res_format":
        return value.upper()
    if key == "license_id":
        return vocab.license_id_of(value) or value
    return value


def applies(query: SearchQuery, keys: Mapping[str, str | None]) -> bool:
    """Whether this search can be answered here; ``keys`` maps each filter field to its facet
    key (None when unknown, which the SQL way reports as an error)."""
    if query.modified_since or query.modified_until or by_score(query) is None:
        return False
    for field, values in query.filters.items():
        key = keys.get(field)
        # the facet arrays leave empty values out; an empty one is compared in SQL
        if key not in IN_MEMORY_FILTERS or not all(_wanted(key, v) for v in values):
            return False
    return True


def positions(everything: np.ndarray) -> np.ndarray:
    """``position[id]``: the dataset's place in ``everything`` (visible ids, newest first), -1
    for an id not in it (one spare -1 at the end)."""
    size = int(everything.max()) + 2 if len(everything) else 1
    position = np.full(size, -1, dtype=np.int64)
    position[everything] = np.arange(len(everything), dtype=np.int64)
    return position


def _filtered(
    session: Session, state: Any, query: SearchQuery, keys: Mapping[str, str | None], ids: Any
) -> np.ndarray:
    """True for each of ``ids`` that has every filter value (values of one field: all of
    them, as in SQL)."""
    keep = np.ones(len(ids), dtype=bool)
    for field, values in query.filters.items():
        key = keys[field]
        assert key is not None
        pairs = search_facets.pairs(session, state, key)
        for value in values:
            wanted = _wanted(key, value)
            code = pairs.values.index(wanted) if wanted in pairs.values else -1
            chosen = search_facets.mask(pairs.ids[pairs.codes == code])
            keep &= np.take(chosen, ids, mode="clip")
    return keep


def ranked(
    session: Session,
    state: Any,
    query: SearchQuery,
    keys: Mapping[str, str | None],
    hits: tuple[np.ndarray, np.ndarray],
    position: np.ndarray,
) -> np.ndarray:
    """The visible, filtered matches in search order (an id array): ``hits`` the text
    matches (ids, scores), ``position`` from :func:`positions` for the actor, ``state`` the
    catalogue's (``search_cache.catalogue_state``) for the facet arrays."""
    ids, scores = hits
    place = np.take(position, ids, mode="clip")
    keep = place >= 0
    if query.filters:
        keep &= _filtered(session, state, query, keys, ids)
    ids, scores, place = ids[keep], scores[keep], place[keep]
    # lexsort sorts by its last key first; a smaller place is newer (ties of it by id)
    keys_: tuple[np.ndarray, ...] = (place, -scores) if by_score(query) else (place,)
    return ids[np.lexsort(keys_)]
