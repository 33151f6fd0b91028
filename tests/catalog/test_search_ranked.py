"""Text searches ranked in memory (``search_ranked``) answer exactly as the SQL way: the same
count, the same facets and the same pages in the same order, ties of the score included,
for what each actor may see, with and without filters."""

from __future__ import annotations

import pytest

from domstadt.catalog import search_service, service
from domstadt.catalog.schemas import SearchQuery
from domstadt.core.auth.permissions import ANONYMOUS, system_actor
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset

ADMIN = system_actor("tests")
FACETS = ["groups", "tags", "license_id", "organization"]


@pytest.fixture
def corpus(db: Database, departments: None) -> Database:
    # equal titles score alike: their order comes from metadata_modified, then the id
    for n in range(12):
        make_dataset(
            db,
            title="Radverkehr Zählstellen" if n % 3 else f"Radverkehr {n}",
            name=f"rad-{n}",
            description="Radverkehr in Köln" if n % 2 else "Zählung an Kreuzungen",
            keywords=["Radverkehr", "Nippes" if n % 2 else "Kalk"],
            themes=["TRAN"] if n % 4 else ["TRAN", "ENVI"],
            license_id="cc-zero" if n % 5 == 0 else "dl-by-de/2.0",
        )
    make_dataset(
        db,
        title="Radverkehr intern",
        name="rad-intern",
        access_rights="NON_PUBLIC",
        restriction_reason="security",
    )
    make_dataset(db, title="Radverkehr alt", name="rad-alt")
    with db.session() as session:
        service.dataset_delete(session, actor=ADMIN, id_or_name="rad-alt")
    return db


def _search(db: Database, actor: object, query: SearchQuery, *, in_memory: bool) -> object:
    with db.session() as session:
        found = search_service._found_in_memory(session, actor, query)  # type: ignore[arg-type]
        assert (found is not None) == in_memory, query
        return search_service.dataset_search(session, actor=actor, query=query)  # type: ignore[arg-type]


CASES = [
    ({"q": "Radverkehr"}, True),
    ({"q": "radverkehr zählstellen"}, True),
    ({"q": "Radverkehr Zzzunbekannt"}, True),  # no dataset has both words: any word
    ({"q": "Radverkehr", "sort": "metadata_modified desc"}, True),
    ({"q": "Radverkehr", "filters": {"groups": ["envi"]}}, True),
    ({"q": "Radverkehr", "filters": {"tags": ["Kalk"], "groups": ["tran", "envi"]}}, True),
    ({"q": "Radverkehr", "filters": {"license_id": ["cc-zero"]}}, True),
    ({"q": "Radverkehr", "filters": {"tags": ["Unbekannt"]}}, True),
    ({"q": "Radverkehr", "sort": "title asc"}, False),
    ({"q": "Radverkehr", "filters": {"organization": ["stadt-koeln-69"]}}, False),
]


@pytest.mark.parametrize(("case", "in_memory"), CASES)
def test_in_memory_ranking_answers_as_sql(
    corpus: Database, monkeypatch: pytest.MonkeyPatch, case: dict, in_memory: bool
) -> None:
    for actor in (ANONYMOUS, ADMIN):
        for start, rows in ((0, 5), (3, 4), (0, 100)):
            query = SearchQuery(facets=FACETS, start=start, rows=rows, **case)
            fast = _search(corpus, actor, query, in_memory=in_memory)
            with monkeypatch.context() as patched:
                patched.setattr(search_service, "_found_in_memory", lambda *_: None)
                with corpus.session() as session:
                    slow = search_service.dataset_search(session, actor=actor, query=query)
            assert fast == slow, (case, actor, start)
    assert slow.count > 0 or "Unbekannt" in str(case)


def test_hidden_and_deleted_datasets_stay_out(corpus: Database) -> None:
    query = SearchQuery(q="Radverkehr", rows=100)
    public = _search(corpus, ANONYMOUS, query, in_memory=True)
    everything = _search(corpus, ADMIN, query, in_memory=True)
    names = {d.name for d in public.results}
    assert public.count == 12 and "rad-intern" not in names and "rad-alt" not in names
    assert everything.count == 13 and "rad-intern" in {d.name for d in everything.results}


def test_text_search_follows_every_write(corpus: Database) -> None:
    """The visible list and the index's id map are kept between searches; each write shows
    in the next text search at once."""
    from domstadt.catalog.schemas import DatasetPatch

    def names() -> list[str]:
        page = _search(corpus, ANONYMOUS, SearchQuery(q="Radverkehr", rows=100), in_memory=True)
        assert page.count == len(page.results)
        return [d.name for d in page.results]

    before = names()
    assert "rad-3" in before
    with corpus.session() as session:
        service.dataset_patch(
            session,
            actor=ADMIN,
            id_or_name="rad-3",
            data=DatasetPatch(access_rights="NON_PUBLIC", restriction_reason="security"),
        )
    assert names() == [n for n in before if n != "rad-3"]
    with corpus.session() as session:
        service.dataset_delete(session, actor=ADMIN, id_or_name="rad-4")
    assert "rad-4" not in names()
    make_dataset(corpus, title="Radverkehr neu", name="rad-neu")
    assert "rad-neu" in names()
    with corpus.session() as session:
        service.dataset_patch(
            session, actor=ADMIN, id_or_name="rad-neu", data=DatasetPatch(title="Fußverkehr")
        )
    assert "rad-neu" not in names()
