"""JSON batch requests: $-references, atomicity groups rolled back as a whole, dependsOn,
malformed batches refused before anything runs."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.sensors.conftest import STA, thing_payload

BATCH = f"{STA}/$batch"


def _thing(name: str) -> dict[str, Any]:
    body = thing_payload(name)
    del body["Datastreams"]
    return body


def _count(client: TestClient, entity_set: str) -> int:
    return int(client.get(f"{STA}/{entity_set}?$count=true&$top=0").json()["@iot.count"])


def test_batch_creates_with_references_inside_an_atomicity_group(
    client: TestClient, auth: dict[str, str]
) -> None:
    datastream = thing_payload("Pegel")["Datastreams"][0]
    requests = [
        {
            "id": "thing",
            "atomicityGroup": "g1",
            "method": "post",
            "url": "Things",
            "body": _thing("Pegel"),
        },
        {
            "id": "ds",
            "atomicityGroup": "g1",
            "method": "post",
            "url": "$thing/Datastreams",
            "body": datastream,
        },
        {
            "id": "obs",
            "atomicityGroup": "g1",
            "method": "post",
            "url": "Observations",
            "body": {
                "phenomenonTime": "2024-05-01T10:00:00Z",
                "result": 4.2,
                "Datastream": {"@iot.id": "$ds"},
            },
        },
        {
            "id": "read",
            "method": "get",
            "url": "$thing?$expand=Datastreams($expand=Observations)",
            "dependsOn": ["g1"],
        },
        {"id": "rename", "method": "patch", "url": "$thing", "body": {"name": "Rheinpegel"}},
    ]
    response = client.post(BATCH, json={"requests": requests}, headers=auth)
    assert response.status_code == 200, response.text
    answers = {r["id"]: r for r in response.json()["responses"]}
    assert [r["id"] for r in response.json()["responses"]] == [
        "thing",
        "ds",
        "obs",
        "read",
        "rename",
    ]
    assert [answers[i]["status"] for i in ("thing", "ds", "obs")] == [201, 201, 201]
    assert answers["thing"]["atomicityGroup"] == "g1"
    thing_id = answers["thing"]["body"]["@iot.id"]
    assert answers["thing"]["headers"]["location"] == f"http://testserver{STA}/Things({thing_id})"
    read = answers["read"]["body"]
    assert read["Datastreams"][0]["Observations"][0]["result"] == 4.2
    assert answers["rename"]["status"] == 200 and answers["rename"]["body"]["name"] == "Rheinpegel"
    assert client.get(f"{STA}/Things({thing_id})").json()["name"] == "Rheinpegel"


def test_a_failing_request_rolls_back_its_group_only(
    client: TestClient, auth: dict[str, str]
) -> None:
    requests = [
        {"id": "a", "atomicityGroup": "g", "method": "post", "url": "Things", "body": _thing("A")},
        {
            "id": "bad",
            "atomicityGroup": "g",
            "method": "post",
            "url": "Observations",
            "body": {
                "phenomenonTime": "2024-05-01T10:00:00Z",
                "result": 1,
                "Datastream": {"@iot.id": 999},
            },
        },
        {"id": "after", "method": "get", "url": "Things(1)", "dependsOn": ["g"]},
        {"id": "alone", "method": "post", "url": "Things", "body": _thing("B")},
        {"id": "broken", "method": "post", "url": "Things", "body": {"name": "ohne Beschreibung?"}},
        {"id": "ref", "method": "post", "url": "$nothing/Datastreams", "body": {}},
    ]
    answers = {
        r["id"]: r
        for r in client.post(BATCH, json={"requests": requests}, headers=auth).json()["responses"]
    }
    assert answers["bad"]["status"] in {400, 404}
    assert "999" in answers["bad"]["body"]["message"]
    assert answers["a"]["status"] == 424 and "Zurückgerollt" in answers["a"]["body"]["message"]
    assert answers["after"]["status"] == 424
    assert answers["alone"]["status"] == 201  # not in the group: kept
    assert answers["broken"]["status"] == 400
    assert answers["ref"]["status"] == 400 and "$nothing" in answers["ref"]["body"]["message"]
    names = [t["name"] for t in client.get(f"{STA}/Things").json()["value"]]
    assert names == ["B"]


def test_malformed_batches_change_nothing_and_writes_need_a_token(
    client: TestClient, auth: dict[str, str]
) -> None:
    create = {"method": "post", "url": "Things", "body": _thing("X")}
    cases = [
        ({"requests": [{"id": "1", **create}, {"id": "1", **create}]}, "doppelt"),
        (
            {
                "requests": [
                    {"id": "1", "atomicityGroup": "g", **create},
                    {"id": "2", **create},
                    {"id": "3", "atomicityGroup": "g", **create},
                ]
            },
            "aufeinander folgen",
        ),
        ({"requests": [{"id": "1", "method": "fetch", "url": "Things"}]}, "method"),
        ({"requests": [{"id": "1", **create, "dependsOn": ["7"]}]}, "dependsOn"),
        ({"calls": []}, "requests"),
    ]
    for body, expected in cases:
        response = client.post(BATCH, json=body, headers=auth)
        assert response.status_code == 400 and expected in response.json()["message"], body
    multipart = client.post(
        BATCH, content=b"no parts", headers={**auth, "Content-Type": "multipart/mixed; boundary=b"}
    )
    assert multipart.status_code == 400 and "keine Teile" in multipart.json()["message"]
    assert _count(client, "Things") == 0

    anonymous = client.post(
        BATCH,
        json={"requests": [{"id": "r", "method": "get", "url": "Things"}, {"id": "w", **create}]},
    ).json()["responses"]
    assert [r["status"] for r in anonymous] == [200, 401]
    assert _count(client, "Things") == 0


def _http(lines: list[str], content_id: str = "") -> str:
    head = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id:
        head.append(f"Content-ID: {content_id}")
    return "\r\n".join([*head, "", *lines]) + "\r\n"


def test_multipart_batch_with_change_sets(client: TestClient, auth: dict[str, str]) -> None:
    thing = json.dumps(_thing("Multipart"))
    datastream = json.dumps(thing_payload("Multipart")["Datastreams"][0])
    bad_obs = json.dumps({"phenomenonTime": "2024-01-01T00:00:00Z", "result": 1})
    good = "--cs1\r\n" + _http(
        ["POST /sta/v1.1/Things HTTP/1.1", "Content-Type: application/json", "", thing], "1"
    )
    good += "--cs1\r\n" + _http(
        ["POST $1/Datastreams HTTP/1.1", "Content-Type: application/json", "", datastream], "2"
    )
    bad = "--cs2\r\n" + _http(
        ["POST /sta/v1.1/Things HTTP/1.1", "Content-Type: application/json", "", thing], "3"
    )
    bad += "--cs2\r\n" + _http(
        ["POST Observations HTTP/1.1", "Content-Type: application/json", "", bad_obs], "4"
    )
    body = (
        "--batch\r\n"
        + _http(["GET /sta/v1.1/Things?$count=true HTTP/1.1", "Host: testserver", ""])
        + "--batch\r\nContent-Type: multipart/mixed; boundary=cs1\r\n\r\n"
        + good
        + "--cs1--\r\n"
        + "--batch\r\nContent-Type: multipart/mixed; boundary=cs2\r\n\r\n"
        + bad
        + "--cs2--\r\n--batch--\r\n"
    )
    response = client.post(
        BATCH,
        content=body.encode(),
        headers={**auth, "Content-Type": "multipart/mixed; boundary=batch"},
    )
    assert response.status_code == 200, response.text
    conformance = client.get(f"{STA}/").json()["serverSettings"]["conformance"]
    assert any(c.endswith("/batch-request/batch-request") for c in conformance)
    assert response.headers["content-type"].startswith("multipart/mixed; boundary=")
    text = response.text
    assert "HTTP/1.1 200 OK" in text and '"@iot.count": 0' in text
    assert text.count("HTTP/1.1 201 Created") == 2 and "Content-ID: 2" in text
    assert "Location: http://testserver/sta/v1.1/Things(" in text
    assert "HTTP/1.1 400 Bad Request" in text and "Content-ID: 4" in text  # change set 2 failed
    things = client.get(f"{STA}/Things?$expand=Datastreams").json()["value"]
    assert [(t["name"], len(t["Datastreams"])) for t in things] == [("Multipart", 1)]


def _sensor_then_datastream(sensor: dict[str, Any]) -> list[dict[str, Any]]:
    """A Sensor and a Datastream of a new Thing using it, in one group, the second
    depending on the first by its request id."""
    datastream = dict(thing_payload("Pegel")["Datastreams"][0])
    datastream["Sensor"] = {"@iot.id": "$a"}
    datastream["Thing"] = _thing("Pegel")
    return [
        {"id": "a", "atomicityGroup": "g1", "method": "post", "url": "Sensors", "body": sensor},
        {
            "id": "b",
            "atomicityGroup": "g1",
            "dependsOn": ["a"],
            "method": "post",
            "url": "Datastreams",
            "body": datastream,
        },
    ]


def test_depends_on_a_request_of_the_same_atomicity_group(
    client: TestClient, auth: dict[str, str]
) -> None:
    sensor = thing_payload()["Datastreams"][0]["Sensor"]
    requests = _sensor_then_datastream(sensor)
    answers = client.post(BATCH, json={"requests": requests}, headers=auth).json()["responses"]
    assert [r["status"] for r in answers] == [201, 201], answers
    assert _count(client, "Sensors") == 1 and _count(client, "Datastreams") == 1


def test_a_failing_group_member_reports_its_own_error_despite_depends_on(
    client: TestClient, auth: dict[str, str]
) -> None:
    answers = client.post(
        BATCH, json={"requests": _sensor_then_datastream({"name": "ohne Rest"})}, headers=auth
    ).json()["responses"]
    assert answers[0]["status"] == 400 and "Sensor" in answers[0]["body"]["message"]
    assert answers[1]["status"] == 424 and "„a“" in answers[1]["body"]["message"]
    sensor = thing_payload()["Datastreams"][0]["Sensor"]
    requests = _sensor_then_datastream(sensor)
    requests[1]["body"]["observationType"] = 5
    answers = client.post(BATCH, json={"requests": requests}, headers=auth).json()["responses"]
    assert answers[1]["status"] == 400 and "observationType" in answers[1]["body"]["message"]
    assert answers[0]["status"] == 424 and "„b“" in answers[0]["body"]["message"]
    assert _count(client, "Sensors") == 0
