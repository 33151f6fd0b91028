"""MultiDatastream extension: array results, ObservedProperties many-to-many, CRUD, navigation."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.sensors.conftest import STA

COMPLEX = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation"
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


def multi_payload(thing_id: int, units: int = 2) -> dict[str, Any]:
    """A MultiDatastream of temperature and humidity on an existing Thing (deep insert)."""
    return {
        "name": "Wetterstation",
        "description": "Temperatur und Feuchte",
        "observationType": COMPLEX,
        "multiObservationDataTypes": [MEASUREMENT, MEASUREMENT],
        "unitOfMeasurements": [
            {"name": "Grad Celsius", "symbol": "°C", "definition": "ucum:Cel"},
            {"name": "Prozent", "symbol": "%", "definition": "ucum:%"},
            {"name": "Pascal", "symbol": "Pa", "definition": "ucum:Pa"},
        ][:units],
        "Thing": {"@iot.id": thing_id},
        "Sensor": {
            "name": "DHT22",
            "description": "Kombisensor",
            "encodingType": "text/plain",
            "metadata": "none",
        },
        "ObservedProperties": [
            {"name": "Temperatur", "definition": "https://example.org/t", "description": "T"},
            {"name": "Feuchte", "definition": "https://example.org/h", "description": "H"},
        ],
    }


def test_create_observe_navigate_update_delete(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    thing = seeded["Segment A"]
    created = client.post(f"{STA}/MultiDatastreams", json=multi_payload(thing), headers=auth)
    assert created.status_code == 201, created.text
    multi = created.json()
    mid = multi["@iot.id"]
    assert created.headers["location"] == multi["@iot.selfLink"]
    assert [u["symbol"] for u in multi["unitOfMeasurements"]] == ["°C", "%"]
    props = client.get(f"{STA}/MultiDatastreams({mid})/ObservedProperties").json()["value"]
    assert [p["name"] for p in props] == ["Temperatur", "Feuchte"]
    obs = client.post(
        f"{STA}/MultiDatastreams({mid})/Observations",
        json={"phenomenonTime": "2014-02-03T10:00:00Z", "result": [3.5, 81]},
        headers=auth,
    )
    assert obs.status_code == 201, obs.text
    oid = obs.json()["@iot.id"]
    assert obs.json()["result"] == [3.5, 81]
    assert client.get(f"{STA}/Observations({oid})/MultiDatastream").json()["@iot.id"] == mid
    foi = client.get(f"{STA}/Observations({oid})/FeatureOfInterest").json()
    assert foi["feature"]["coordinates"] == [6.95, 50.94]
    linked = {
        "result": [4, 80],
        "phenomenonTime": "2014-02-03T11:00:00Z",
        "MultiDatastream": {"@iot.id": mid},
    }
    assert client.post(f"{STA}/Observations", json=linked, headers=auth).status_code == 201
    expanded = client.get(
        f"{STA}/Things({thing})",
        params={"$expand": "MultiDatastreams($expand=Observations($orderby=phenomenonTime))"},
    ).json()
    results = [o["result"] for o in expanded["MultiDatastreams"][0]["Observations"]]
    assert results == [[3.5, 81], [4, 80]]
    op_id = props[0]["@iot.id"]
    back = client.get(f"{STA}/ObservedProperties({op_id})/MultiDatastreams").json()["value"]
    assert [m["@iot.id"] for m in back] == [mid]
    named = client.get(
        f"{STA}/Things", params={"$filter": "MultiDatastreams/name eq 'Wetterstation'"}
    ).json()["value"]
    assert [t["@iot.id"] for t in named] == [thing]
    patched = client.patch(
        f"{STA}/MultiDatastreams({mid})", json={"name": "Station Dom"}, headers=auth
    )
    assert patched.status_code == 200 and patched.json()["name"] == "Station Dom"
    assert client.delete(f"{STA}/MultiDatastreams({mid})", headers=auth).status_code == 200
    assert client.get(f"{STA}/Observations({oid})").status_code == 404
    landing = client.get(STA).json()
    assert "MultiDatastreams" in {v["name"] for v in landing["value"]}
    conformance = landing["serverSettings"]["conformance"]
    assert any(c.endswith("/multi-datastream") for c in conformance)


def test_bad_multi_datastreams_and_results_write_nothing(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    thing = seeded["Segment A"]
    uneven = client.post(f"{STA}/MultiDatastreams", json=multi_payload(thing, 3), headers=auth)
    assert uneven.status_code == 400
    assert "Anzahlen müssen gleich sein" in uneven.json()["message"]
    assert client.get(f"{STA}/MultiDatastreams").json()["value"] == []
    assert client.get(f"{STA}/Sensors", params={"$filter": "name eq 'DHT22'"}).json()["value"] == []
    mid = client.post(f"{STA}/MultiDatastreams", json=multi_payload(thing), headers=auth).json()[
        "@iot.id"
    ]
    url = f"{STA}/MultiDatastreams({mid})/Observations"
    for result in (5, [1, 2, 3]):
        bad = client.post(url, json={"result": result}, headers=auth)
        assert bad.status_code == 400
        assert "eine Liste mit 2 Werten" in bad.json()["message"]
    both = {"result": [1, 2], "Datastream": {"@iot.id": seeded["ds"]}}
    mixed = client.post(url, json=both, headers=auth)
    assert mixed.status_code == 400 and "Datastream" in mixed.json()["message"]
    assert client.get(url).json()["value"] == []


def test_observed_properties_keep_the_order_of_the_request(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    # req/multi-datastream/constraints: the order of ObservedProperties matches the order of
    # unitOfMeasurements, multiObservationDataTypes and every result array
    existing = client.get(f"{STA}/Datastreams({seeded['ds']})/ObservedProperty").json()["@iot.id"]
    payload = multi_payload(seeded["Segment A"])
    payload["ObservedProperties"][1] = {"@iot.id": existing}  # new first, existing second
    created = client.post(f"{STA}/MultiDatastreams", json=payload, headers=auth)
    assert created.status_code == 201, created.text
    mid = created.json()["@iot.id"]
    props = client.get(f"{STA}/MultiDatastreams({mid})/ObservedProperties").json()["value"]
    assert [p["name"] for p in props] == ["Temperatur", "Auslastung"]
    expanded = client.get(f"{STA}/MultiDatastreams({mid})?$expand=ObservedProperties").json()
    assert [p["name"] for p in expanded["ObservedProperties"]] == ["Temperatur", "Auslastung"]
    reordered = {
        "ObservedProperties": [{"@iot.id": props[1]["@iot.id"]}, {"@iot.id": props[0]["@iot.id"]}]
    }
    patched = client.patch(f"{STA}/MultiDatastreams({mid})", json=reordered, headers=auth)
    assert patched.status_code == 200, patched.text
    again = client.get(f"{STA}/MultiDatastreams({mid})/ObservedProperties").json()["value"]
    assert [p["name"] for p in again] == ["Auslastung", "Temperatur"]
