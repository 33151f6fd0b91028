"""Moments at the limits of the calendar (year 1, year 9999, and times whose offset shifts
them past either) never cause a 500: stored ones are shown, computed with and served;
ones that no database can hold are refused with a German 4xx (issue 14: one Observation at
9999-12-31T23:59:59Z made /sensoren answer 500 for everyone)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.testclient import TestClient

from tests.fuzz.seed import STA, Seeded

EDGES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:30:00+14:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:00:00-14:00",
]
# Moments whose UTC time lies before year 1 or after year 9999.
BEYOND = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:00:00-14:00"]


def _no_server_error(client: TestClient, urls: list[str]) -> None:
    failed = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failed.append(f"{url}: {response.status_code} {response.text[:300]}")
    assert not failed, "\n".join(failed)


def test_pages_and_apis_show_stored_edge_observations(client: TestClient, seeded: Seeded) -> None:
    """The seed holds Observations at 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z."""
    dashboard = client.get("/sensoren")
    assert dashboard.status_code == 200, dashboard.text[-2000:]
    assert "31.12.9999" in dashboard.text
    _no_server_error(
        client,
        [
            "/sensoren?a=1",
            "/sensoren?a=1&b=2",
            "/sensoren?a=2&b=1&lang=en",
            "/api/v1/sensors/datastreams",
            "/api/v1/sensors/outages",
            "/api/v1/sensors/locations.geojson",
            "/api/v1/sensors/datastreams/1/anomalies",
            f"{STA}/Datastreams?$select=phenomenonTime,resultTime",
            f"{STA}/Observations?$orderby=phenomenonTime desc",
            f"{STA}/Observations?$resultFormat=dataArray",
            f"{STA}/Things?$expand=Datastreams/Observations",
            "/catalog.ttl",
            "/api/3/action/package_search",
        ],
    )


def test_queries_at_and_beyond_the_edges(client: TestClient, seeded: Seeded) -> None:
    """Query parameters and $filter literals at the edges: an answer or a 4xx."""
    urls = []
    for edge in EDGES:
        moment = quote(edge)
        urls += [
            f"/api/v1/sensors/aggregate?datastream=1&start={moment}&end={quote(EDGES[3])}",
            f"/api/v1/sensors/aggregate?datastream=1&start={quote(EDGES[0])}&end={moment}&bucket=1",
            f"/api/v1/sensors/correlation?datastream=1&datastream=2&start={moment}&end={moment}",
            f"/api/v1/sensors/outages?at={moment}",
            f"/api/v1/sensors/datastreams/1/anomalies?start={moment}&end={moment}",
            f"{STA}/Observations?$filter=phenomenonTime gt {moment}",
            f"{STA}/Observations?$filter=year(phenomenonTime) eq year({moment})",
            f"{STA}/Observations?$filter=date(phenomenonTime) le date({moment})",
            f"{STA}/Observations?$filter=phenomenonTime sub duration'P1D' lt {moment}",
            f"{STA}/Observations?$filter=phenomenonTime add duration'P1D' gt {moment}",
            f"{STA}/Observations?$filter=maxdatetime() add duration'P1D' gt {moment}",
            f"/api/3/action/package_search?fq=metadata_modified:[{moment} TO *]",
            f"/api/3/action/package_search?fq=metadata_modified:[* TO {moment}]",
        ]
    _no_server_error(client, urls)


def test_writes_beyond_the_edges_are_refused(client: TestClient, seeded: Seeded) -> None:
    """An Observation whose time in UTC lies outside years 1–9999: 400 in FROST's envelope."""
    auth = {"Authorization": f"Bearer {seeded.admin_token}"}
    for moment in BEYOND:
        for field in ("phenomenonTime", "resultTime"):
            body = {field: moment, "result": 1, "Datastream": {"@iot.id": 1}}
            if field == "resultTime":
                body["phenomenonTime"] = "2026-01-01T00:00:00Z"
            response = client.post(f"{STA}/Observations", json=body, headers=auth)
            assert response.status_code == 400, f"{field}={moment}: {response.text}"
            assert response.json()["type"] == "error"
            assert "9999" in response.json()["message"], response.text
