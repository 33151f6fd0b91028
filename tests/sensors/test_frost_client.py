"""The real frost-sta-client library against a live Domstadt server (uvicorn, free port)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frost_sta_client as fsc
import httpx
import pytest
from requests.exceptions import HTTPError

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import TEST_SECRET, make_token, make_user

COMPLEX = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(db: Database, tmp_path: Path) -> Iterator[str]:
    """A uvicorn process serving the app on the test database; yields its /sta/v1.1 URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DOMSTADT_DATABASE_URL": db.url,
        "DOMSTADT_SECRET_KEY": TEST_SECRET,
        "DOMSTADT_ENVIRONMENT": "test",
        "DOMSTADT_DATA_DIR": str(tmp_path / "data"),
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "domstadt.web.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/sta/v1.1/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                pytest.fail("uvicorn stopped during start-up")
            time.sleep(0.1)
        yield f"{base}/sta/v1.1"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.filterwarnings("ignore:furl.pathstr is deprecated:DeprecationWarning")
def test_frost_client_create_find_query_page_and_bulk(live_server: str, db: Database) -> None:
    make_user(db, "frost@example.org", Role.ADMIN)
    token = make_token(db, "frost@example.org")
    service = fsc.SensorThingsService(
        live_server, auth_handler=fsc.AuthHandler("frost@example.org", token)
    )

    thing = fsc.Thing(
        name="Messstelle Neumarkt", description="Luftqualität", properties={"owner": "Stadt Köln"}
    )
    location = fsc.Location(
        name="Neumarkt",
        description="Platz",
        encoding_type="application/geo+json",
        location={"type": "Point", "coordinates": [6.947, 50.936]},
    )
    thing.locations = [location]
    datastream = fsc.Datastream(
        name="NO2 Neumarkt",
        description="Stickstoffdioxid",
        observation_type="http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
        unit_of_measurement=fsc.UnitOfMeasurement(name="µg/m³", symbol="µg/m³", definition=""),
        sensor=fsc.Sensor(
            name="Passivsammler", description="NO2", encoding_type="text/plain", metadata="-"
        ),
        observed_property=fsc.ObservedProperty(
            name="NO2", definition="https://example.org/no2", description="Stickstoffdioxid"
        ),
    )
    thing.datastreams = [datastream]
    service.create(thing)
    assert isinstance(thing.id, int)

    found = service.things().find(thing.id)
    assert found.name == "Messstelle Neumarkt"
    stream = service.datastreams().query().filter("name eq 'NO2 Neumarkt'").list().get(0)

    for minute in range(3):
        service.create(
            fsc.Observation(
                result=40 + minute,
                phenomenon_time=f"2024-05-01T10:0{minute}:00Z",
                datastream=stream,
            )
        )
    bulk = fsc.DataArrayValue()
    bulk.datastream = stream
    bulk.components = {
        fsc.DataArrayValue.Property.PHENOMENON_TIME,
        fsc.DataArrayValue.Property.RESULT,
    }
    for minute in range(10, 40):
        bulk.add_observation(
            fsc.Observation(
                phenomenon_time=f"2024-05-01T10:{minute}:00Z", result=minute, datastream=stream
            )
        )
    document = fsc.DataArrayDocument()
    document.add_data_array_value(bulk)
    links = service.observations().create(document)
    assert len(links) == 30 and all("Observations(" in o.self_link for o in links)

    high = service.observations().query().filter("result ge 41 and result lt 20").list()
    assert len(list(high)) == 0
    ordered = service.observations().query().filter("result gt 35").orderby("result", "DESC").list()
    assert [o.result for o in ordered] == [42, 41, 40, 39, 38, 37, 36]
    expanded = service.things().query().expand("Datastreams($expand=Observations($top=2))").list()
    assert len(expanded.get(0).datastreams.entities[0].observations.entities) == 2
    paged = service.observations().query().top(7).list()
    assert len({o.id for o in paged}) == 33  # the client follows the absolute next links


