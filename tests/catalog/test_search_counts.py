"""Catalogue search counts right at any size: 3,000 bulk-inserted datasets, every ``count`` and
facet count of package_search compared with a brute-force count in Python, and paging through
all results (no loss, no duplicates) past the 1,000 matches where the old search stopped."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import insert, select, text
from starlette.testclient import TestClient

from domstadt.catalog import search_service, service
from domstadt.catalog.convert import department_org_name
from domstadt.catalog.models import Dataset, DatasetKeyword, DatasetTheme, Distribution
from domstadt.catalog.schemas import DatasetPatch, SearchQuery
from domstadt.core.auth import directory_service
from domstadt.core.auth.models import Department, DepartmentKind
from domstadt.core.auth.permissions import ANONYMOUS, system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.db import Database, utcnow
from domstadt.core.text.models import SearchDocument
from tests.catalog.conftest import make_dataset

COUNT = 3000
ACTOR = system_actor("tests")
SUBJECTS = ["Radverkehr", "Parkhaus", "Baumkataster", "Hochwasser", "Spielplatz", "Denkmal"]
DISTRICTS = ["Ehrenfeld", "Nippes", "Porz", "Kalk", "Chorweiler"]
THEMES = ["TRAN", "ENVI", "GOVE", "EDUC", "HEAL"]
FORMATS = ["CSV", "JSON", "PDF", "XLSX"]
LICENSES = ["dl-by-de/2.0", "dl-zero-de/2.0", "cc-by/4.0"]
FACETS = ["groups", "tags", "res_format", "license_id", "organization"]


@dataclass
class Row:
    """What the brute force knows of one generated dataset."""

    id: int
    visible: bool
    words: set[str]
    keywords: set[str]
    themes: set[str]
    formats: set[str]
    license: str
    department: str
    title: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def _departments(db: Database) -> dict[int, str]:
    with db.session() as session:
        for code in ("61", "62", "63"):
            directory_service.department_create(
                session,
                actor=ACTOR,
                data=DepartmentCreate(code=code, name=f"Amt {code}", kind=DepartmentKind.AMT),
            )
    with db.session() as session:
        return {i: c for i, c in session.execute(select(Department.id, Department.code))}


def _generate(departments: dict[int, str]) -> tuple[list[Row], list[list[dict]]]:
    rng = random.Random(15)
    rows: list[Row] = []
    tables: list[list[dict]] = [[], [], [], []]
    for i in range(1, COUNT + 1):
        # "Radverkehr" in about 45 % of the datasets: far more than 1,000 matches
        subject = "Radverkehr" if rng.random() < 0.4 else rng.choice(SUBJECTS)
        district, extra = rng.choice(DISTRICTS), rng.choice(SUBJECTS)
        state = "deleted" if i % 97 == 0 else "active"
        access = "NON_PUBLIC" if i % 89 == 0 else "PUBLIC"
        dept = rng.choice(list(departments))
        keywords = {subject, district, extra}
        themes = set(rng.sample(THEMES, rng.randint(1, 2)))
        formats = set(rng.sample(FORMATS, rng.randint(0, 2)))
        licence = rng.choice(LICENSES)
        title = f"{subject} {district} {i:05d}"
        tables[0].append(
            {
                "id": i,
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "name": f"ds-{i:06d}",
                "title": title,
                "description": f"{subject} im Stadtbezirk {district}.",
                "department_id": dept,
                "license_id": licence,
                "state": state,
                "access_rights": access,
                "metadata_created": utcnow(),
                "metadata_modified": utcnow(),
            }
        )
        tables[1].extend({"dataset_id": i, "keyword": k} for k in sorted(keywords))
        tables[2].extend({"dataset_id": i, "theme": t} for t in sorted(themes))
        tables[3].extend(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "dataset_id": i,
                "position": p,
                "format": f,
                "title": f,
                "download_url": f"https://example.org/{i}.{f.lower()}",
            }
            for p, f in enumerate(sorted(formats))
        )
        rows.append(
            Row(
                id=i,
                visible=state == "active" and access == "PUBLIC",
                words={w.lower() for w in keywords},
                keywords=keywords,
                themes=themes,
                formats=formats,
                license=licence,
                department=department_org_name(departments[dept]),
                title=title,
            )
        )
    return rows, tables


@pytest.fixture
def corpus(db: Database) -> list[Row]:
    """COUNT datasets bulk-inserted (Core inserts), then indexed by the re-index."""
    rows, tables = _generate(_departments(db))
    with db.session() as session:
        models = (Dataset, DatasetKeyword, DatasetTheme, Distribution)
        for model, values in zip(models, tables, strict=True):
            session.execute(insert(model), values)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as con:
            con.execute(text("SELECT setval('catalog_dataset_id_seq', :n)"), {"n": COUNT})
    with db.session() as session:
        search_service.reindex_all(session, actor=ACTOR)
    return rows


def _matches(row: Row, terms: list[str]) -> bool:
    """Brute-force text match: every term is the prefix of a word of the dataset."""
    return all(any(w.startswith(t.lower()) for w in row.words) for t in terms)


def _expected(rows: list[Row], terms: list[str], theme: str | None = None) -> list[Row]:
    found = [r for r in rows if r.visible and _matches(r, terms)]
    if not found and len(terms) > 1:  # no dataset has all words: any word
        found = [r for r in rows if r.visible and any(_matches(r, [t]) for t in terms)]
    return [r for r in found if theme is None or theme in r.themes]


def _brute_facets(rows: list[Row]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    for r in rows:
        counts["groups"].update(r.themes)
        counts["tags"].update(r.keywords)
        counts["res_format"].update(r.formats)
        counts["license_id"][r.license] += 1
        counts["organization"][r.department] += 1
    return {f: dict(c) for f, c in counts.items()}


CASES = [
    ("", None),
    ("Radverkehr", None),
    ("Radverkehr", "TRAN"),
    ("radverkehr ehrenfeld", None),
    ("Baum", None),
    ("Radverkehr Zzzunbekannt", None),
    ("", "ENVI"),
    ("Zzzunbekannt", None),
]


def test_count_and_every_facet_match_a_brute_force_count(db: Database, corpus: list[Row]) -> None:
    """One corpus per backend (building it is the slow part), every case against it."""
    for q, theme in CASES:
        _check_counts(db, corpus, q, theme)
    _check_score_order(db)


def _check_counts(db: Database, corpus: list[Row], q: str, theme: str | None) -> None:
    expected = _expected(corpus, q.split(), theme)
    query = SearchQuery(
        q=q,
        filters={"groups": [theme.lower()]} if theme else {},
        facets=FACETS,
        facet_limit=search_service.MAX_FACET_VALUES,
        rows=5,
    )
    with db.session() as session:
        page = search_service.dataset_search(session, actor=ANONYMOUS, query=query)
    assert page.count == len(expected), (q, theme)
    got = {f: {i.name: i.count for i in items} for f, items in page.facets.items()}
    assert got == _brute_facets(expected), (q, theme)
    if q == "Radverkehr" and theme is None:
        assert page.count > 1000  # the old search stopped here


def _page_all(client: TestClient, params: dict[str, str], rows: int) -> list[str]:
    names: list[str] = []
    start = 0
    while True:
        body = client.get(
            "/api/3/action/package_search",
            params={**params, "rows": str(rows), "start": str(start), "fl": "name"},
        ).json()
        assert body["success"], body
        batch = [r["name"] for r in body["result"]["results"]]
        if not batch:
            return names
        names.extend(batch)
        start += rows


def test_paging_through_every_match_loses_and_repeats_nothing(
    client: TestClient, corpus: list[Row]
) -> None:
    for q, sort in [
        ("Radverkehr", ""),
        ("Radverkehr", "title asc"),
        ("", ""),
        ("Park", "name desc"),
    ]:
        _check_paging(client, corpus, q, sort)
    _check_ckan_page_past_1000(client, corpus)


def _check_paging(client: TestClient, corpus: list[Row], q: str, sort: str) -> None:
    expected = {f"ds-{r.id:06d}" for r in _expected(corpus, q.split())}
    params = {"q": q, "sort": sort} if sort else {"q": q}
    names = _page_all(client, params, rows=1000)
    assert len(names) == len(set(names)) == len(expected)
    assert set(names) == expected
    if sort == "title asc":
        titles = {f"ds-{r.id:06d}": r.title for r in corpus}
        assert [titles[n] for n in names] == sorted(titles[n] for n in names)
    if sort == "name desc":
        assert names == sorted(names, reverse=True)


def _check_ckan_page_past_1000(client: TestClient, corpus: list[Row]) -> None:
    expected = _expected(corpus, ["Radverkehr"])
    body = client.get(
        "/api/3/action/package_search",
        params={
            "q": "Radverkehr",
            "facet.field": '["groups","tags","res_format"]',
            "facet.limit": "-1",
            "rows": "7",
            "start": "1100",
        },
    ).json()["result"]
    assert body["count"] == len(expected) > 1107
    assert len(body["results"]) == 7
    brute = _brute_facets(expected)
    assert body["facets"] == {f: brute[f] for f in ("groups", "tags", "res_format")}
    last = client.get(
        "/api/3/action/package_search",
        params={"q": "Radverkehr", "rows": "10", "start": str(len(expected) - 3)},
    ).json()["result"]
    assert len(last["results"]) == 3


def _check_score_order(db: Database) -> None:
    """Relevance still orders: a dataset with "Denkmal" in its title (weighted 4:1) comes
    before one that has it only as an extra keyword."""
    query = SearchQuery(q="Denkmal", rows=1000, start=0)
    with db.session() as session:
        page = search_service.dataset_search(session, actor=ANONYMOUS, query=query)
        indexed = session.scalar(select(SearchDocument.id).limit(1))
    assert indexed is not None
    in_title = [d.title.startswith("Denkmal") for d in page.results]
    assert True in in_title and False in in_title
    assert in_title == sorted(in_title, reverse=True)


def _default_listing(db: Database) -> tuple[int, dict[str, int]]:
    query = SearchQuery(facets=["tags"], rows=0)
    with db.session() as session:
        page = search_service.dataset_search(session, actor=ANONYMOUS, query=query)
    return page.count, {i.name: i.count for i in page.facets["tags"]}


def test_default_listing_counts_follow_every_write(db: Database, departments: None) -> None:
    """The whole-catalogue counts are reused between requests; each write shows at once."""
    assert _default_listing(db) == (0, {})
    first = make_dataset(db, title="Pegelstände Rhein", keywords=["Rhein"])
    make_dataset(db, title="Hochwasser Rhein", name="hochwasser", keywords=["Rhein"])
    assert _default_listing(db) == (2, {"Rhein": 2})
    assert _default_listing(db) == (2, {"Rhein": 2})  # from the cache, unchanged
    with db.session() as session:
        service.dataset_patch(
            session, actor=ACTOR, id_or_name=first.name, data=DatasetPatch(keywords=["Pegel"])
        )
    assert _default_listing(db) == (2, {"Rhein": 1, "Pegel": 1})
    with db.session() as session:
        service.dataset_patch(
            session,
            actor=ACTOR,
            id_or_name="hochwasser",
            data=DatasetPatch(access_rights="NON_PUBLIC", restriction_reason="security"),
        )
    assert _default_listing(db) == (1, {"Pegel": 1})
    with db.session() as session:
        service.dataset_delete(session, actor=ACTOR, id_or_name=first.name)
    assert _default_listing(db) == (0, {})
