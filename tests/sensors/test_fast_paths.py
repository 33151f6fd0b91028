"""The fast paths (single plain Observation POST, CreateObservations' lean insert) answer
exactly what a later read shows, and fall back to the generic path's errors."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.sensors.conftest import STA


def test_plain_observation_post_answers_what_a_read_shows(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    link = {"@iot.id": seeded["ds"]}
    bodies = [
        {"phenomenonTime": "2015-01-01T01:00:00+02:00", "result": 3, "Datastream": link},
        {
            "phenomenonTime": "2015-01-02T00:00:00Z/2015-01-02T01:00:00Z",
            "result": "Stau",
            "resultTime": "2015-01-02T01:00:05.5Z",
            "parameters": {"lane": 1},
            "Datastream": link,
        },
        {"result": {"x": [1]}, "Datastream": link},
    ]
    for body in bodies:
        response = client.post(f"{STA}/Observations", json=body, headers=auth)
        assert response.status_code == 201, response.text
        created = response.json()
        assert response.headers["Location"] == created["@iot.selfLink"]
        assert client.get(created["@iot.selfLink"]).json() == created
        feature = client.get(f"{created['@iot.selfLink']}/FeatureOfInterest").json()
        assert feature["name"]
    first = client.get(f"{STA}/Datastreams({seeded['ds']})").json()
    assert first["phenomenonTime"].startswith("2014-02-03T00:00:00Z/")
    again = client.post(f"{STA}/Observations", json=bodies[0], headers=auth)
    assert again.status_code == 409 and "Duplikat" in again.json()["message"]
    bad = client.post(
        f"{STA}/Observations",
        json={"phenomenonTime": "gestern", "result": 1, "Datastream": link},
        headers=auth,
    )
    assert bad.status_code == 400 and "phenomenonTime" in bad.json()["message"]


def test_create_observations_links_point_at_the_stored_rows(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    rows = [[f"2016-03-01T{h:02d}:00:00Z", h * 1.5, {"h": h}] for h in range(24)]
    rows.insert(5, ["2014-02-03T00:05:00Z", 99.0, None])  # duplicate of a seeded row
    body = [
        {
            "Datastream": {"@iot.id": seeded["ds"]},
            "components": ["phenomenonTime", "result", "parameters"],
            "dataArray": rows,
        }
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 201, response.text
    links = response.json()
    assert links[5].startswith("error:") and "Duplikat" in links[5]
    for link, row in zip(links[:5] + links[6:], rows[:5] + rows[6:], strict=True):
        stored = client.get(link).json()
        assert (stored["phenomenonTime"], stored["result"]) == (row[0], row[1])
        assert stored["parameters"] == row[2] and stored["resultQuality"] is None


def test_create_observations_finds_duplicates_inside_one_request(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    """Rows of one request, nothing stored in their time range: a time sent twice is a
    duplicate whether or not the rows rise; an interval and an instant that start together
    are two Observations (the whole phenomenonTime counts)."""
    cases = [
        (["2030-01-01T00:00:00Z", "2030-01-01T01:00:00Z", "2030-01-01T00:00:00Z"], [2]),
        (["2031-01-01T00:00:00Z", "2031-01-01T00:00:00Z", "2031-01-01T01:00:00Z"], [1]),
        (["2032-01-01T00:00:00Z/2032-01-01T01:00:00Z", "2032-01-01T00:00:00Z"], []),
        ([f"2033-01-01T{h:02d}:00:00Z" for h in range(5)], []),
    ]
    for times, refused in cases:
        body = [
            {
                "Datastream": {"@iot.id": seeded["ds"]},
                "components": ["phenomenonTime", "result"],
                "dataArray": [[t, n] for n, t in enumerate(times)],
            }
        ]
        response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
        assert response.status_code == 201, response.text
        links = response.json()
        assert [i for i, link in enumerate(links) if "Duplikat" in link] == refused, times
        assert not any(link.startswith("error") and "Duplikat" not in link for link in links)


def test_create_observations_refuses_a_component_named_twice(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    body = [
        {
            "Datastream": {"@iot.id": seeded["ds"]},
            "components": ["phenomenonTime", "result", "result"],
            "dataArray": [["2034-01-01T00:00:00Z", 1, 2]],
        }
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 400, response.text
    assert "'result' ist doppelt genannt" in response.json()["message"]
