"""Redis gone (issue 16): with DOMSTADT_REDIS_URL pointing where nothing answers, pages and
APIs keep serving; an action that queues a job says the job did not start (503 with
Retry-After), never a 500; /readyz names Redis while /livez stays 200."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from domstadt.catalog import harvest_service, tasks
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.jobs import make_huey
from tests.catalog.harvest_servers import LOOPBACK
from tests.conftest import csrf_of, login, make_user
from tests.live import free_port

ADMIN = "ops@stadt-koeln.de"


@pytest.fixture
def dead_redis(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[str]:
    """A Redis URL where nothing listens, used by the settings and by the harvest job queue."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    # the process-wide queue (read from the environment at import) gets a Redis store there
    monkeypatch.setattr(tasks.huey, "storage", make_huey(Settings(redis_url=url)).storage)
    yield url


@pytest.fixture
def gone(settings: Settings, db: Database, dead_redis: str) -> Iterator[TestClient]:
    from domstadt.web.app import create_app

    with TestClient(create_app(settings.model_copy(update={"redis_url": dead_redis}), db)) as c:
        yield c


def test_pages_serve_and_a_queued_action_says_it_did_not_start(
    gone: TestClient, db: Database
) -> None:
    make_user(db, ADMIN, Role.ADMIN)
    with db.session() as session:
        harvest_service.source_create(
            session,
            actor=system_actor("tests"),
            name="stadtplan",
            url="http://127.0.0.1:9/data.json",
            type="dkan",
            outbound=LOOPBACK,
        )
    for path in ("/", "/massnahmen", "/api/v1/measures", "/daten", "/sta/v1.1/Things"):
        assert gone.get(path).status_code == 200, path
    login(gone, ADMIN)
    token = csrf_of(gone, "/daten/harvest")
    run = gone.post("/daten/harvest/stadtplan/run", data={"csrf_token": token})
    assert run.status_code == 503, run.text[:500]
    assert run.headers["retry-after"] == "5"
    assert "nicht gestartet" in run.text and "text/html" in run.headers["content-type"]
    assert gone.get("/daten/harvest").status_code == 200  # the page still serves

    ready = gone.get("/readyz")
    assert ready.status_code == 503 and ready.json()["not_ready"] == ["redis"]
    assert gone.get("/livez").status_code == 200
