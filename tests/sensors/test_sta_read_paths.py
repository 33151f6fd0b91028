"""SensorThings reads in detail: next links inside $expand, null properties (204), paths into
complex properties, and null optional properties left out as FROST-Server does."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.sensors.conftest import STA, thing_payload


def _walk_nested(client: TestClient, first: dict[str, Any], nav: str) -> list[dict[str, Any]]:
    """Every page of an expanded collection: the inline one, then its next links."""
    pages = [{"value": first[nav], "@iot.nextLink": first.get(f"{nav}@iot.nextLink")}]
    while (link := pages[-1].get("@iot.nextLink")) is not None:
        assert link.startswith("http://testserver/sta/v1.1/Datastreams(")
        response = client.get(link)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        assert len(pages) < 20, "next links do not end"
    return pages


def test_nested_next_links_continue_the_filtered_ordered_selection(
    client: TestClient, seeded: dict[str, int]
) -> None:
    for orderby, paging in (("phenomenonTime desc", "$skiptoken"), ("result desc", "$skip")):
        expand = (
            f"Datastreams($expand=Observations($top=2;$select=result,phenomenonTime;"
            f"$orderby={orderby};$count=true;$filter=result gt 0;"
            "$expand=FeatureOfInterest($select=name)))"
        )
        thing = client.get(f"{STA}/Things({seeded['Segment A']})", params={"$expand": expand})
        assert thing.status_code == 200, thing.text
        stream = thing.json()["Datastreams"][0]
        assert stream["Observations@iot.count"] == 11
        assert paging in stream["Observations@iot.nextLink"]
        pages = _walk_nested(client, stream, "Observations")
        rows = [row for page in pages for row in page["value"]]
        assert [r["result"] for r in rows] == [110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10]
        assert len({r["phenomenonTime"] for r in rows}) == 11  # each row exactly once
        assert all(set(r) == {"result", "phenomenonTime", "FeatureOfInterest"} for r in rows)
        assert all(r["FeatureOfInterest"].keys() == {"name"} for r in rows)
        assert all(page["@iot.count"] == 11 for page in pages[1:])
        assert all(len(page["value"]) == 2 for page in pages[:-1])


def test_null_property_and_its_value_answer_no_content(
    client: TestClient, seeded: dict[str, int]
) -> None:
    stream = f"{STA}/Datastreams({seeded['ds']})"
    for path in ("resultTime", "resultTime/$value"):
        response = client.get(f"{stream}/{path}")
        assert response.status_code == 204, (path, response.text)
        assert response.content == b""
    obs = client.get(f"{stream}/Observations?$top=1").json()["value"][0]
    assert client.get(f"{obs['@iot.selfLink']}/resultTime").status_code == 204
    span = client.get(f"{stream}/phenomenonTime")
    assert span.status_code == 200
    assert span.json()["phenomenonTime"].startswith("2014-02-03T00:00:00Z/")


def test_paths_into_complex_properties(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    payload = thing_payload("Segment C")
    payload["properties"] = {"identifier": "K-17", "address": {"street": "Domkloster", "no": None}}
    created = client.post(f"{STA}/Things", json=payload, headers=auth)
    assert created.status_code == 201, created.text
    thing = created.json()["@iot.selfLink"]
    assert client.get(f"{thing}/properties/identifier").json() == {"identifier": "K-17"}
    assert client.get(f"{thing}/properties/identifier/$value").text == "K-17"
    street = client.get(f"{thing}/properties/address/street")
    assert street.json() == {"street": "Domkloster"}
    assert client.get(f"{thing}/properties/address").json()["address"]["street"] == "Domkloster"
    assert client.get(f"{thing}/properties/address/no").status_code == 204
    assert client.get(f"{thing}/properties/address/no/$value").status_code == 204
    stream = f"{STA}/Datastreams({seeded['ds']})"
    assert client.get(f"{stream}/unitOfMeasurement/name").json() == {"name": "Stufe"}
    assert client.get(f"{stream}/unitOfMeasurement/name/$value").text == "Stufe"
    lanes = client.get(f"{STA}/Things({seeded['Segment A']})/properties/lanes/$value")
    assert lanes.text == "2"
    for path, named in (
        ("properties/colour", "'colour'"),
        ("properties/address/city", "'city'"),
        ("properties/identifier/x", "'x'"),
    ):
        missing = client.get(f"{thing}/{path}")
        assert missing.status_code == 404, path
        assert named in missing.json()["message"] and "properties" in missing.json()["message"]
    assert client.get(f"{thing}/name/first").status_code == 404  # text is not complex
    assert client.get(f"{thing}/properties/identifier/$ref").status_code == 404


def test_null_optional_properties_are_left_out(client: TestClient, seeded: dict[str, int]) -> None:
    stream = client.get(f"{STA}/Datastreams({seeded['ds']})?$expand=Sensor,ObservedProperty")
    body = stream.json()
    assert "properties" not in body["Sensor"] and "properties" not in body["ObservedProperty"]
    assert "observedArea" not in body and "properties" not in body
    assert body["resultTime"] is None  # FROST writes a Datastream's resultTime even when null
    sensor_id = body["Sensor"]["@iot.id"]
    for url in (f"{STA}/Sensors({sensor_id})", f"{STA}/Sensors?$filter=id eq {sensor_id}"):
        found = client.get(url).json()
        sensor = found["value"][0] if "value" in found else found
        assert "properties" not in sensor and sensor["metadata"] == "none"
    obs = client.get(f"{STA}/Observations?$top=1").json()["value"][0]
    assert obs["resultTime"] is None and obs["result"] == 0  # mandatory: written as null


def test_the_id_property_answers_as_iot_id(client: TestClient, seeded: dict[str, int]) -> None:
    thing = seeded["Segment A"]
    for prop in ("id", "@iot.id"):
        response = client.get(f"{STA}/Things({thing})/{prop}")
        assert response.status_code == 200, response.text
        assert response.json() == {"@iot.id": thing}
    assert client.get(f"{STA}/Things({thing})/id/$value").text == str(thing)