def _post(url: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` as plain JSON (optional properties left out, so they are stored null)."""
    response = httpx.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _sparse_thing(live_server: str, token: str) -> dict[str, Any]:
    """A Thing with Location, Datastream, MultiDatastream and Observations, none of them with
    an optional property; answers the Thing with its related entities expanded."""
    measurement = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"
    sensor = {"name": "Zähler", "description": "-", "encodingType": "text/plain", "metadata": "-"}
    prop = {"name": "Anzahl", "definition": "https://example.org/n", "description": "-"}
    thing = _post(
        f"{live_server}/Things",
        token,
        {
            "name": "Zählstelle",
            "description": "ohne Zusatzangaben",
            "Locations": [
                {
                    "name": "Ort",
                    "description": "-",
                    "encodingType": "application/geo+json",
                    "location": {"type": "Point", "coordinates": [6.96, 50.94]},
                }
            ],
            "Datastreams": [
                {
                    "name": "Rad",
                    "description": "-",
                    "observationType": measurement,
                    "unitOfMeasurement": {"name": "Anzahl", "symbol": "", "definition": ""},
                    "Sensor": sensor,
                    "ObservedProperty": prop,
                }
            ],
        },
    )
    link = f"{live_server}/Things({thing['@iot.id']})"
    multi = {
        "name": "Rad und Fuß",
        "description": "-",
        "observationType": COMPLEX,
        "multiObservationDataTypes": [measurement, measurement],
        "unitOfMeasurements": [{"name": "Anzahl", "symbol": "", "definition": ""}] * 2,
        "Sensor": sensor,
        "ObservedProperties": [prop, {**prop, "name": "Fußgänger"}],
    }
    _post(f"{link}/MultiDatastreams", token, multi)
    navs = "Locations,HistoricalLocations,Datastreams($expand=Sensor),MultiDatastreams"
    body: dict[str, Any] = httpx.get(f"{link}?$expand={navs}").json()
    stream = f"{live_server}/Datastreams({body['Datastreams'][0]['@iot.id']})/Observations"
    body["observation"] = _post(stream, token, {"result": 3})
    multi_id = body["MultiDatastreams"][0]["@iot.id"]
    _post(f"{live_server}/MultiDatastreams({multi_id})/Observations", token, {"result": [1, 2]})
    return body


@pytest.mark.filterwarnings("ignore:furl.pathstr is deprecated:DeprecationWarning")
def test_frost_client_reads_every_entity_type_with_null_optional_properties(
    live_server: str, db: Database
) -> None:
    make_user(db, "frost@example.org", Role.ADMIN)
    token = make_token(db, "frost@example.org")
    thing = _sparse_thing(live_server, token)
    service = fsc.SensorThingsService(
        live_server, auth_handler=fsc.AuthHandler("frost@example.org", token)
    )
    daos = {
        "Things": service.things(),
        "Locations": service.locations(),
        "HistoricalLocations": service.historical_locations(),
        "Sensors": service.sensors(),
        "ObservedProperties": service.observed_properties(),
        "Datastreams": service.datastreams(),
        "MultiDatastreams": service.multi_datastreams(),
        "Observations": service.observations(),
        "FeaturesOfInterest": service.features_of_interest(),
    }
    for name, dao in daos.items():
        listed = list(dao.query().list())  # collections: the row plan
        assert listed, name
        assert all(dao.find(item.id).id == item.id for item in listed), name  # one entity
    sensor = service.sensors().find(thing["Datastreams"][0]["Sensor"]["@iot.id"])
    assert sensor.name == "Zähler" and sensor.properties == {}
    stream = service.datastreams().find(thing["Datastreams"][0]["@iot.id"])
    assert stream.properties == {} and stream.observed_area is None and stream.result_time is None
    observation = service.observations().find(thing["observation"]["@iot.id"])
    assert observation.result == 3 and observation.result_time is None
    multi = service.multi_datastreams().find(thing["MultiDatastreams"][0]["@iot.id"])
    assert multi.name == "Rad und Fuß" and multi.observed_area is None
    expanded = (
        service.datastreams()
        .query()
        .expand("Sensor,ObservedProperty,Thing,Observations($expand=FeatureOfInterest)")
        .list()
        .get(0)
    )
    assert expanded.sensor.properties == {} and expanded.observed_property.name == "Anzahl"
    assert expanded.observations.entities[0].feature_of_interest.name


@pytest.mark.filterwarnings("ignore:furl.pathstr is deprecated:DeprecationWarning")
def test_frost_client_meets_the_issue_15_edge_cases(live_server: str, db: Database) -> None:
    """Duplicate rule on the whole phenomenonTime, numeric results compared as text, indexof
    from 1 and a huge id as 404, through frost-sta-client (issue 15)."""
    make_user(db, "frost@example.org", Role.ADMIN)
    token = make_token(db, "frost@example.org")
    service = fsc.SensorThingsService(
        live_server, auth_handler=fsc.AuthHandler("frost@example.org", token)
    )
    thing = fsc.Thing(name="Pegel Rhein", description="Wasserstand")
    thing.datastreams = [
        fsc.Datastream(
            name="Pegel",
            description="cm",
            observation_type="http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
            unit_of_measurement=fsc.UnitOfMeasurement(name="cm", symbol="cm", definition=""),
            sensor=fsc.Sensor(
                name="Lot", description="-", encoding_type="text/plain", metadata="-"
            ),
            observed_property=fsc.ObservedProperty(
                name="Pegel", definition="https://example.org/pegel", description="-"
            ),
        )
    ]
    thing.locations = [
        fsc.Location(
            name="Köln",
            description="Pegel Köln",
            encoding_type="application/geo+json",
            location={"type": "Point", "coordinates": [6.963, 50.937]},
        )
    ]
    service.create(thing)
    stream = service.datastreams().query().filter("name eq 'Pegel'").list().get(0)
    for value, when in enumerate(
        ("2021-06-03T00:00:00Z", "2021-06-03T00:00:00Z/2021-06-03T01:00:00Z"), start=1
    ):
        service.create(fsc.Observation(result=value, phenomenon_time=when, datastream=stream))
    for value in range(3, 13):
        moment = f"2021-06-04T{value:02d}:00:00Z"
        service.create(fsc.Observation(result=value, phenomenon_time=moment, datastream=stream))
    with pytest.raises(HTTPError):  # 409: the same instant again
        service.create(
            fsc.Observation(result=99, phenomenon_time="2021-06-03T00:00:00Z", datastream=stream)
        )
    as_text = service.observations().query().filter("result gt '3'").list()
    assert sorted(o.result for o in as_text) == [4, 5, 6, 7, 8, 9]
    found = service.things().query().filter("indexof(name,'Rhein') eq 7").list()
    assert [t.name for t in found] == ["Pegel Rhein"]
    huge = httpx.get(f"{live_server}/Things(9223372036854775807)")
    assert huge.status_code == 404, huge.text
