"""The DataStore's own index of a table (issue 15): built at upload, same answers as reading the
Parquet file, full-text search by whole words, offsets and sorts that page without gaps."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest
from starlette.testclient import TestClient

from domstadt.catalog.datastore import engine, index, watchdog
from domstadt.catalog.datastore.limits import Limits
from domstadt.catalog.normalise import tabular
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset
from tests.catalog.test_datastore_bounds import upload

DISTRICTS = ["Innenstadt", "Mülheim", "Ehrenfeld", "Porz", "Kalk"]
ROWS = 3_000


def _csv(rows: int) -> bytes:
    rng = random.Random(7)
    lines = ["messung;abschnitt;stadtbezirk;auslastung;geschwindigkeit;hinweis"]
    for i in range(rows):
        note = rng.choice(["", "Baustelle Hohe Straße", "Sperrung", "Straßenfest am Dom"])
        lines.append(
            f"{i + 1};ST{rng.randint(1, 40):03d};{rng.choice(DISTRICTS)};{rng.randint(0, 5)};"
            f"{rng.randint(5, 70)},{rng.randint(0, 9)};{note}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(autouse=True)
def index_small_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Index even these small tables (the threshold is tested on its own)."""
    monkeypatch.setattr(index, "MIN_ROWS", 0)


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A normalised table of 3,000 traffic measurements (its Parquet file; no index yet)."""
    folder = tmp_path_factory.mktemp("table")
    return tabular.write_outputs(tabular.read_csv(_csv(ROWS)), folder, "data")["PARQUET"]


def _search(path: Path, **given: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "filters": {},
        "q": "",
        "fields": [],
        "sort": "",
        "limit": 100,
        "offset": 0,
    }
    return engine.search(path, **{**arguments, **given})


def _without_index(path: Path, **given: Any) -> dict[str, Any]:
    """The answer read from the Parquet file alone (as for a table without an index)."""
    saved = index.ensure
    index.ensure = lambda parquet, limits: None  # type: ignore[assignment]
    try:
        return _search(path, **given)
    finally:
        index.ensure = saved


REQUESTS: list[dict[str, Any]] = [
    {},
    {"offset": 2_500},
    {"offset": 2_950, "limit": 100},
    {"filters": {"stadtbezirk": "Kalk", "auslastung": 3}, "sort": "geschwindigkeit desc"},
    {"filters": {"stadtbezirk": ["Kalk", "Porz"]}, "offset": 40},
    {"filters": {"auslastung": "3"}},
    {"filters": {"geschwindigkeit": "20.5"}},
    {"q": "st007"},
    {"q": "ST007", "offset": 30, "limit": 20},
    {"q": "Mulheim"},
    {"q": "strasse"},
    {"q": "Straße Hohe"},
    {"q": "ST007 Kalk", "sort": "geschwindigkeit asc"},
    {"q": "Sperrung", "filters": {"auslastung": [1, 2]}, "fields": ["messung", "stadtbezirk"]},
    {"q": "nirgendwo"},
    {"sort": "stadtbezirk, auslastung desc", "offset": 1_000},
]


@pytest.mark.parametrize("request_", REQUESTS, ids=[str(r) for r in REQUESTS])
def test_the_index_answers_as_the_parquet_file_does(parquet: Path, request_: dict) -> None:
    indexed = _search(parquet, **request_)
    assert index.path_of(parquet).is_file()
    assert indexed == _without_index(parquet, **request_)


def _matches(parquet: Path, q: str) -> list[int]:
    return [r["messung"] for r in _search(parquet, q=q, limit=ROWS, fields=["messung"])["records"]]


def _brute_force(words: list[str]) -> list[int]:
    """Rows of the CSV holding every word as a whole word (lower case, no accents, ß kept)."""
    found = []
    for line in _csv(ROWS).decode().splitlines()[1:]:
        cells = line.split(";")
        text = " ".join([cells[1], cells[2], cells[5]]).lower().replace("ü", "u")
        tokens = set(text.replace("-", " ").split())
        if all(w in tokens for w in words):
            found.append(int(cells[0]))
    return found


def test_full_text_finds_whole_words_ignoring_case_and_accents(parquet: Path) -> None:
    assert _matches(parquet, "MÜLHEIM") == _brute_force(["mulheim"])
    assert _matches(parquet, "mülheim st007") == _brute_force(["mulheim", "st007"])
    assert _matches(parquet, "straße") == _brute_force(["straße"])
    assert _matches(parquet, "straße") != []
    assert _matches(parquet, "strasse") == []  # ß is a letter of its own
    assert _matches(parquet, "Mül") == []  # a word, not a part of one
    assert _search(parquet, q="!!!")["total"] == 0
    assert _search(parquet, q="  ")["total"] == ROWS  # no query


def test_integer_filters_compare_as_text(parquet: Path) -> None:
    """A filter value is compared with the column's text: "3" matches 3, "3.0" and "03" not."""
    three = _search(parquet, filters={"auslastung": "3"})["total"]
    assert three > 0
    assert _search(parquet, filters={"auslastung": 3})["total"] == three
    assert _search(parquet, filters={"auslastung": ["3.0", "03", "-0"]})["total"] == 0


