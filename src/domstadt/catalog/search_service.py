"""Catalogue search: full text (the process's tantivy index of the search documents of kind
"dataset", ``core.text.tantivy_index``), facet filters, facet counts,
sort and paging; plus the lists behind CKAN's organization_list, group_list and tag_list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Select, Subquery, func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from domstadt.catalog import search_cache, search_facets, search_ranked, store, vocab
from domstadt.catalog.convert import dataset_public, department_org_name, organisation_org_name
from domstadt.catalog.models import Dataset, DatasetKeyword, DatasetTheme, Distribution
from domstadt.catalog.schemas import FacetItem, SearchPage, SearchQuery
from domstadt.core import audit
from domstadt.core.auth.models import Department, Organisation, Role
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.errors import Invalid
from domstadt.core.text import tantivy_index

MAX_ROWS = 1000
MAX_FACET_VALUES = 10_000
"""Values per facet when a client asks for all of them (CKAN ``facet.limit=-1``)."""

FACET_ALIASES = {
    "theme": "groups",
    "groups": "groups",
    "keyword": "tags",
    "tags": "tags",
    "publisher": "organization",
    "organization": "organization",
    "format": "res_format",
    "res_format": "res_format",
    "license": "license_id",
    "license_id": "license_id",
}
SORT_COLUMNS: dict[str, Any] = {
    "id": Dataset.uuid,
    "name": Dataset.name,
    "title_string": Dataset.title,
    "title": Dataset.title,
    "metadata_modified": Dataset.metadata_modified,
    "metadata_created": Dataset.metadata_created,
}


def _visible(stmt: Select[Any], actor: Actor) -> Select[Any]:
    stmt = stmt.where(Dataset.state == "active")
    if actor.is_system or actor.role == Role.ADMIN:
        return stmt
    if actor.can(Permission.CONTENT_EDIT) and actor.department_ids:
        return stmt.where(
            or_(Dataset.access_rights == "PUBLIC", Dataset.department_id.in_(actor.department_ids))
        )
    return stmt.where(Dataset.access_rights == "PUBLIC")


def _publisher_condition(session: Session, name: str) -> Any:
    if name.startswith("org-") and name[4:].isdecimal():
        return Dataset.organisation_id == int(name[4:])
    if name.startswith("stadt-koeln-"):
        code = name.removeprefix("stadt-koeln-")
        dept_id = session.scalar(select(Department.id).where(func.lower(Department.code) == code))
        return (Dataset.department_id == dept_id) & Dataset.organisation_id.is_(None)
    return Dataset.id.is_(None)


def _filter(session: Session, stmt: Select[Any], field: str, value: str) -> Select[Any]:
    """Add one facet filter."""
    key = FACET_ALIASES.get(field)
    sub: Any = None
    if key == "groups":
        code = vocab.code_of(value, vocab.THEME_BASE).upper()
        sub = select(DatasetTheme.dataset_id).where(DatasetTheme.theme == code)
    elif key == "tags":
        sub = select(DatasetKeyword.dataset_id).where(DatasetKeyword.keyword == value)
    elif key == "res_format":
        sub = select(Distribution.dataset_id).where(Distribution.format == value.upper())
    if sub is not None:
        return stmt.where(Dataset.id.in_(sub))
    if key == "license_id":
        return stmt.where(Dataset.license_id == (vocab.license_id_of(value) or value))
    if key == "organization":
        return stmt.where(_publisher_condition(session, value))
    if field in {"name", "id"}:
        return stmt.where(Dataset.name == value if field == "name" else Dataset.uuid == value)
    raise Invalid(f"Nach dem Feld '{field}' kann nicht gefiltert werden.", field="fq")


def _text_matches(session: Session, q: str) -> Subquery | None:
    q = q.strip()
    if not q or q in {"*:*", "*"}:
        return None
    return tantivy_index.matches(session, q, kind=store.SEARCH_KIND)


def _matching(
    session: Session, actor: Actor, query: SearchQuery
) -> tuple[Select[Any], Subquery | None]:
    """Ids of every visible dataset that matches (no limit), and the text matches (with their
    ``score``) when there is a query; counts, facets and pages all derive from this one select."""
    stmt = _visible(select(Dataset.id), actor)
    found = _text_matches(session, query.q)
    if found is not None:
        stmt = stmt.join(found, found.c.entity_id == Dataset.id)
    elif query.q.strip() not in {"", "*:*", "*"}:
        stmt = stmt.where(Dataset.id.is_(None))  # a query without a searchable word
    for field, values in query.filters.items():
        for value in values:
            stmt = _filter(session, stmt, field, value)
    if query.modified_since:
        stmt = stmt.where(Dataset.metadata_modified >= query.modified_since)
    if query.modified_until:
        stmt = stmt.where(Dataset.metadata_modified <= query.modified_until)
    return stmt, found


def _order(sort: str, score: Any) -> list[Any]:
    """SQL order clauses for a CKAN sort string; ``score`` is the text rank column (None
    without a query, when ``score`` sorts nothing)."""
    clauses: list[Any] = []
    for part in [p.strip() for p in sort.split(",") if p.strip()]:
        field, _, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if direction not in {"asc", "desc"}:
            raise Invalid(f"Unbekannte Sortierrichtung '{direction}'.", field="sort")
        column = score if field == "score" else SORT_COLUMNS.get(field)
        if field == "score" and score is None:
            continue
        if column is None:
            raise Invalid(f"Nach '{field}' kann nicht sortiert werden.", field="sort")
        clauses.append(column.desc() if direction == "desc" else column.asc())
    if not clauses:
        clauses.append(Dataset.metadata_modified.desc())
    clauses.append(Dataset.id.asc())  # a total order: pages neither repeat nor skip
    return clauses


def _sort_clauses(query: SearchQuery, found: Subquery | None) -> list[Any]:
    sort = query.sort or "score desc, metadata_modified desc"
    return _order(sort, found.c.score if found is not None else None)


def _page_ids(
    session: Session, stmt: Select[Any], query: SearchQuery, found: Subquery | None
) -> list[int]:
    clauses = _sort_clauses(query, found)
    ordered = stmt.order_by(*clauses).offset(query.start).limit(query.rows)
    return list(session.scalars(ordered).all())


def _facet_rows(session: Session, key: str, ids: Any, limit: int) -> list[tuple[str, int]]:
    # (dataset, theme) and (dataset, keyword) are primary keys: a plain count is exact and
    # no join with the dataset table is needed; a dataset may have several files per format
    count: Any = func.count()
    if key == "groups":
        col: Any = DatasetTheme.theme
        stmt = select(col, count).where(DatasetTheme.dataset_id.in_(ids))
    elif key == "tags":
        col = DatasetKeyword.keyword
        stmt = select(col, count).where(DatasetKeyword.dataset_id.in_(ids))
    elif key == "res_format":
        col = Distribution.format
        count = func.count(func.distinct(Distribution.dataset_id))
        stmt = select(col, count).where(Distribution.dataset_id.in_(ids), col != "")
    elif key == "license_id":
        col = Dataset.license_id
        stmt = select(col, count).where(Dataset.id.in_(ids))
    else:
        return _publisher_facet(session, ids, limit)
    stmt = stmt.group_by(col).order_by(count.desc(), col).limit(limit)
    return [(str(name), int(n)) for name, n in session.execute(stmt).all()]


def _publisher_facet(session: Session, ids: Any, limit: int) -> list[tuple[str, int]]:
    count = func.count(Dataset.id)
    stmt = (
        select(Dataset.organisation_id, Department.code, count)
        .outerjoin(Department, Department.id == Dataset.department_id)
        .where(Dataset.id.in_(ids))
        .group_by(Dataset.organisation_id, Department.code)
        .order_by(count.desc())
    )
    out: dict[str, int] = {}
    for org_id, code, n in session.execute(stmt).all():
        if org_id is not None:
            name = organisation_org_name(org_id)
        elif code is not None:
            name = department_org_name(code)
        else:
            continue
        out[name] = out.get(name, 0) + int(n)
    return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _display_name(session: Session, key: str, name: str) -> str:
    if key == "groups":
        return vocab.THEMES.get(name, name)
    if key == "license_id":
        return vocab.license_title(name)
    if key == "organization":
        return _publisher_title(session, name)
    return name


def _publisher_title(session: Session, name: str) -> str:
    if name.startswith("org-") and name[4:].isdecimal():
        org = session.get(Organisation, int(name[4:]))
        return org.name if org else name
    code = name.removeprefix("stadt-koeln-")
    dept = session.scalar(select(Department).where(func.lower(Department.code) == code))
    return dept.name if dept else name


def _is_whole_catalogue(query: SearchQuery) -> bool:
    """No text, no filter: the default listing, whose counts can be reused while nothing
    changes (see ``search_cache``)."""
    no_text = query.q.strip() in {"", "*", "*:*"}
    return no_text and not query.filters and not query.modified_since and not query.modified_until


def _visibility_key(actor: Actor) -> Any:
    """Actors with this key see the same datasets (mirrors ``_visible``)."""
    if actor.is_system or actor.role == Role.ADMIN:
        return "all"
    if actor.can(Permission.CONTENT_EDIT) and actor.department_ids:
        return ("departments", tuple(sorted(actor.department_ids)))
    return "public"


def _counted(session: Session, stmt: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _is_newest_first(sort: str) -> bool:
    """The sort is the default order without a query: newest first (score sorts nothing)."""
    parts = [" ".join(p.split()).lower() for p in sort.split(",") if p.strip()]
    return [p for p in parts if not p.startswith("score")] in ([], ["metadata_modified desc"])


def _whole_catalogue(session: Session, state: Any, actor: Actor, stmt: Select[Any]) -> Any:
    """Every dataset the actor sees, newest first (an integer array), kept while the catalogue
    is unchanged: the default listing's count, its pages at any depth and its facets."""

    def ordered() -> Any:
        newest = stmt.order_by(*_order("metadata_modified desc", None))
        return np.fromiter(session.scalars(newest), dtype=np.int64)

    return search_cache.cached(session, state, (_visibility_key(actor), "order"), ordered)


