"""The whole demo looks alive: every dataset has a real file that downloads with a preview
(table or map), the time series a chart; two frozen reports with changes between them; every
measure screened, with differing results; the traffic series ends within the last day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.db import Database
from domstadt.demo import catalog as demo_catalog
from domstadt.demo.loader import LOADERS
from tests.demo_snapshot import DemoSnapshot
from tests.sensors.conftest import STA

CHARTS = {"verkehrslage-strassen", "wetter-koeln-bonn", "arbeitslose-koeln"}


@pytest.fixture
def demo(
    request: pytest.FixtureRequest,
    db: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    """The full demo in this test's database (files under its data dir): on SQLite a copy of
    the run's snapshot, loaded by `domstadt demo load` (tests/demo_snapshot.py); on PostgreSQL
    loaded here through the loaders."""
    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        if db.dialect == "sqlite":
            snapshot: DemoSnapshot = request.getfixturevalue("demo_snapshot")
            snapshot.copy_into(db, settings.data_dir)
        else:
            with db.session() as session:
                for _name, loader in LOADERS:
                    loader(session, system_actor("demo"))
        yield
    finally:
        get_settings.cache_clear()


def _dataset_checks(client: TestClient, name: str) -> bool:
    """Assert a downloadable original file and a preview; True when the page has a chart."""
    package = client.get("/api/3/action/package_show", params={"id": name}).json()["result"]
    originals = [r for r in package["resources"] if r["url"]]
    assert originals, f"{name}: keine Datei"
    body = client.get(originals[0]["url"].replace("http://testserver", "")).content
    assert len(body) > 100, f"{name}: Download leer"
    page = client.get(f"/daten/{name}")
    assert page.status_code == 200
    assert "<caption>" in page.text or 'id="catalog-map"' in page.text, f"{name}: keine Vorschau"
    return 'id="catalog-chart"' in page.text


def _datasets(client: TestClient) -> None:
    names = [d["name"] for d in demo_catalog.DATASETS] + [demo_catalog.ELECTION]
    charted = {name for name in names if _dataset_checks(client, name)}
    assert charted == CHARTS


def _reports(client: TestClient) -> None:
    reports = client.get("/api/v1/reports").json()
    assert len(reports) == 2
    newest = client.get(f"/api/v1/reports/{reports[0]['id']}").json()
    assert newest["previous_id"] == reports[1]["id"]
    changed = {c["code"]: c["changes"] for c in newest["changes"] if c["kind"] == "changed"}
    assert changed["DV-02"]["progress"] == [60, 75]
    assert len(changed) >= 5
    assert "DV-02" in client.get(f"/berichte/{newest['id']}").text


def _screenings(client: TestClient) -> None:
    coverage = client.get("/api/v1/screening/coverage").json()
    assert coverage["measures"] == coverage["screened"] == 27
    measures = client.get("/api/v1/measures", params={"per_page": 100}).json()["items"]
    levels = set()
    for measure in measures:
        shown = client.get(f"/api/v1/measures/{measure['id']}/screening").json()
        levels.add((shown["effective"]["risk_level"], shown["effective"]["recommendation"]))
    assert len(levels) >= 4


def _traffic(client: TestClient) -> None:
    streams = client.get(
        f"{STA}/Datastreams",
        params={"$filter": "startswith(name, 'Verkehrsauslastung')", "$top": "3"},
    ).json()["value"]
    for stream in streams:
        latest = client.get(
            f"{STA}/Datastreams({stream['@iot.id']})/Observations",
            params={"$orderby": "phenomenonTime desc", "$top": "1"},
        ).json()["value"][0]
        moment = dt.datetime.fromisoformat(latest["phenomenonTime"].replace("Z", "+00:00"))
        age = dt.datetime.now(dt.UTC) - moment
        assert dt.timedelta(0) <= age < dt.timedelta(days=1), (stream["name"], moment)


def test_demo_looks_alive(client: TestClient, demo: None) -> None:
    """One load of the whole demo (it takes seconds), then every promise of issue 13."""
    _datasets(client)
    _reports(client)
    _screenings(client)
    _traffic(client)