def test_pages_of_a_sort_with_ties_neither_overlap_nor_skip(parquet: Path) -> None:
    whole = _search(parquet, sort="auslastung desc", limit=500, fields=["messung"])["records"]
    pages = [
        r
        for offset in range(0, 500, 50)
        for r in _search(
            parquet, sort="auslastung desc", limit=50, offset=offset, fields=["messung"]
        )["records"]
    ]
    assert pages == whole
    assert len({r["messung"] for r in pages}) == 500


def test_the_low_cardinality_columns_cluster_the_copy(parquet: Path) -> None:
    engine.prepare(parquet)
    source = engine._indexed_source(parquet, Limits.of())
    assert source is not None
    # fewest distinct values first: hinweis 3, stadtbezirk 5, auslastung 6 (abschnitt 40 not)
    assert source.cluster == ("hinweis", "stadtbezirk", "auslastung")
    assert source.text_columns == ("abschnitt", "stadtbezirk", "hinweis")


def test_a_newer_parquet_file_gets_a_new_index(tmp_path: Path) -> None:
    table = tabular.read_csv(b"stadtteil;anzahl\nKalk;1\nPorz;2\n")
    path = tabular.write_outputs(table, tmp_path, "data")["PARQUET"]
    assert _search(path, q="kalk")["total"] == 1
    built = index.path_of(path).stat().st_mtime_ns
    table = tabular.read_csv(b"stadtteil;anzahl\nKalk;1\nKalk;2\nPorz;3\n")
    tabular.write_outputs(table, tmp_path, "data")
    later = built + 1_000_000_000
    os.utime(path, ns=(later, later))
    assert _search(path, q="kalk")["total"] == 2
    assert index.path_of(path).stat().st_mtime_ns >= later


def test_a_table_that_cannot_be_indexed_keeps_its_parquet_answers(tmp_path: Path) -> None:
    broken = tmp_path / "data.parquet"
    broken.write_bytes(b"not parquet")
    assert index.ensure(broken, Limits.of()) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.parquet"]  # nothing half-built


def test_small_tables_are_read_from_their_parquet_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(index, "MIN_ROWS", 3)
    table = tabular.read_csv(b"stadtteil;anzahl\nKalk;1\nPorz;2\n")
    path = tabular.write_outputs(table, tmp_path, "data")["PARQUET"]
    assert index.ensure(path, Limits.of()) is None
    assert _search(path, q="kalk")["total"] == 1
    assert not index.path_of(path).exists()


def test_an_upload_is_indexed_and_searched_by_word(
    client: TestClient, db: Database, departments: None, settings: Settings
) -> None:
    make_dataset(db, name="ladesaeulen", title="Ladesäulen")
    csv = "Stadtteil;Betreiber;Anzahl\nMülheim;RheinEnergie AG;4\nKalk;Stadtwerke;2\n"
    resource_id = upload(db, settings, "ladesaeulen.csv", csv.encode())
    assert list((settings.data_dir / "catalog").rglob("data.v2.duckdb"))
    response = client.get(
        "/api/3/action/datastore_search", params={"resource_id": resource_id, "q": "muelheim"}
    )
    assert response.json()["result"]["total"] == 0  # words, not spellings
    response = client.get(
        "/api/3/action/datastore_search", params={"resource_id": resource_id, "q": "MULHEIM ag"}
    )
    result = response.json()["result"]
    assert result["total"] == 1
    assert result["records"] == [
        {"Stadtteil": "Mülheim", "Betreiber": "RheinEnergie AG", "Anzahl": 4}
    ]


def test_the_watchdog_interrupts_a_query_over_its_time_and_only_that_one() -> None:
    con = duckdb.connect(":memory:", config={"threads": 1})
    try:
        with pytest.raises(duckdb.InterruptException), watchdog.limit(con, 0.2) as watch:
            con.execute("SELECT count(*) FROM range(1000000000000) a").fetchall()
        assert watch.fired
        with watchdog.limit(con, 5) as watch:
            assert con.execute("SELECT 42").fetchone() == (42,)
        assert not watch.fired
    finally:
        con.close()


def test_a_column_named_like_a_position_is_the_table_s_own(tmp_path: Path) -> None:
    table = tabular.read_csv(b"_n;_id;pos;stadtteil\n7;8;9;Kalk\n5;4;3;Porz\n")
    path = tabular.write_outputs(table, tmp_path, "data")["PARQUET"]
    indexed = _search(path, q="porz")
    assert indexed["records"] == [{"_n": 5, "_id": 4, "pos": 3, "stadtteil": "Porz"}]
    assert indexed == _without_index(path, q="porz")
    assert _search(path, offset=1)["records"] == indexed["records"]
