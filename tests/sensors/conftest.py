"""Fixtures of the sensors tests: an admin's token and a small SensorThings data set."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user

STA = "/sta/v1.1"


@pytest.fixture
def auth(db: Database) -> dict[str, str]:
    """Authorization header of an admin's API token."""
    make_user(db, "sensoren@example.org", Role.ADMIN)
    return {"Authorization": f"Bearer {make_token(db, 'sensoren@example.org')}"}


def thing_payload(name: str = "Segment A", owner: str = "Stadt Köln") -> dict[str, Any]:
    """A Thing with a Location and one Datastream (deep insert)."""
    return {
        "name": name,
        "description": "Straßenabschnitt",
        "properties": {"owner": owner, "lanes": 2},
        "Locations": [
            {
                "name": f"{name} Ort",
                "description": "Mitte",
                "encodingType": "application/geo+json",
                "location": {"type": "Point", "coordinates": [6.95, 50.94]},
            }
        ],
        "Datastreams": [
            {
                "name": f"{name} Auslastung",
                "description": "Verkehrsauslastung",
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                "unitOfMeasurement": {"name": "Stufe", "symbol": "", "definition": ""},
                "Sensor": {
                    "name": "Induktionsschleife",
                    "description": "Schleife",
                    "encodingType": "text/plain",
                    "metadata": "none",
                },
                "ObservedProperty": {
                    "name": "Auslastung",
                    "definition": "https://example.org/load",
                    "description": "Verkehrslast",
                },
            }
        ],
    }


@pytest.fixture
def seeded(client: TestClient, auth: dict[str, str]) -> dict[str, int]:
    """Two Things with a Datastream each and 12 observations on the first."""
    ids: dict[str, int] = {}
    for name, owner in (("Segment A", "Stadt Köln"), ("Segment B", "Land NRW")):
        response = client.post(f"{STA}/Things", json=thing_payload(name, owner), headers=auth)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["@iot.id"]
    ds = client.get(f"{STA}/Things({ids['Segment A']})/Datastreams").json()["value"][0]
    ids["ds"] = ds["@iot.id"]
    rows = [[f"2014-02-03T00:{5 * i:02d}:00Z", i * 10] for i in range(12)]
    body = [
        {
            "Datastream": {"@iot.id": ids["ds"]},
            "components": ["phenomenonTime", "result"],
            "dataArray": rows,
        }
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return ids