def _counted_in_memory(
    session: Session, found: _Found, state: Any, key: str, chosen: Any, query: SearchQuery
) -> list[tuple[str, int]]:
    """One facet over the listed matches; the whole catalogue's (``found.state`` set, the
    actor's visibility in ``found.visibility``) is kept while the catalogue is unchanged."""

    def counted() -> list[tuple[str, int]]:
        pairs = search_facets.pairs(session, state, key)
        return search_facets.count(pairs, chosen, query.facet_limit)

    if found.state is None:
        return counted()
    cache_key = (found.visibility, "facet", key, query.facet_limit)
    return search_cache.cached(session, found.state, cache_key, counted)


def _facets(session: Session, query: SearchQuery, found: _Found) -> dict[str, list[FacetItem]]:
    """The asked facets: over the matched ids counted in memory (``search_facets``) when
    they were listed, else in SQL over the subquery that selects them."""
    matched, ids = found.matched, found.ids
    keys = {field: FACET_ALIASES.get(field) for field in query.facets}
    for field, key in keys.items():
        if key is None:
            raise Invalid(f"Unbekanntes Facettenfeld '{field}'.", field="facet.field")
    chosen = search_facets.mask(matched) if matched is not None and keys else None
    catalogue = found.state if found.state is not None else found.catalogue
    if chosen is not None and catalogue is None:
        catalogue = search_cache.catalogue_state(session)
    facets: dict[str, list[FacetItem]] = {}
    for field, key in keys.items():
        assert key is not None
        if chosen is not None:
            counted = _counted_in_memory(session, found, catalogue, key, chosen, query)
        else:
            counted = _facet_rows(session, key, ids, query.facet_limit)
        facets[field] = [
            FacetItem(name=name, display_name=_display_name(session, key, name), count=n)
            for name, n in counted
        ]
    return facets


