"""Liveness and readiness (issue 16): ``/livez`` answers while the process serves, asking
nothing of the database; ``/readyz`` answers 503 with Retry-After naming what is not ready
(database, schema, Redis) and never waits longer than its timeout; neither sets a cookie nor
meets the rate limits."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.live import free_port


def _app(settings: Settings, db: Database, **changes: object) -> TestClient:
    from domstadt.web.app import create_app

    return TestClient(create_app(settings.model_copy(update=changes), db))


def _not_ready(client: TestClient) -> dict[str, object]:
    answer = client.get("/readyz")
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    body: dict[str, object] = answer.json()
    assert body["status"] == "not ready"
    return body


def test_ready_and_alive(client: TestClient) -> None:
    live, ready = client.get("/livez"), client.get("/readyz")
    assert live.status_code == 200 and live.json()["status"] == "alive"
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["not_ready"] == [] and set(body["checks"]) == {"database", "migrations"}
    assert body["checks"]["migrations"]["detail"].startswith("at head ")
    for answer in (live, ready):
        assert "set-cookie" not in answer.headers


def test_database_down_is_not_ready_but_alive(client: TestClient) -> None:
    """Nothing listens on the database's port: /readyz 503 naming database and migrations,
    /livez still 200 (an orchestrator must not restart a process for the database)."""
    down = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/domstadt")
    client.app.state.database = down  # type: ignore[attr-defined]
    try:
        body = _not_ready(client)
        assert body["not_ready"] == ["database", "migrations"]
        assert "refused" in str(body["checks"]).lower()  # type: ignore[index]
        assert client.get("/livez").status_code == 200
        assert client.get("/healthz").status_code == 503
    finally:
        down.dispose()


def test_schema_behind_the_code_is_not_ready(client: TestClient, db: Database) -> None:
    with db.engine.begin() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(text("UPDATE alembic_version SET version_num = '0032'"))
    try:
        body = _not_ready(client)
        assert body["not_ready"] == ["migrations"]
        assert "domstadt db upgrade" in body["checks"]["migrations"]["detail"]  # type: ignore[index]
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head})
    assert client.get("/readyz").status_code == 200


def test_redis_gone_is_not_ready(settings: Settings, db: Database) -> None:
    with _app(settings, db, redis_url=f"redis://127.0.0.1:{free_port()}/0") as client:
        body = _not_ready(client)
        assert body["not_ready"] == ["redis"]
        assert client.get("/livez").status_code == 200


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (a hanging database)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


def test_a_hanging_database_answers_within_the_timeout(
    client: TestClient, silent_server: int
) -> None:
    hanging = Database(f"postgresql://postgres@127.0.0.1:{silent_server}/domstadt")
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"readiness_timeout_seconds": 0.5}
    )
    client.app.state.database = hanging  # type: ignore[attr-defined]
    start = time.monotonic()
    body = _not_ready(client)
    assert time.monotonic() - start < 5
    assert body["checks"]["database"]["detail"] == "no answer within 0.5 s"  # type: ignore[index]


def test_probes_are_not_rate_limited(settings: Settings, db: Database) -> None:
    with _app(settings, db, rate_limit_anonymous="2/minute") as client:
        assert client.get("/api/v1/measures").status_code == 200
        assert client.get("/api/v1/measures").status_code == 200
        assert client.get("/api/v1/measures").status_code == 429  # the limit is on
        for _ in range(5):
            assert client.get("/readyz").status_code == 200
            assert client.get("/livez").status_code == 200


def test_metrics_name_route_families_pool_and_waiting_jobs(client: TestClient) -> None:
    client.get("/massnahmen")
    client.get("/api/v1/measures")
    client.get("/sta/v1.1/Things")
    metrics = client.get("/metrics").text
    for family in ("pages", "native", "sta"):
        line = f'domstadt_http_family_request_duration_seconds_count{{family="{family}"}} 1.0'
        assert line in metrics, family
    assert "domstadt_db_pool_checked_out 0.0" in metrics  # every request gave its back
    assert "domstadt_db_pool_size " in metrics
    assert "domstadt_jobs_waiting 0.0" in metrics


def test_metrics_answer_without_redis(settings: Settings, db: Database) -> None:
    """The queue length is left out while Redis is gone; the rest is scraped as ever."""
    with _app(settings, db, redis_url=f"redis://127.0.0.1:{free_port()}/0") as client:
        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        assert "domstadt_db_pool_size" in metrics.text
        assert "domstadt_jobs_waiting" not in metrics.text
