"""Site search operations (issue 13): one query over every registered source, and the
index rebuild. The engine is ``domstadt.search``; domains register their sources."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.errors import Invalid
from domstadt.search import index, query
from domstadt.search.sources import sources

MAX_QUERY_CHARS = 200
MAX_PER_KIND = 50


class SearchHitPublic(BaseModel):
    """One found item: ``url`` is the site path of its page."""

    kind: str
    id: int
    title: str
    summary: str
    url: str
    score: float


class SearchGroupPublic(BaseModel):
    """Hits of one kind: ``total`` matches in all, ``hits`` the best of them."""

    kind: str
    label: str
    total: int
    hits: list[SearchHitPublic]


class SearchResultPublic(BaseModel):
    """A site search's answer; ``all_words`` is false when only some words matched."""

    q: str
    total: int
    all_words: bool
    groups: list[SearchGroupPublic]


class SearchKindPublic(BaseModel):
    """A kind of item the search covers; ``label`` is the English message id."""

    kind: str
    label: str


def _check(q: str, kind: str | None, per_kind: int) -> None:
    if len(q) > MAX_QUERY_CHARS:
        raise Invalid(
            f"Der Suchbegriff darf höchstens {MAX_QUERY_CHARS} Zeichen lang sein.", field="q"
        )
    if kind is not None and kind not in {s.kind for s in sources()}:
        names = ", ".join(s.kind for s in sources())
        raise Invalid(f"Unbekannte Art '{kind[:40]}'; erlaubt sind: {names}.", field="type")
    if not 1 <= per_kind <= MAX_PER_KIND:
        raise Invalid(f"per_kind muss zwischen 1 und {MAX_PER_KIND} liegen.", field="per_kind")


@public("only public items are indexed (each source lists only what anyone may see)")
def search_kinds(session: Session, *, actor: Actor) -> list[SearchKindPublic]:
    """The kinds of items the site search covers, in display order."""
    return [SearchKindPublic(kind=s.kind, label=s.label) for s in sources()]


@public("only public items are indexed (each source lists only what anyone may see)")
def site_search(
    session: Session, *, actor: Actor, q: str, kind: str | None = None, per_kind: int = 5
) -> SearchResultPublic:
    """Search every public item (or one kind) for ``q``, grouped by kind, best first."""
    _check(q, kind, per_kind)
    if query.is_empty(session) and sources():
        index.rebuild(session)  # first use after migration 0021: fill once
    found = query.search(session, q, kinds=[kind] if kind else None, per_kind=per_kind)
    by_kind = {g.kind: g for g in found.groups}
    groups = [
        SearchGroupPublic(
            kind=s.kind,
            label=s.label,
            total=by_kind[s.kind].total,
            hits=[
                SearchHitPublic(
                    kind=h.kind,
                    id=h.entity_id,
                    title=h.title,
                    summary=h.summary,
                    url=h.url,
                    score=h.score,
                )
                for h in by_kind[s.kind].hits
            ],
        )
        for s in sources()
        if s.kind in by_kind
    ]
    return SearchResultPublic(q=q, total=found.total, all_words=found.all_words, groups=groups)


@requires(Permission.DEPARTMENT_MANAGE)
def search_rebuild(session: Session, *, actor: Actor) -> dict[str, int]:
    """Rewrite the whole site search index from every source (after bulk changes)."""
    counts = index.rebuild(session)
    audit.record(
        session,
        actor=actor,
        action="search.rebuild",
        entity_type="site_search",
        entity_id="all",
        after=counts,
    )
    return counts
