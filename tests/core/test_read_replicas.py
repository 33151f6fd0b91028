"""Issue 16: anonymous reads of public data (SensorThings, CKAN, DCAT) go to a PostgreSQL
streaming replica (``DOMSTADT_DATABASE_REPLICA_URLS``); everyone who sends credentials or is
signed in reads from the primary, so whoever wrote reads their writes; a replica that does not
answer is skipped. Tested against a real replica: a second cluster made by ``pg_basebackup``
from a primary of the test's own, streaming."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.config import Settings
from domstadt.core.db import Database, Timeouts
from domstadt.core.migrate import upgrade
from tests import pg_cluster
from tests.conftest import TEST_SECRET, make_token, make_user
from tests.sensors.conftest import STA, thing_payload

pytestmark = pytest.mark.skipif(bool(pg_cluster.available()), reason=pg_cluster.available())


@pytest.fixture
def clusters() -> Iterator[tuple[pg_cluster.Cluster, pg_cluster.Cluster]]:
    root = Path(tempfile.mkdtemp(prefix="domstadt-pg-"))
    root.chmod(0o755)  # the postgres user must reach both clusters below it
    try:
        with pg_cluster.cluster(root / "primary") as primary:
            setup = Database(primary.url)
            upgrade(setup)
            make_user(setup, "anna@example.org", role=Role.ADMIN)
            setup.dispose()
            standby = pg_cluster.Cluster.standby_of(primary, root / "standby")
            standby.start()
            try:
                yield primary, standby
            finally:
                with contextlib.suppress(subprocess.CalledProcessError):
                    standby.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _on_standby(standby: pg_cluster.Cluster, name: str) -> bool:
    engine = create_engine(standby.url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM sta_thing WHERE name = :n"), {"n": name}
            )
            return bool(found.scalar())
    finally:
        engine.dispose()


def test_anonymous_reads_use_the_replica_and_writers_read_their_writes(
    clusters: tuple[pg_cluster.Cluster, pg_cluster.Cluster], tmp_path: Path
) -> None:
    from domstadt.web.app import create_app

    primary, standby = clusters
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=primary.url,
        database_replica_urls=standby.url,
        secret_key=TEST_SECRET,
    )  # type: ignore[arg-type]
    database = Database(primary.url, Timeouts.for_web(settings), settings.replica_url_list)
    token = make_token(database, "anna@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    try:
        with TestClient(create_app(settings, database)) as client:
            made = client.post(f"{STA}/Things", json=thing_payload("Pegel Rheinufer"), headers=auth)
            assert made.status_code == 201, made.text
            own = client.get(f"{STA}/Things({made.json()['@iot.id']})", headers=auth)
            assert own.status_code == 200  # the writer reads it at once: from the primary
            assert database.reads["replica"] == 0
            deadline = time.monotonic() + 30
            while not _on_standby(standby, "Pegel Rheinufer") and time.monotonic() < deadline:
                time.sleep(0.1)
            names = [t["name"] for t in client.get(f"{STA}/Things").json()["value"]]
            assert names == ["Pegel Rheinufer"] and database.reads["replica"] == 1
            ckan = client.get("/api/3/action/package_search?rows=1")
            assert ckan.status_code == 200 and ckan.json()["success"] is True
            # a text search feeds the process's text index from the replica's change log
            ckan = client.get("/api/3/action/package_search?q=Pegel&rows=1")
            assert ckan.status_code == 200 and ckan.json()["result"]["count"] == 0
            assert client.get("/catalog.ttl").status_code == 200
            assert database.reads["replica"] == 4
            client.get(f"{STA}/Things", headers=auth)
            assert database.reads["replica"] == 4  # credentials: the primary
            metrics = client.get("/metrics").text
            assert 'domstadt_db_read_sessions_total{target="replica"} 4.0' in metrics
            standby.stop("fast")
            still = client.get(f"{STA}/Things")  # the replica is gone: the primary answers
            assert still.status_code == 200 and len(still.json()["value"]) == 1
            assert database.reads["primary"] == 1 and database.reads["replica"] == 4
    finally:
        database.dispose()
