"""Facet counts counted in memory (``search_facets``) agree with a brute-force count, and the
catalogue search built on them (text matches, the cached whole catalogue) counts, pages to the
last result and follows every write on both engines."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

from sqlalchemy import Connection, text
from starlette.testclient import TestClient

from domstadt.catalog import distribution_service, search_facets, search_service, service
from domstadt.catalog.schemas import DatasetPatch, DistributionCreate, SearchQuery
from domstadt.core.auth.permissions import ANONYMOUS, system_actor
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset


def _brute(rows: list[tuple[int, str]], chosen: set[int]) -> dict[str, int]:
    return dict(Counter(v for i, v in set(rows) if v and i in chosen))


def test_counts_over_random_sets_match_a_brute_force_count() -> None:
    rng = random.Random(15)
    values = [f"w{n}" for n in range(40)]
    rows = [(rng.randint(1, 400), rng.choice(values)) for _ in range(1500)]
    rows += [(7, ""), (8, "w1")]  # an empty value
    pairs = search_facets.Pairs.of(sorted(set(rows)))
    for size in (0, 1, 37, 300, 400):
        chosen = set(rng.sample(range(1, 401), size))
        # ids without any pair and ids past every pair's id count nothing
        counted = search_facets.count(pairs, search_facets.mask([*chosen, 999]), 10_000)
        assert dict(counted) == _brute(rows, chosen)
        assert counted == sorted(counted, key=lambda kv: (-kv[1], kv[0]))
    top = search_facets.count(pairs, search_facets.mask(list(range(1, 401))), 3)
    assert (
        top == sorted(_brute(rows, set(range(1, 401))).items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    )
    assert search_facets.count(search_facets.Pairs.of([]), search_facets.mask([1, 2]), 5) == []


def _search(db: Database, **values: object) -> tuple[int, list[str], dict[str, dict[str, int]]]:
    query = SearchQuery.model_validate(
        {"facets": ["groups", "tags", "res_format", "organization", "license_id"], **values}
    )
    with db.session() as session:
        page = search_service.dataset_search(session, actor=ANONYMOUS, query=query)
    facets = {f: {i.name: i.count for i in items} for f, items in page.facets.items()}
    return page.count, [d.name for d in page.results], facets


def test_text_and_catalogue_facets_follow_every_write(db: Database, departments: None) -> None:
    first = make_dataset(db, name="rad-1", title="Radverkehr Nippes", keywords=["Rad", "Nippes"])
    make_dataset(db, name="rad-2", title="Radverkehr Porz", keywords=["Rad"])
    make_dataset(db, name="baum", title="Baumkataster", keywords=["Baum"])
    count, names, facets = _search(db, q="Radverkehr")
    assert count == 2 and set(names) == {"rad-1", "rad-2"}
    assert facets["tags"] == {"Rad": 2, "Nippes": 1}
    assert facets["organization"] == {"stadt-koeln-69": 2}
    assert facets["license_id"] == {"dl-by-de/2.0": 2}
    assert _search(db)[2]["tags"] == {"Rad": 2, "Nippes": 1, "Baum": 1}
    with db.session() as session:
        service.dataset_patch(
            session,
            actor=system_actor("tests"),
            id_or_name=first.name,
            data=DatasetPatch(keywords=["Pegel"]),
        )
    assert _search(db, q="Radverkehr")[2]["tags"] == {"Rad": 1, "Pegel": 1}
    assert _search(db)[2]["tags"] == {"Rad": 1, "Pegel": 1, "Baum": 1}
    with db.session() as session:
        service.dataset_delete(session, actor=system_actor("tests"), id_or_name="rad-2")
    assert _search(db, q="Radverkehr")[:2] == (1, ["rad-1"])
    assert _search(db)[0] == 2 and _search(db)[2]["tags"] == {"Pegel": 1, "Baum": 1}


def test_the_whole_catalogue_pages_to_its_last_dataset(
    client: TestClient, db: Database, departments: None
) -> None:
    for n in range(25):
        make_dataset(db, name=f"ds-{n:02d}", title=f"Datensatz {n}")
    newest_first = [f"ds-{n:02d}" for n in reversed(range(25))]
    for sort, expected in [
        ("", newest_first),
        ("metadata_modified desc", newest_first),
        ("name asc", sorted(newest_first)),
    ]:
        names: list[str] = []
        for start in range(0, 30, 7):
            params = (
                {"rows": "7", "start": str(start), "sort": sort}
                if sort
                else {"rows": "7", "start": str(start)}
            )
            body = client.get("/api/3/action/package_search", params=params).json()["result"]
            assert body["count"] == 25
            names += [r["name"] for r in body["results"]]
        assert names == expected, sort


def test_a_page_never_shows_a_dataset_the_reader_may_not_see_even_from_a_stale_cache(
    db: Database, departments: None
) -> None:
    """The cached orders follow the catalogue's state; a change the state misses (here a raw
    update that leaves metadata_modified as it was, as a write committed after a later-stamped
    one would) must not put a restricted dataset on an anonymous reader's page."""
    make_dataset(db, name="offen", title="Radverkehr offen")
    make_dataset(db, name="intern", title="Radverkehr intern")
    assert set(_search(db)[1]) == {"offen", "intern"}  # the orders are cached now
    assert set(_search(db, q="Radverkehr")[1]) == {"offen", "intern"}
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE catalog_dataset SET access_rights = 'NON_PUBLIC' WHERE name = 'intern'")
        )
    assert _search(db)[1] == ["offen"]
    assert _search(db, q="Radverkehr")[1] == ["offen"]


