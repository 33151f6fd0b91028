"""SensorThings write rules of OGC 18-088 checked through the HTTP API: delete cascades
(§10.4, Table 25), ignored ids in updates (§10.3), Datastream time spans that every way of
creating an Observation widens, and messages that name the actual problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.sensors.conftest import STA, thing_payload
from tests.sensors.test_multi_datastream import multi_payload

Auth = dict[str, str]


def _count(client: TestClient, path: str) -> int:
    return int(client.get(f"{STA}/{path}?$count=true&$top=0").json()["@iot.count"])


def _ids(client: TestClient, path: str) -> list[int]:
    return [e["@iot.id"] for e in client.get(f"{STA}/{path}").json()["value"]]


def _created(client: TestClient, path: str, body: Any, auth: Auth) -> int:
    response = client.post(f"{STA}/{path}", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return int(response.json()["@iot.id"])


def _location(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": "Ort",
        "encodingType": "application/geo+json",
        "location": {"type": "Point", "coordinates": [7.0, 50.9]},
    }


# --- §10.4 Table 25: integrity constraints when deleting an entity --------------------------


def test_deleting_a_location_deletes_the_historical_locations_linked_to_it(
    client: TestClient, seeded: dict[str, int], auth: Auth
) -> None:
    thing_a, thing_b = seeded["Segment A"], seeded["Segment B"]
    location_b = _ids(client, f"Things({thing_b})/Locations")[0]
    moved = client.patch(
        f"{STA}/Things({thing_a})", json={"Locations": [{"@iot.id": location_b}]}, headers=auth
    )
    assert moved.status_code == 200
    kept = _ids(client, f"Things({thing_a})/HistoricalLocations")
    assert len(kept) == 2 and len(_ids(client, f"Locations({location_b})/HistoricalLocations")) == 2
    assert client.delete(f"{STA}/Locations({location_b})", headers=auth).status_code == 200
    # Thing A keeps the HistoricalLocation of its first Location, Thing B has none left
    remaining = _ids(client, f"Things({thing_a})/HistoricalLocations")
    assert len(remaining) == 1 and remaining[0] in kept
    assert _ids(client, f"Things({thing_b})/HistoricalLocations") == []
    assert _count(client, "HistoricalLocations") == 1


def test_a_historical_location_with_further_locations_goes_too(
    client: TestClient, auth: Auth
) -> None:
    # Table 25 says "all the HistoricalLocation entities linked to the Location", not only
    # those left without a Location.
    thing = {"name": "Bus", "description": "fährt", "Locations": [_location("A"), _location("B")]}
    thing_id = _created(client, "Things", thing, auth)
    first, second = _ids(client, f"Things({thing_id})/Locations")
    history = _ids(client, f"Things({thing_id})/HistoricalLocations")
    assert len(history) == 1
    assert sorted(_ids(client, f"HistoricalLocations({history[0]})/Locations")) == [first, second]
    assert client.delete(f"{STA}/Locations({first})", headers=auth).status_code == 200
    assert _count(client, "HistoricalLocations") == 0
    assert _ids(client, f"Things({thing_id})/Locations") == [second]


def _world(client: TestClient, seeded: dict[str, int], auth: Auth) -> dict[str, int]:
    """Ids of the seeded Thing A with its Datastream, Sensor, ObservedProperty, Location,
    HistoricalLocation, FeatureOfInterest and first Observation, and of a MultiDatastream
    with an Observation on the same Thing, Sensor and ObservedProperty."""
    thing, ds = seeded["Segment A"], seeded["ds"]
    sensor = client.get(f"{STA}/Datastreams({ds})/Sensor").json()["@iot.id"]
    prop = client.get(f"{STA}/Datastreams({ds})/ObservedProperty").json()["@iot.id"]
    payload = multi_payload(thing)
    payload["Sensor"] = {"@iot.id": sensor}
    payload["ObservedProperties"][0] = {"@iot.id": prop}
    multi = _created(client, "MultiDatastreams", payload, auth)
    _created(client, f"MultiDatastreams({multi})/Observations", {"result": [1, 2]}, auth)
    first = _ids(client, f"Datastreams({ds})/Observations?$orderby=id")[0]
    feature = client.get(f"{STA}/Observations({first})/FeatureOfInterest").json()["@iot.id"]
    return {
        "Things": thing,
        "Datastreams": ds,
        "MultiDatastreams": multi,
        "Sensors": sensor,
        "ObservedProperties": prop,
        "Locations": _ids(client, f"Things({thing})/Locations")[0],
        "HistoricalLocations": _ids(client, f"Things({thing})/HistoricalLocations")[0],
        "FeaturesOfInterest": feature,
        "Observations": first,
    }


TABLE_25: dict[str, tuple[list[str], list[str]]] = {
    # deleted entity set: (what must go with it, what must stay)
    "Things": (
        ["Datastreams", "HistoricalLocations", "MultiDatastreams", "Observations"],
        ["Locations", "Sensors", "ObservedProperties", "FeaturesOfInterest"],
    ),
    "Locations": (["HistoricalLocations"], ["Things", "Datastreams", "FeaturesOfInterest"]),
    "Datastreams": (["Observations"], ["Things", "Sensors", "ObservedProperties"]),
    "Sensors": (["Datastreams", "MultiDatastreams", "Observations"], ["Things"]),
    # MultiDatastreams go too: without the ObservedProperty they no longer match their
    # unitOfMeasurements (req/multi-datastream/constraints)
    "ObservedProperties": (["Datastreams", "MultiDatastreams", "Observations"], ["Sensors"]),
    "Observations": ([], ["Datastreams", "FeaturesOfInterest"]),
    "FeaturesOfInterest": (["Observations"], ["Datastreams", "Locations"]),
    "HistoricalLocations": ([], ["Things", "Locations"]),
}


@pytest.mark.parametrize("deleted", sorted(TABLE_25))
def test_deletes_cascade_as_table_25_says(
    client: TestClient, seeded: dict[str, int], auth: Auth, deleted: str
) -> None:
    world = _world(client, seeded, auth)
    assert client.delete(f"{STA}/{deleted}({world[deleted]})", headers=auth).status_code == 200
    assert client.get(f"{STA}/{deleted}({world[deleted]})").status_code == 404
    gone, kept = TABLE_25[deleted]
    for entity_set in gone:
        status = client.get(f"{STA}/{entity_set}({world[entity_set]})").status_code
        assert status == 404, f"{entity_set} should go with {deleted}"
    for entity_set in kept:
        status = client.get(f"{STA}/{entity_set}({world[entity_set]})").status_code
        assert status == 200, f"{entity_set} should stay after deleting {deleted}"


# --- (Multi)Datastream phenomenonTime / resultTime ------------------------------------------

PHENOMENON, RESULT = "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"


def _empty_datastream(client: TestClient, seeded: dict[str, int], auth: Auth) -> int:
    ds = client.get(f"{STA}/Datastreams({seeded['ds']})?$expand=Sensor,ObservedProperty").json()
    body = {
        **{k: ds[k] for k in ("name", "description", "observationType", "unitOfMeasurement")},
        "Sensor": {"@iot.id": ds["Sensor"]["@iot.id"]},
        "ObservedProperty": {"@iot.id": ds["ObservedProperty"]["@iot.id"]},
    }
    return _created(client, f"Things({seeded['Segment A']})/Datastreams", body, auth)


def _lean(client: TestClient, ds: int, auth: Auth) -> int:
    body = {"phenomenonTime": PHENOMENON, "resultTime": RESULT, "result": 1}
    return _created(client, "Observations", {**body, "Datastream": {"@iot.id": ds}}, auth)


def _generic(client: TestClient, ds: int, auth: Auth) -> int:
    body = {"phenomenonTime": PHENOMENON, "resultTime": RESULT, "result": 1, "resultQuality": "ok"}
    return _created(client, "Observations", {**body, "Datastream": {"@iot.id": ds}}, auth)


def _navigation(client: TestClient, ds: int, auth: Auth) -> int:
    body = {"phenomenonTime": PHENOMENON, "resultTime": RESULT, "result": 1}
    return _created(client, f"Datastreams({ds})/Observations", body, auth)


def _batch(client: TestClient, ds: int, auth: Auth) -> int:
    body = {"phenomenonTime": PHENOMENON, "resultTime": RESULT, "result": 1}
    request = {"id": "o", "method": "post", "url": f"Datastreams({ds})/Observations", "body": body}
    response = client.post(f"{STA}/$batch", json={"requests": [request]}, headers=auth)
    assert response.json()["responses"][0]["status"] == 201, response.text
    return int(response.json()["responses"][0]["body"]["@iot.id"])


def _bulk(client: TestClient, ds: int, auth: Auth) -> int:
    group = {
        "Datastream": {"@iot.id": ds},
        "components": ["phenomenonTime", "resultTime", "result"],
        "dataArray": [[PHENOMENON, RESULT, 1]],
    }
    response = client.post(f"{STA}/CreateObservations", json=[group], headers=auth)
    assert response.status_code == 201 and not response.json()[0].startswith("error")
    return int(response.json()[0].rpartition("(")[2].rstrip(")"))


def _patched(client: TestClient, ds: int, auth: Auth) -> int:
    obs = _created(client, f"Datastreams({ds})/Observations", {"result": 1}, auth)
    body = {"phenomenonTime": PHENOMENON, "resultTime": RESULT}
    assert client.patch(f"{STA}/Observations({obs})", json=body, headers=auth).status_code == 200
    return obs


def _spans(client: TestClient, path: str) -> tuple[Any, Any]:
    stream = client.get(f"{STA}/{path}").json()
    return stream.get("phenomenonTime"), stream.get("resultTime")


@pytest.mark.parametrize("write", [_lean, _generic, _navigation, _batch, _bulk, _patched])
def test_every_way_of_writing_an_observation_widens_the_datastream(
    client: TestClient,
    seeded: dict[str, int],
    auth: Auth,
    write: Callable[[TestClient, int, Auth], int],
) -> None:
    ds = _empty_datastream(client, seeded, auth)
    assert _spans(client, f"Datastreams({ds})") == (None, None)
    write(client, ds, auth)
    spans = _spans(client, f"Datastreams({ds})")
    if write is _patched:  # the first phenomenonTime (now) stays inside the span
        assert spans[0].startswith(PHENOMENON + "/") and spans[1] == RESULT
    else:
        assert spans == (PHENOMENON, RESULT)


def test_deep_inserted_observations_widen_their_datastream(client: TestClient, auth: Auth) -> None:
    payload = thing_payload()
    payload["Datastreams"][0]["Observations"] = [
        {"phenomenonTime": "2020-01-01T00:00Z", "result": 1, "resultTime": RESULT},
        {"phenomenonTime": "2020-01-03T00:00Z", "result": 2},
    ]
    thing = _created(client, "Things", payload, auth)
    ds = _ids(client, f"Things({thing})/Datastreams")[0]
    assert _spans(client, f"Datastreams({ds})") == (f"{PHENOMENON}/2020-01-03T00:00:00Z", RESULT)


def test_deep_inserted_observations_widen_their_multi_datastream(
    client: TestClient, seeded: dict[str, int], auth: Auth
) -> None:
    payload = multi_payload(seeded["Segment A"])
    payload["Observations"] = [
        {"phenomenonTime": PHENOMENON, "resultTime": RESULT, "result": [1, 2]}
    ]
    multi = _created(client, "MultiDatastreams", payload, auth)
    assert _spans(client, f"MultiDatastreams({multi})") == (PHENOMENON, RESULT)
    patched = client.patch(
        f"{STA}/Observations({_ids(client, f'MultiDatastreams({multi})/Observations')[0]})",
        json={"phenomenonTime": "2020-01-05T00:00:00Z"},
        headers=auth,
    )
    assert patched.status_code == 200
    assert _spans(client, f"MultiDatastreams({multi})")[0] == (f"{PHENOMENON}/2020-01-05T00:00:00Z")


def test_updates_keep_multi_datastreams_and_their_observations_consistent(
    client: TestClient, seeded: dict[str, int], auth: Auth
) -> None:
    multi = _created(client, "MultiDatastreams", multi_payload(seeded["Segment A"]), auth)
    obs = _created(client, f"MultiDatastreams({multi})/Observations", {"result": [1, 2]}, auth)
    props = _ids(client, f"MultiDatastreams({multi})/ObservedProperties")
    unit = {"name": "Grad Celsius", "symbol": "°C", "definition": "ucum:Cel"}
    refused = {
        f"MultiDatastreams({multi})": [
            ({"ObservedProperties": [{"@iot.id": props[0]}]}, "Anzahlen müssen gleich sein"),
            ({"unitOfMeasurements": [unit]}, "Anzahlen müssen gleich sein"),
        ],
        f"Observations({obs})": [
            ({"result": 5}, "eine Liste mit 2 Werten"),
            ({"Datastream": {"@iot.id": seeded["ds"]}}, "beide angegeben"),
        ],
    }
    for path, bodies in refused.items():
        for body, message in bodies:
            response = client.patch(f"{STA}/{path}", json=body, headers=auth)
            assert response.status_code == 400 and message in response.json()["message"], body
    assert _ids(client, f"MultiDatastreams({multi})/ObservedProperties") == props
    assert client.get(f"{STA}/Observations({obs})").json()["result"] == [1, 2]
    assert client.get(f"{STA}/Observations({obs})/Datastream").status_code == 404


# --- §10.3: the service ignores the entity id in an update ----------------------------------


def test_an_id_in_an_update_is_ignored(
    client: TestClient, seeded: dict[str, int], auth: Auth
) -> None:
    thing = seeded["Segment A"]
    url = f"{STA}/Things({thing})"
    patched = client.patch(url, json={"@iot.id": 999, "name": "Neu"}, headers=auth)
    assert patched.status_code == 200, patched.text
    assert patched.json()["@iot.id"] == thing and patched.json()["name"] == "Neu"
    put = client.put(url, json={"@iot.id": 998, "name": "X", "description": "Y"}, headers=auth)
    assert put.status_code == 200, put.text
    assert put.json()["@iot.id"] == thing and put.json()["description"] == "Y"
    assert client.get(f"{STA}/Things(999)").status_code == 404
    assert client.get(f"{STA}/Things(998)").status_code == 404
    # JSON Patch: a change of /@iot.id is ignored the same way, a test of it compares
    headers = {**auth, "Content-Type": "application/json-patch+json"}
    ops = [
        {"op": "test", "path": "/@iot.id", "value": thing},
        {"op": "replace", "path": "/@iot.id", "value": 999},
        {"op": "replace", "path": "/name", "value": "Neu"},
    ]
    json_patched = client.patch(url, content=json.dumps(ops), headers=headers)
    assert json_patched.status_code == 200, json_patched.text
    assert json_patched.json()["@iot.id"] == thing and json_patched.json()["name"] == "Neu"
    wrong = [{"op": "test", "path": "/@iot.id", "value": thing + 1}]
    refused = client.patch(url, content=json.dumps(wrong), headers=headers)
    assert refused.status_code == 400 and "JSON-Patch" in refused.json()["message"]


# --- messages --------------------------------------------------------------------------------


def test_an_observation_with_datastream_and_multi_datastream_is_told_so(
    client: TestClient, seeded: dict[str, int], auth: Auth
) -> None:
    multi = _created(client, "MultiDatastreams", multi_payload(seeded["Segment A"]), auth)
    body = {
        "result": [1, 2],
        "Datastream": {"@iot.id": seeded["ds"]},
        "MultiDatastream": {"@iot.id": multi},
    }
    response = client.post(f"{STA}/Observations", json=body, headers=auth)
    assert response.status_code == 400
    message = response.json()["message"]
    assert "beide angegeben" in message and "fehlt" not in message


def test_json_patch_replaces_and_a_batch_reads_a_null_property(
    client: TestClient, auth: Auth
) -> None:
    # answers leave null optional properties out; JSON Patch and $batch still address them
    sensor = {"name": "S", "description": "d", "encodingType": "text/plain", "metadata": "-"}
    sensor_id = _created(client, "Sensors", sensor, auth)
    batch = {"requests": [{"id": "r", "method": "get", "url": f"Sensors({sensor_id})/properties"}]}
    answer = client.post(f"{STA}/$batch", json=batch, headers=auth).json()
    assert answer["responses"][0]["status"] == 204
    operations = [{"op": "replace", "path": "/properties", "value": {"k": 1}}]
    headers = {**auth, "Content-Type": "application/json-patch+json"}
    patched = client.patch(
        f"{STA}/Sensors({sensor_id})", content=json.dumps(operations), headers=headers
    )
    assert patched.status_code == 200, patched.text
    assert client.get(f"{STA}/Sensors({sensor_id})").json()["properties"] == {"k": 1}


MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"
COMPLEX = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation"


def test_a_multi_datastream_is_a_complex_observation(
    client: TestClient, seeded: dict[str, int], auth: Auth
) -> None:
    # OGC 18-088, MultiDatastream properties: observationType is OM_ComplexObservation
    body = {**multi_payload(seeded["Segment A"]), "observationType": MEASUREMENT}
    sensors = _count(client, "Sensors")
    refused = client.post(f"{STA}/MultiDatastreams", json=body, headers=auth)
    assert refused.status_code == 400, refused.text
    assert "observationType" in refused.json()["message"] and COMPLEX in refused.json()["message"]
    assert _count(client, "MultiDatastreams") == 0 and _count(client, "Sensors") == sensors
    multi = _created(client, "MultiDatastreams", multi_payload(seeded["Segment A"]), auth)
    url = f"{STA}/MultiDatastreams({multi})"
    patched = client.patch(url, json={"observationType": MEASUREMENT}, headers=auth)
    assert patched.status_code == 400 and COMPLEX in patched.json()["message"]
    full = {k: v for k, v in body.items() if k not in {"Thing", "Sensor", "ObservedProperties"}}
    put = client.put(url, json=full, headers=auth)
    assert put.status_code == 400 and COMPLEX in put.json()["message"]
    assert client.get(f"{url}/observationType").json() == {"observationType": COMPLEX}


BAD_GEOJSON = [
    ({"type": "Pointy"}, "Pointy"),
    ({"type": "Point", "coordinates": "abc"}, "coordinates"),
    ({"type": "Point", "coordinates": []}, "leer"),
    ("notgeo", "GeoJSON"),
    ({"type": "Feature", "geometry": None, "properties": {}}, "keine Geometrie"),
]


@pytest.mark.parametrize(("location", "problem"), BAD_GEOJSON)
def test_invalid_geojson_is_refused_everywhere(
    client: TestClient, auth: Auth, location: Any, problem: str
) -> None:
    def refused(response: Any, name: str) -> None:
        assert response.status_code == 400, response.text
        message = response.json()["message"]
        assert name in message and problem in message, message

    body = {**_location("L"), "location": location}
    refused(client.post(f"{STA}/Locations", json=body, headers=auth), "Location.location")
    thing = {"name": "T", "description": "d", "Locations": [body]}
    refused(client.post(f"{STA}/Things", json=thing, headers=auth), "Location.location")
    feature = {"name": "F", "description": "d", "encodingType": "application/vnd.geo+json"}
    feature["feature"] = location
    refused(client.post(f"{STA}/FeaturesOfInterest", json=feature, headers=auth), "feature")
    assert _count(client, "Locations") + _count(client, "Things") == 0
    assert _count(client, "FeaturesOfInterest") == 0
    good = _created(client, "Locations", _location("L"), auth)
    url = f"{STA}/Locations({good})"
    refused(client.patch(url, json={"location": location}, headers=auth), "Location.location")
    refused(client.put(url, json=body, headers=auth), "Location.location")
    assert client.get(f"{url}/location").json()["location"]["type"] == "Point"


def test_geojson_features_and_other_encodings_are_accepted(client: TestClient, auth: Auth) -> None:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7, 51]}}
    _created(client, "Locations", {**_location("F"), "location": feature}, auth)
    text = {**_location("T"), "encodingType": "text/plain", "location": "Domplatte"}
    _created(client, "Locations", text, auth)
    inside = "st_within(location, geography'POLYGON((6 50, 8 50, 8 52, 6 52, 6 50))')"
    found = client.get(f"{STA}/Locations", params={"$filter": inside}).json()["value"]
    assert [e["name"] for e in found] == ["F"]


def test_the_navigation_path_decides_the_parent(
    client: TestClient, seeded: dict[str, int], auth: Auth
) -> None:
    # OGC 18-088 §10.2: POST to Things(n)/Datastreams links to Thing n
    other = _created(client, "Things", {"name": "Anderes", "description": "d"}, auth)
    thing = seeded["Segment A"]
    datastream = thing_payload("Neu")["Datastreams"][0]
    url = f"{STA}/Things({thing})/Datastreams"
    streams, things = _count(client, "Datastreams"), _count(client, "Things")
    for named in ({"@iot.id": other}, {"name": "Neu", "description": "d"}):
        body = {**datastream, "Thing": named}
        refused = client.post(url, json=body, headers=auth)
        assert refused.status_code == 400, refused.text
        assert f"Things({thing})" in refused.json()["message"]
    assert _count(client, "Datastreams") == streams and _count(client, "Things") == things
    same = _created(
        client, f"Things({thing})/Datastreams", {**datastream, "Thing": {"@iot.id": thing}}, auth
    )
    assert client.get(f"{STA}/Datastreams({same})/Thing").json()["@iot.id"] == thing


def test_json_patch_errors_name_the_pointer_and_the_reason(client: TestClient, auth: Auth) -> None:
    thing = _created(client, "Things", {"name": "T", "description": "d"}, auth)
    headers = {**auth, "Content-Type": "application/json-patch+json"}
    cases = [
        ([{"op": "add", "path": "/properties/q", "value": 1}], "/properties ist leer (null)"),
        ([{"op": "remove", "path": "/nix"}], "/nix gibt es nicht"),
        (
            [
                {"op": "replace", "path": "/name", "value": "N"},
                {"op": "test", "path": "/name", "value": "T"},
            ],
            "Operation 2: test /name",
        ),
        ([{"op": "bogus", "path": "/name"}], '"op" muss eine von'),
        ([{"op": "add", "path": "name", "value": 1}], "JSON-Pointer"),
    ]
    for operations, message in cases:
        response = client.patch(
            f"{STA}/Things({thing})", content=json.dumps(operations), headers=headers
        )
        assert response.status_code == 400, response.text
        text = response.json()["message"]
        assert message in text and "class" not in text and "Document" not in text, text
    assert client.get(f"{STA}/Things({thing})/name").json() == {"name": "T"}
