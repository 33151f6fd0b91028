"""JSON batch requests: $-references, atomicity groups rolled back as a whole, dependsOn,
malformed batches refused before anything runs."""

from __future__ import annotations

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
        BATCH, content=b"--b\r\n", headers={**auth, "Content-Type": "multipart/mixed; boundary=b"}
    )
    assert multipart.status_code == 400 and "JSON-Batch" in multipart.json()["message"]
    assert _count(client, "Things") == 0

    anonymous = client.post(
        BATCH,
        json={"requests": [{"id": "r", "method": "get", "url": "Things"}, {"id": "w", **create}]},
    ).json()["responses"]
    assert [r["status"] for r in anonymous] == [200, 401]
    assert _count(client, "Things") == 0
