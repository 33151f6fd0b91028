"""A small, varied database for the fuzzers: the demo's departments, people, measures and
feedback, datasets with a DataStore table and a GeoJSON file, sensor entities with
Observations at the limits of the calendar, and an admin's API token. Fuzzed requests then
reach real records (and the code paths behind a 404) instead of an empty database."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from starlette.testclient import TestClient

from domstadt.catalog import distribution_service, service
from domstadt.catalog.schemas import DatasetCreate, DistributionCreate
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.demo import core, feedback, masterplan
from tests.conftest import make_token, make_user
from tests.sensors.conftest import thing_payload

ADMIN = "fuzz.admin@example.org"
STA = "/sta/v1.1"
# Times a sensor may send that sit at the edges of what a datetime can hold.
EDGE_TIMES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-29T02:30:00+02:00"]
SEGMENTS = "koeln_traffic_street_segments.geojson"
TABLE = b"stadtbezirk;jahr;wert;notiz\nInnenstadt;2024;12,5;\nKalk;2025;7;x\nPorz;2023;;\n"


@dataclass
class Seeded:
    """What the seed made: the admin's token and the ids fuzzers should aim at."""

    admin_token: str
    resource_id: str
    dataset_name: str


def seed(db: Database, settings: Settings, client: TestClient) -> Seeded:
    """Fill ``db`` through the services (and the SensorThings API) for a fuzz run."""
    actor = system_actor("fuzz")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
        feedback.load(session, actor)
        resource_id = _catalog(session, actor, settings)
        session.commit()
    make_user(db, ADMIN, Role.ADMIN)
    token = make_token(db, ADMIN)
    _sensors(client, {"Authorization": f"Bearer {token}"})
    return Seeded(admin_token=token, resource_id=resource_id, dataset_name="fuzz-tabelle")


def _catalog(session: Any, actor: Any, settings: Settings) -> str:
    """A public dataset with a CSV (DataStore) and a GeoJSON file, and a restricted one."""
    service.dataset_create(
        session,
        actor=actor,
        data=DatasetCreate(
            name="fuzz-tabelle", title="Fuzz-Tabelle", department_code="69", keywords=["Fuzz"]
        ),
    )
    service.dataset_create(
        session,
        actor=actor,
        data=DatasetCreate(
            name="fuzz-intern",
            title="Interne Tabelle",
            department_code="57",
            access_rights="NON_PUBLIC",
            restriction_reason="personal_data",
        ),
    )
    segments = (
        resources.files("domstadt.catalog") / "data" / "koeln_traffic_street_segments.geojson"
    )
    files = [("werte.csv", TABLE), ("abschnitte.geojson", segments.read_bytes())]
    created = [
        distribution_service.distribution_create(
            session,
            actor=actor,
            dataset="fuzz-tabelle",
            data=DistributionCreate(title=name),
            data_dir=settings.data_dir,
            upload=(name, content),
        )
        for name, content in files
    ]
    return created[0].id


def _sensors(client: TestClient, auth: dict[str, str]) -> None:
    """Two Things with a Datastream each and Observations, some at the calendar's edges."""
    for name in ("Zählstelle Deutz", "Zählstelle Ehrenfeld"):
        response = client.post(f"{STA}/Things", json=thing_payload(name), headers=auth)
        assert response.status_code == 201, response.text
    stream = client.get(f"{STA}/Datastreams?$top=1&$select=id", headers=auth).json()
    stream_id = stream["value"][0]["@iot.id"]
    times = ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", *EDGE_TIMES]
    for number, time in enumerate(times):
        body = {
            "phenomenonTime": time,
            "result": number * 1.5,
            "Datastream": {"@iot.id": stream_id},
        }
        response = client.post(f"{STA}/Observations", json=body, headers=auth)
        assert response.status_code == 201, response.text