@contextmanager
def _lookups_by_key(session: Session) -> Iterator[None]:
    """On PostgreSQL, join the text matches to the datasets by primary-key lookups: the planner
    estimates 2,000 matches for any prefix query and otherwise reads every dataset into a
    hash join (at 100,000 datasets 220 against 95–145 ms under load, docs/benchmarks.md).
    Only for this statement: the settings are reset before the next one."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text("SET LOCAL enable_hashjoin = off"))
    session.execute(text("SET LOCAL enable_mergejoin = off"))
    yield  # after an error the rollback undoes SET LOCAL
    session.execute(text("RESET enable_hashjoin"))
    session.execute(text("RESET enable_mergejoin"))


@dataclass
class _Found:
    """Count and page of a search; ``matched`` every matching id when they were listed (text
    matches, in order; the cached whole catalogue), else ``ids`` the subquery selecting them;
    ``state`` the catalogue's (``search_cache``) and ``visibility`` the actor's
    (``_visibility_key``) for the whole catalogue, whose facets are kept while unchanged;
    ``catalogue`` the catalogue's state when it was read for another reason."""

    total: int
    page_ids: list[int]
    matched: Sequence[int] | np.ndarray | None = None
    ids: Any = None
    state: Any = None
    visibility: Any = None
    catalogue: Any = None


def _found_in_memory(session: Session, actor: Actor, query: SearchQuery) -> _Found | None:
    """A text search ranked, filtered and paged in memory (``search_ranked``): the index's
    matches with their scores, the actor's visible datasets newest first and the facet arrays,
    with no dataset looked up per match; None when the search needs SQL (another sort, a date
    range, a filter the arrays do not answer, no searchable word)."""
    keys = {field: FACET_ALIASES.get(field) for field in query.filters}
    if query.q.strip() in {"", "*", "*:*"} or not search_ranked.applies(query, keys):
        return None
    hits = tantivy_index.match_scores(session, query.q, kind=store.SEARCH_KIND)
    if hits is None:
        return None
    state = search_cache.catalogue_state(session)
    everything = _whole_catalogue(session, state, actor, _visible(select(Dataset.id), actor))
    position = search_cache.cached(
        session,
        state,
        (_visibility_key(actor), "position"),
        lambda: search_ranked.positions(everything),
    )
    matched = search_ranked.ranked(session, state, query, keys, hits, position)
    page = matched[query.start : query.start + query.rows].tolist()
    return _Found(len(matched), page, matched, catalogue=state)


