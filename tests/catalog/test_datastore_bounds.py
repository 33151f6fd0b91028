"""DataStore queries are bounded (issue 14): memory, time, rows and bytes of an answer, and
errors never show server paths. Anonymous requests through the CKAN Action API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from starlette.testclient import TestClient

from domstadt.catalog import distribution_service
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset

CSV = b"Stadtteil;Anzahl\nEhrenfeld;42\nKalk;17\nPorz;9\n"
MB = 1024 * 1024


def upload(db: Database, settings: Settings, filename: str, content: bytes) -> str:
    """Upload a table to the dataset 'ladesaeulen' through the service; its resource id."""
    with db.session() as session:
        res = distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset="ladesaeulen",
            data=DistributionCreate(title=filename),
            data_dir=settings.data_dir,
            upload=(filename, content),
        )
    return res.id


@pytest.fixture
def resource_id(db: Database, departments: None, settings: Settings) -> str:
    """A table in the DataStore."""
    make_dataset(db, name="ladesaeulen", title="Ladesäulen")
    return upload(db, settings, "ladesaeulen.csv", CSV)


@pytest.fixture
def short_time_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DataStore queries may take one second."""
    monkeypatch.setenv("DOMSTADT_DATASTORE_TIME_LIMIT_SECONDS", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _sql(client: TestClient, sql: str) -> tuple[int, dict]:
    response = client.post("/api/3/action/datastore_search_sql", json={"sql": sql})
    return response.status_code, response.json()


def test_huge_value_is_refused_without_growing_the_server(
    client: TestClient, resource_id: str
) -> None:
    """The probe's query: a 300 MB value. It answers a clear error and the server's memory
    does not grow (the query runs in a capped process of its own)."""
    process = psutil.Process()
    before = process.memory_info().rss
    status, body = _sql(client, f"SELECT repeat('x', 300000000) AS x FROM \"{resource_id}\"")
    grown = process.memory_info().rss - before
    assert status == 409, body
    assert "mehr als 512 MB Arbeitsspeicher" in body["error"]["message"]
    assert grown < 100 * MB


def test_answer_is_cut_off_at_the_byte_limit(client: TestClient, resource_id: str) -> None:
    """100 MB of rows: the answer stops at 16 MB and says it was cut off (CKAN's flag)."""
    sql = f"SELECT i, repeat('x', 100000) AS x FROM \"{resource_id}\", range(1000) t(i)"
    response = client.post("/api/3/action/datastore_search_sql", json={"sql": sql})
    result = response.json()["result"]
    assert response.status_code == 200
    assert result["records_truncated"] is True
    assert 0 < len(result["records"]) < 1000
    assert len(response.content) < 17 * MB


def test_one_row_above_the_byte_limit_is_an_error(client: TestClient, resource_id: str) -> None:
    status, body = _sql(client, f"SELECT repeat('x', 20000000) AS x FROM \"{resource_id}\"")
    assert status == 409
    assert "größer als 16 MB" in body["error"]["message"]


def test_rows_are_cut_off_at_the_row_limit(client: TestClient, resource_id: str) -> None:
    status, body = _sql(client, f'SELECT * FROM "{resource_id}", range(20000)')
    assert status == 200
    assert len(body["result"]["records"]) == 10_000 and body["result"]["records_truncated"]


def test_slow_query_is_stopped_at_the_time_limit(
    short_time_limit: None, client: TestClient, resource_id: str
) -> None:
    status, body = _sql(client, f'SELECT count(*) FROM "{resource_id}", range(1000000000000)')
    assert status == 409
    assert "länger als 1 s" in body["error"]["message"]


def test_errors_name_the_resource_not_the_file(
    client: TestClient, resource_id: str, settings: Settings
) -> None:
    """A table whose file is gone: the message names the resource id, no server path."""
    for parquet in Path(settings.data_dir).rglob("*.parquet"):
        parquet.unlink()
    status, body = _sql(client, f'SELECT * FROM "{resource_id}"')
    message = body["error"]["message"]
    assert status == 409
    assert resource_id in message
    assert str(settings.data_dir) not in message and "/tmp" not in message
    assert ".parquet" not in message


def test_search_page_above_the_byte_limit_is_refused(
    db: Database,
    resource_id: str,
    settings: Settings,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """datastore_search pages larger than the limit are refused with a hint (the client pages
    with a smaller limit) rather than cut, as a page has no room for a flag."""
    big = b"Nr;Text\n" + b"".join(b"%d;%s\n" % (n, b"x" * 100_000) for n in range(20))
    long_texts = upload(db, settings, "texte.csv", big)
    monkeypatch.setenv("DOMSTADT_DATASTORE_MAX_RESULT_MB", "1")
    get_settings.cache_clear()
    try:
        url = f"/api/3/action/datastore_search?resource_id={long_texts}"
        refused = client.get(url + "&limit=20")
        page = client.get(url + "&limit=5")
    finally:
        get_settings.cache_clear()
    assert refused.status_code == 409
    assert "größer als 1 MB" in refused.json()["error"]["message"]
    assert page.status_code == 200 and len(page.json()["result"]["records"]) == 5