def test_a_removal_outside_the_rules_changes_the_catalogue_state(
    db: Database, departments: None
) -> None:
    """Datasets removed from the table by SQL (not marked deleted) leave counts and facets at
    once: the trigger of migration 0046 writes a row the state counts."""
    # the removed one is the older: newest stamp and highest id stay as they were
    make_dataset(db, name="geht", title="Radverkehr geht", keywords=["Rad", "Weg"])
    make_dataset(db, name="bleibt", title="Radverkehr bleibt", keywords=["Rad"])
    assert _search(db)[0] == 2 and _search(db, q="Radverkehr")[0] == 2
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM catalog_dataset WHERE name = 'geht'"))
    assert _search(db)[:3] == (1, ["bleibt"], _search(db)[2])
    assert _search(db)[2]["tags"] == {"Rad": 1}
    assert _search(db, q="Radverkehr")[:2] == (1, ["bleibt"])


def test_a_dataset_with_two_files_of_one_format_counts_once(
    db: Database, departments: None, tmp_path: Path
) -> None:
    """The format facet's pairs are distinct per dataset (grouped in the database)."""
    two = make_dataset(db, name="zwei-csv", title="Radverkehr zwei Dateien")
    make_dataset(db, name="eine-csv", title="Radverkehr eine Datei")
    with db.session() as session:
        for name, url in (
            ("zwei-csv", "https://example.org/a.csv"),
            ("zwei-csv", "https://example.org/b.csv"),
            ("eine-csv", "https://example.org/c.csv"),
        ):
            distribution_service.distribution_create(
                session,
                actor=system_actor("tests"),
                dataset=name,
                data=DistributionCreate(download_url=url, format="CSV"),
                data_dir=tmp_path,
            )
    assert two.name == "zwei-csv"
    assert _search(db)[2]["res_format"] == {"CSV": 2}
    assert _search(db, q="Radverkehr")[2]["res_format"] == {"CSV": 2}


def _restamp(conn: Connection, name: str, rights: str, stamp: dt.datetime) -> None:
    conn.execute(
        text(
            "UPDATE catalog_dataset SET access_rights = :rights, metadata_modified = :stamp"
            " WHERE name = :name"
        ),
        {"rights": rights, "stamp": stamp.replace(tzinfo=None), "name": name},
    )


def test_a_write_committed_after_a_later_stamped_one_changes_the_catalogue_state(
    db: Database, departments: None
) -> None:
    """A write whose stamp is older than the newest (taken before another writer's, committed
    after it) leaves the newest stamp and the highest id as they were; the counter bumped
    inside each writing transaction (migration 0048) changes the state anyway, so the counts
    follow at once. On PostgreSQL the two writers are open at the same time."""
    make_dataset(db, name="frueh", title="Radverkehr früh")
    make_dataset(db, name="spaet", title="Radverkehr spät")
    now = dt.datetime.now(dt.UTC)
    assert _search(db)[0] == 2 and _search(db, q="Radverkehr")[0] == 2  # cached now
    with db.engine.connect() as first, db.engine.connect() as second:
        if db.engine.dialect.name == "postgresql":
            _restamp(first, "frueh", "NON_PUBLIC", now - dt.timedelta(hours=1))
        _restamp(second, "spaet", "PUBLIC", now + dt.timedelta(hours=1))
        second.commit()
        assert _search(db)[0] == 2
        if db.engine.dialect.name != "postgresql":  # one writer at a time: now, in turn
            _restamp(first, "frueh", "NON_PUBLIC", now - dt.timedelta(hours=1))
        first.commit()  # the older stamp commits last
    assert _search(db)[:2] == (1, ["spaet"])
    assert _search(db, q="Radverkehr")[:2] == (1, ["spaet"])