def _found(session: Session, actor: Actor, query: SearchQuery) -> _Found:
    in_memory = _found_in_memory(session, actor, query)
    if in_memory is not None:
        return in_memory
    stmt, found = _matching(session, actor, query)
    end = query.start + query.rows
    if found is not None:  # text matches: fetch every id once, in order; count, page and facet
        ordered = stmt.order_by(*_sort_clauses(query, found))
        with _lookups_by_key(session):
            # Core rows: thousands of ids need no ORM result machinery
            matched = [row[0] for row in session.connection().execute(ordered)]
        return _Found(len(matched), matched[query.start : end], matched)
    ids = stmt.scalar_subquery()
    if _is_whole_catalogue(query):
        state = search_cache.catalogue_state(session)
        everything = _whole_catalogue(session, state, actor, stmt)
        if _is_newest_first(query.sort):
            page = everything[query.start : end].tolist()
        else:
            page = _page_ids(session, stmt, query, found) if query.rows else []
        visibility = _visibility_key(actor)
        return _Found(len(everything), page, everything, ids, state, visibility)
    total = _counted(session, stmt)
    page = _page_ids(session, stmt, query, found) if query.rows and total else []
    return _Found(total, page, None, ids)


@public("searches only what the actor may see (public datasets, or their own department's)")
def dataset_search(session: Session, *, actor: Actor, query: SearchQuery) -> SearchPage:
    """Datasets matching text and filters, one page of them, and facet counts over all."""
    if not 0 <= query.rows <= MAX_ROWS:
        raise Invalid(f"rows muss zwischen 0 und {MAX_ROWS} liegen.", field="rows")
    if query.start < 0:
        raise Invalid("start darf nicht negativ sein.", field="start")
    found = _found(session, actor, query)
    # visibility again for the page itself: the cached orders follow the catalogue's state,
    # and a change that state misses (a write to a keyword, theme or file table alone, outside
    # the catalogue's rules) must never show a dataset the actor may not see
    page = _visible(select(Dataset).where(Dataset.id.in_(found.page_ids)), actor)
    page = page.options(
        selectinload(Dataset.keywords),
        selectinload(Dataset.themes),
        selectinload(Dataset.distributions),
        selectinload(Dataset.relations),
    )
    rows = {d.id: d for d in session.scalars(page)}
    _load_publishers(session, rows.values())
    return SearchPage(
        count=found.total,
        results=[dataset_public(session, rows[i]) for i in found.page_ids if i in rows],
        facets=_facets(session, query, found),
        sort=query.sort or "score desc, metadata_modified desc",
    )


def _load_publishers(session: Session, datasets: Iterable[Dataset]) -> None:
    """The page's departments and organisations in two statements, so the conversion's
    look-ups (``session.get``) find them in the session instead of one round trip each."""
    listed = list(datasets)
    for model, ids in (
        (Department, {d.department_id for d in listed if d.department_id is not None}),
        (Organisation, {d.organisation_id for d in listed if d.organisation_id is not None}),
    ):
        if ids:
            session.scalars(select(model).where(model.id.in_(ids))).all()


@public("publishers of public data are public")
def publisher_list(session: Session, *, actor: Actor) -> list[FacetItem]:
    """Departments and organisations that publish at least one visible dataset."""
    ids = _visible(select(Dataset.id), actor).scalar_subquery()
    return [
        FacetItem(name=name, display_name=_publisher_title(session, name), count=n)
        for name, n in _publisher_facet(session, ids, MAX_FACET_VALUES)
    ]


@public("themes and keywords of public data are public")
def term_list(session: Session, *, actor: Actor, kind: str) -> list[FacetItem]:
    """Themes (kind 'groups') or keywords (kind 'tags') in use, with counts."""
    ids = _visible(select(Dataset.id), actor).scalar_subquery()
    return [
        FacetItem(name=name, display_name=_display_name(session, kind, name), count=n)
        for name, n in _facet_rows(session, kind, ids, MAX_FACET_VALUES)
    ]


REINDEX_BATCH = 2000


@requires(Permission.DEPARTMENT_MANAGE)
def reindex_all(session: Session, *, actor: Actor) -> int:
    """Rebuild the full-text document of every dataset (after an import or a change of the
    search configuration), in batches of plain rows; returns how many datasets were indexed
    or removed. Unchanged documents are not rewritten."""
    done, last_id = 0, 0
    while True:
        seen, last_id = store.reindex_batch(session, last_id, REINDEX_BATCH)
        if not seen:
            break
        done += seen
    audit.record(
        session,
        actor=actor,
        action="catalog.reindex",
        entity_type="catalog",
        entity_id="datasets",
        after={"datasets": done},
    )
    return done
