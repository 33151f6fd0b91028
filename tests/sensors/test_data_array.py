"""`$resultFormat=dataArray` reads: components, rows grouped per Datastream, counts, paging."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.sensors.conftest import STA


def test_data_array_groups_pages_and_selects(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    landing = client.get(f"{STA}/").json()["serverSettings"]["conformance"]
    assert any(c.endswith("/data-array/data-array") for c in landing)

    ds = seeded["ds"]
    page = client.get(
        f"{STA}/Datastreams({ds})/Observations",
        params={"$resultFormat": "dataArray", "$count": "true", "$top": 5, "$orderby": "id"},
    ).json()
    assert page["@iot.count"] == 12
    (group,) = page["value"]
    assert group["Datastream@iot.navigationLink"] == f"http://testserver{STA}/Datastreams({ds})"
    assert group["components"] == [
        "id",
        "phenomenonTime",
        "result",
        "resultTime",
        "resultQuality",
        "validTime",
        "parameters",
    ]
    assert group["dataArray@iot.count"] == 5 and len(group["dataArray"]) == 5
    assert group["dataArray"][0][1:3] == ["2014-02-03T00:00:00Z", 0]
    assert "%24resultFormat=dataArray" in page["@iot.nextLink"] or (
        "$resultFormat=dataArray" in page["@iot.nextLink"]
    )

    url: str | None = page["@iot.nextLink"]
    seen = [row[0] for row in group["dataArray"]]
    while url:
        body = client.get(url).json()
        seen += [row[0] for g in body["value"] for row in g["dataArray"]]
        url = body.get("@iot.nextLink")
    assert len(seen) == 12 and len(set(seen)) == 12  # every row exactly once

    selected = client.get(
        f"{STA}/Datastreams({ds})/Observations",
        params={
            "$resultFormat": "dataArray",
            "$select": "result,phenomenonTime",
            "$orderby": "phenomenonTime desc",
            "$top": 2,
        },
    ).json()["value"][0]
    assert selected["components"] == ["result", "phenomenonTime"]
    assert selected["dataArray"] == [[110, "2014-02-03T00:55:00Z"], [100, "2014-02-03T00:50:00Z"]]

    other = client.get(f"{STA}/Things({seeded['Segment B']})/Datastreams").json()["value"][0]
    body = [
        {
            "Datastream": {"@iot.id": other["@iot.id"]},
            "components": ["phenomenonTime", "result"],
            "dataArray": [["2014-02-03T00:00:00Z", 7], ["2014-02-03T00:05:00Z", 8]],
        }
    ]
    assert client.post(f"{STA}/CreateObservations", json=body, headers=auth).status_code == 201
    both = client.get(
        f"{STA}/Observations", params={"$resultFormat": "dataArray", "$select": "id,result"}
    ).json()["value"]
    counts = {
        g["Datastream@iot.navigationLink"].rsplit("(", 1)[1]: g["dataArray@iot.count"] for g in both
    }
    assert counts == {f"{ds})": 12, f"{other['@iot.id']})": 2}


def test_data_array_refuses_what_it_cannot_answer(
    client: TestClient, seeded: dict[str, int]
) -> None:
    cases = {
        f"{STA}/Things?$resultFormat=dataArray": "nur für Observations",
        f"{STA}/Observations?$resultFormat=csv": "nur dataArray",
        f"{STA}/Observations?$resultFormat=dataArray&$select=colour": "'colour'",
        f"{STA}/Observations(1)?$resultFormat=dataArray": "nur für Sammlungen",
    }
    for url, expected in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        assert expected in response.json()["message"], (url, response.json())
