"""A database that is busy or down answers 503 with Retry-After and a German message, never
500, and keeps nothing of the request (issue 14): a table lock held by another connection
(PostgreSQL lock and statement timeouts), an exhausted connection pool, a refused connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from httpx import Response
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database, Timeouts
from tests.conftest import PG_URL, make_token, make_user
from tests.live import free_port

ORGANISATION = {"name": "Verein Kalker Bäume", "kind": "association"}
pg_only = pytest.mark.skipif(not PG_URL, reason="DOMSTADT_TEST_DATABASE_URL not set")


def _client(settings: Settings, db: Database, **timeouts: float) -> Iterator[TestClient]:
    """An app whose database has the given short timeouts (seconds)."""
    from domstadt.web.app import create_app

    short = settings.model_copy(update={f"db_{k}_timeout_seconds": v for k, v in timeouts.items()})
    web = Database(db.url, Timeouts.for_web(short))
    with TestClient(create_app(short, web)) as client:
        yield client
    web.dispose()


@pytest.fixture
def member(db: Database) -> dict[str, str]:
    """Authorization header of a member (who may register organisations)."""
    make_user(db, "lena@example.org")
    return {"Authorization": f"Bearer {make_token(db, 'lena@example.org')}"}


def _assert_busy(response: Response) -> None:
    """503, Retry-After and a German message, in the API's own envelope (native and CKAN:
    ``error.message``; SensorThings: ``message``)."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert "erneut versuchen" in (body.get("error") or body)["message"]


def _locked(db: Database, table: str) -> ExitStack:
    """A second connection holding an ACCESS EXCLUSIVE lock on ``table`` until the exit."""
    stack = ExitStack()
    conn = stack.enter_context(db.engine.connect())
    conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
    stack.callback(conn.rollback)
    return stack


@pg_only
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_lock_timeout_is_503_and_writes_nothing(
    db: Database, settings: Settings, member: dict[str, str]
) -> None:
    """While another connection holds the table lock, reads and writes wait for the lock
    timeout, then answer 503; after the lock is gone the same write succeeds once."""
    for client in _client(settings, db, lock=0.3):
        with _locked(db, "organisation"):
            _assert_busy(client.post("/api/v1/organisations", json=ORGANISATION, headers=member))
            _assert_busy(client.get("/api/v1/organisations"))
        assert client.get("/api/v1/organisations").json() == []
        created = client.post("/api/v1/organisations", json=ORGANISATION, headers=member)
        assert created.status_code == 201


@pg_only
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_statement_timeout_is_503(db: Database, settings: Settings) -> None:
    """Without a lock timeout the statement timeout ends the wait, also as 503."""
    for client in _client(settings, db, lock=0, statement=0.3):
        with _locked(db, "organisation"):
            _assert_busy(client.get("/api/v1/organisations"))


def test_exhausted_pool_is_503(db: Database, settings: Settings) -> None:
    """Every pooled connection is taken (5 + 10 overflow): a request waits for the pool
    timeout and answers 503."""
    for client in _client(settings, db, pool=0.3):
        web: Database = client.app.state.database  # type: ignore[attr-defined]
        with ExitStack() as held:
            for _ in range(15):
                held.enter_context(web.engine.connect())
            _assert_busy(client.get("/api/v1/organisations"))
        assert client.get("/api/v1/organisations").status_code == 200


def test_refused_connection_is_503(db: Database, settings: Settings) -> None:
    """A PostgreSQL server that refuses connections (nothing listens on the port): 503."""
    for client in _client(settings, db):
        down = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/domstadt")
        client.app.state.database = down  # type: ignore[attr-defined]
        _assert_busy(client.get("/api/v1/organisations"))
        _assert_busy(client.get("/sta/v1.1/Things"))
        _assert_busy(client.get("/api/3/action/package_list"))
        down.dispose()
