"""MultiDatastream observations through ``CreateObservations`` and MQTT ingest.

The REST cases run on SQLite and PostgreSQL; the broker cases against the local Mosquitto
(DOMSTADT_TEST_MQTT_URL) and are skipped without it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.sensors import mqtt_service
from domstadt.sensors.mqtt.topics import IngestTarget, ingest_target
from tests.sensors.conftest import STA
from tests.sensors.test_mqtt import BROKER, Subscriber, _until, _worker
from tests.sensors.test_multi_datastream import multi_payload

CREATE = f"{STA}/CreateObservations"


def _multi(client: TestClient, auth: dict[str, str], thing_id: int) -> int:
    created = client.post(f"{STA}/MultiDatastreams", json=multi_payload(thing_id), headers=auth)
    assert created.status_code == 201, created.text
    return int(created.json()["@iot.id"])


def _group(multi_id: int, rows: list[Any], components: list[str] | None = None) -> dict[str, Any]:
    return {
        "MultiDatastream": {"@iot.id": multi_id},
        "components": components or ["phenomenonTime", "result"],
        "dataArray": rows,
    }


def _stored(client: TestClient, multi_id: int) -> list[tuple[str, Any]]:
    page = client.get(
        f"{STA}/MultiDatastreams({multi_id})/Observations", params={"$orderby": "phenomenonTime"}
    ).json()["value"]
    return [(o["phenomenonTime"], o["result"]) for o in page]


@pytest.fixture
def multi(client: TestClient, auth: dict[str, str], seeded: dict[str, int]) -> int:
    """A MultiDatastream (temperature, humidity) on the Thing "Segment A"."""
    return _multi(client, auth, seeded["Segment A"])


def test_rows_are_created_with_feature_times_and_read_back_as_data_array(
    client: TestClient, auth: dict[str, str], multi: int
) -> None:
    rows = [[f"2015-06-01T{h:02d}:00:00Z", [20 + h, 60 - h]] for h in range(3)]
    response = client.post(CREATE, json=[_group(multi, rows)], headers=auth)
    assert response.status_code == 201, response.text
    links = response.json()
    assert all(link.startswith(f"http://testserver{STA}/Observations(") for link in links)
    assert _stored(client, multi) == [(r[0], r[1]) for r in rows]
    first = client.get(f"{links[0]}/MultiDatastream").json()
    assert first["@iot.id"] == multi
    assert first["phenomenonTime"] == "2015-06-01T00:00:00Z/2015-06-01T02:00:00Z"
    feature = client.get(f"{links[0]}/FeatureOfInterest").json()
    assert feature["feature"]["coordinates"] == [6.95, 50.94]  # from the Thing's Location
    assert client.get(f"{links[0]}/Datastream").status_code == 404

    explicit = [["2015-06-02T00:00:00Z", [1, 2], feature["@iot.id"]]]
    components = ["phenomenonTime", "result", "FeatureOfInterest/id"]
    again = client.post(CREATE, json=[_group(multi, explicit, components)], headers=auth)
    assert again.status_code == 201 and not again.json()[0].startswith("error"), again.text

    array = client.get(
        f"{STA}/MultiDatastreams({multi})/Observations",
        params={"$resultFormat": "dataArray", "$select": "phenomenonTime,result"},
    ).json()["value"]
    (group,) = array
    assert group["MultiDatastream@iot.navigationLink"] == (
        f"http://testserver{STA}/MultiDatastreams({multi})"
    )
    assert sorted(map(tuple, group["dataArray"])) == sorted(
        [(r[0], r[1]) for r in rows] + [("2015-06-02T00:00:00Z", [1, 2])]
    )


def test_result_of_the_wrong_length_refuses_only_its_row(
    client: TestClient, auth: dict[str, str], multi: int
) -> None:
    rows = [
        ["2015-07-01T00:00:00Z", [1, 2]],
        ["2015-07-01T00:05:00Z", [1, 2, 3]],
        ["2015-07-01T00:10:00Z", 4],
        ["2015-07-01T00:15:00Z", [5, 6]],
    ]
    links = client.post(CREATE, json=[_group(multi, rows)], headers=auth).json()
    assert links[1].startswith("error:") and "2 Werten" in links[1] and "3 Werte" in links[1]
    assert links[2].startswith("error:") and "keine Liste" in links[2]
    assert not links[0].startswith("error") and not links[3].startswith("error")
    assert _stored(client, multi) == [(rows[0][0], [1, 2]), (rows[3][0], [5, 6])]


def test_unknown_or_doubled_stream_refuses_the_whole_request(
    client: TestClient, auth: dict[str, str], multi: int, seeded: dict[str, int]
) -> None:
    good = _group(multi, [["2015-08-01T00:00:00Z", [1, 2]]])
    unknown = client.post(CREATE, json=[good, _group(999999, [])], headers=auth)
    assert unknown.status_code == 400
    assert "MultiDatastream" in unknown.json()["message"] and "999999" in unknown.json()["message"]
    both = {**good, "Datastream": {"@iot.id": seeded["ds"]}}
    refused = client.post(CREATE, json=[both], headers=auth)
    assert refused.status_code == 400 and "nicht beide" in refused.json()["message"]
    assert _stored(client, multi) == []  # nothing of either request was written


def test_duplicates_are_refused_per_row(
    client: TestClient, auth: dict[str, str], multi: int
) -> None:
    rows = [["2015-09-01T00:00:00Z", [1, 2]], ["2015-09-01T00:00:00Z", [3, 4]]]
    links = client.post(CREATE, json=[_group(multi, rows)], headers=auth).json()
    assert not links[0].startswith("error")
    assert (
        links[1].startswith("error:") and "Duplikat" in links[1] and "MultiDatastream" in links[1]
    )
    stored = [["2015-09-01T00:00:00Z", [9, 9]], ["2015-09-01T00:05:00Z", [5, 6]]]
    again = client.post(CREATE, json=[_group(multi, stored)], headers=auth).json()
    assert again[0].startswith("error:") and "Duplikat" in again[0]
    assert _stored(client, multi) == [("2015-09-01T00:00:00Z", [1, 2]), (stored[1][0], [5, 6])]


def test_mixed_body_answers_each_row_with_its_own_observation(
    client: TestClient, auth: dict[str, str], multi: int, seeded: dict[str, int]
) -> None:
    plain = {
        "Datastream": {"@iot.id": seeded["ds"]},
        "components": ["phenomenonTime", "result"],
        "dataArray": [["2015-10-01T00:00:00Z", 1.5], ["2015-10-01T00:05:00Z", 2.5]],
    }
    multi_rows = [["2015-10-01T00:00:00Z", [7, 8]], ["2015-10-01T00:05:00Z", [9]]]
    second = dict(plain, dataArray=[["2015-10-01T00:10:00Z", 3.5]])
    body = [plain, _group(multi, multi_rows), second]
    response = client.post(CREATE, json=body, headers=auth)
    assert response.status_code == 201, response.text
    links = response.json()
    assert len(links) == 5 and links[3].startswith("error:")
    expected = {0: (seeded["ds"], 1.5), 1: (seeded["ds"], 2.5), 2: (multi, [7, 8])}
    expected[4] = (seeded["ds"], 3.5)
    for position, (stream, result) in expected.items():
        assert client.get(links[position]).json()["result"] == result
        nav = "MultiDatastream" if isinstance(result, list) else "Datastream"
        assert client.get(f"{links[position]}/{nav}").json()["@iot.id"] == stream
    ds = client.get(f"{STA}/Datastreams({seeded['ds']})").json()
    assert ds["phenomenonTime"].endswith("/2015-10-01T00:10:00Z")


def test_ingest_target_knows_the_multi_datastream_topic() -> None:
    target = ingest_target("v1.1", "v1.1/MultiDatastreams(4)/Observations")
    assert target == IngestTarget(multi_datastream_id=4)


def test_ingest_writes_multi_datastream_observations_and_refuses_bad_ones(
    client: TestClient, db: Database, multi: int, seeded: dict[str, int]
) -> None:
    def message(topic: str, payload: dict[str, Any]) -> mqtt_service.Message:
        return mqtt_service.Message(f"v1.1/{topic}", json.dumps(payload).encode())

    own = f"MultiDatastreams({multi})/Observations"
    link = {"MultiDatastream": {"@iot.id": multi}}
    messages = [
        message(own, {"result": [1, 2], "phenomenonTime": "2015-11-01T00:00:00Z"}),
        message(
            "Observations", {"result": [3, 4], "phenomenonTime": "2015-11-01T00:05:00Z", **link}
        ),
        message(own, {"result": [1, 2, 3]}),
        message(own, {"result": [5, 6], "phenomenonTime": "2015-11-01T00:00:00Z"}),
        message("MultiDatastreams(999999)/Observations", {"result": [1, 2]}),
        message(f"Datastreams({seeded['ds']})/Observations", {"result": [1, 2], **link}),
    ]
    with db.session() as session:
        report = mqtt_service.ingest(
            session, actor=system_actor("t"), messages=messages, root="v1.1", base="http://x"
        )
    outcomes = report.outcomes
    assert outcomes[:2] == ["created", "created"] and outcomes[3] == "duplicate"
    assert outcomes[2].startswith("invalid:") and "2 Werten" in outcomes[2]
    assert outcomes[4] == "invalid: MultiDatastream 999999 gibt es nicht."
    assert outcomes[5].startswith("invalid:") and "widerspricht dem Topic" in outcomes[5]
    assert _stored(client, multi) == [
        ("2015-11-01T00:00:00Z", [1, 2]),
        ("2015-11-01T00:05:00Z", [3, 4]),
    ]


@pytest.mark.skipif(not BROKER, reason="DOMSTADT_TEST_MQTT_URL not set: MQTT skipped")
def test_published_to_the_multi_datastream_topic_is_stored_and_notified(
    client: TestClient, db: Database, multi: int
) -> None:
    url = f"{BROKER.rstrip('/')}/t{uuid.uuid4().hex[:12]}"
    topic = f"MultiDatastreams({multi})/Observations"
    sub = Subscriber(url, [topic])
    worker, thread = _worker(db, url, f"ingest-{uuid.uuid4().hex[:8]}")
    try:
        sub.publish(topic, {"phenomenonTime": "2015-12-01T00:00:00Z", "result": [21.5, 40]})
        sub.publish(
            "Observations",
            {
                "phenomenonTime": "2015-12-01T00:05:00Z",
                "result": [22, 41],
                "MultiDatastream": {"@iot.id": multi},
            },
        )
        sub.publish(topic, {"phenomenonTime": "2015-12-01T00:10:00Z", "result": [1]})
        assert _until(lambda: worker.stats["created"] == 2 and worker.stats["invalid"] == 1)
        assert _stored(client, multi) == [
            ("2015-12-01T00:00:00Z", [21.5, 40]),
            ("2015-12-01T00:05:00Z", [22, 41]),
        ]
        assert _until(lambda: len([p for p in sub.on(topic) if p and "@iot.id" in p]) == 2)
        published = [p for p in sub.on(topic) if p and "@iot.id" in p]  # not the raw input
        notified = sorted(published, key=lambda p: p["phenomenonTime"])
        assert [p["result"] for p in notified] == [[21.5, 40], [22, 41]]
        assert notified[0]["MultiDatastream@iot.navigationLink"].endswith("/MultiDatastream")
    finally:
        worker.stop()
        thread.join(20)
        sub.close()


def test_single_rest_post_widens_the_multi_datastream_times(
    client: TestClient, auth: dict[str, str], multi: int
) -> None:
    for hour in (5, 2):
        body = {"phenomenonTime": f"2015-07-01T0{hour}:00:00Z", "result": [21, 55]}
        created = client.post(
            f"{STA}/MultiDatastreams({multi})/Observations", json=body, headers=auth
        )
        assert created.status_code == 201, created.text
    stream = client.get(f"{STA}/MultiDatastreams({multi})").json()
    assert stream["phenomenonTime"] == "2015-07-01T02:00:00Z/2015-07-01T05:00:00Z"
