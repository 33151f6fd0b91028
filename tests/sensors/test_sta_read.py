"""SensorThings reads: landing page, entities, navigation, query options, paging, errors."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.sensors.conftest import STA


def test_landing_page_lists_entity_sets_and_conformance(client: TestClient) -> None:
    body = client.get(STA).json()
    names = {v["name"] for v in body["value"]}
    assert names >= {"Things", "Datastreams", "Observations", "FeaturesOfInterest"}
    assert all(v["url"].startswith("http://testserver/sta/v1.1/") for v in body["value"])
    conformance = body["serverSettings"]["conformance"]
    for name in (
        "datamodel",
        "request-data",
        "create-update-delete",
        "data-array",
        "multi-datastream",
        "batch-request",
    ):
        assert any(c.endswith(f"/{name}") for c in conformance), name
    assert not any("mqtt" in c for c in conformance)  # no broker in this app
    extensions = body["serverSettings"]["domstadt:extensions"]
    assert any("json-patch" in e for e in extensions)


def test_entity_links_navigation_and_properties(client: TestClient, seeded: dict[str, int]) -> None:
    thing_id = seeded["Segment A"]
    thing = client.get(f"{STA}/Things({thing_id})").json()
    assert thing["@iot.id"] == thing_id
    assert thing["@iot.selfLink"] == f"http://testserver{STA}/Things({thing_id})"
    assert thing["Datastreams@iot.navigationLink"].endswith(f"/Things({thing_id})/Datastreams")
    locations = client.get(f"{STA}/Things({thing_id})/Locations").json()["value"]
    assert locations[0]["location"]["type"] == "Point"
    history = client.get(f"{STA}/Things({thing_id})/HistoricalLocations").json()["value"]
    assert len(history) == 1
    assert client.get(f"{STA}/Things({thing_id})/name").json() == {"name": "Segment A"}
    value = client.get(f"{STA}/Things({thing_id})/name/$value")
    assert value.text == "Segment A"
    refs = client.get(f"{STA}/Things/$ref").json()["value"]
    assert refs[0] == {"@iot.selfLink": f"http://testserver{STA}/Things({seeded['Segment A']})"}
    ds = client.get(f"{STA}/Datastreams({seeded['ds']})/Thing").json()
    assert ds["name"] == "Segment A"
    obs = client.get(f"{STA}/Datastreams({seeded['ds']})/Observations?$top=1").json()["value"][0]
    foi = client.get(f"{STA}/Observations({obs['@iot.id']})/FeatureOfInterest").json()
    assert foi["feature"]["coordinates"] == [6.95, 50.94]


def test_unknown_ids_and_paths_are_404_in_frost_envelope(
    client: TestClient, seeded: dict[str, int]
) -> None:
    response = client.get(f"{STA}/Things(999999)")
    assert response.status_code == 404
    assert response.json()["code"] == 404 and response.json()["type"] == "error"
    assert "999999" in response.json()["message"]
    unlinked = client.get(f"{STA}/Things({seeded['Segment B']})/Datastreams({seeded['ds']})")
    assert unlinked.status_code == 404
    assert unlinked.json()["message"] == (
        f"Thing {seeded['Segment B']} ist nicht mit Datastream {seeded['ds']} verknüpft."
    )
    assert client.get(f"{STA}/Gadgets").status_code == 404


def test_filter_orderby_select_count(client: TestClient, seeded: dict[str, int]) -> None:
    url = f"{STA}/Things?$filter=properties/owner eq 'Stadt Köln'&$select=name,id"
    assert client.get(url).json()["value"] == [
        {"@iot.id": seeded["Segment A"], "name": "Segment A"}
    ]
    obs = f"{STA}/Observations?$filter=result ge 30 and result lt 60 or result eq 110&$count=true"
    body = client.get(obs + "&$orderby=result DESC").json()
    assert body["@iot.count"] == 4
    assert [o["result"] for o in body["value"]] == [110, 50, 40, 30]
    by_thing = client.get(
        f"{STA}/Observations?$filter=Datastream/Thing/name eq 'Segment A' and "
        "hour(phenomenonTime) eq 0 and minute(phenomenonTime) ge 50&$orderby=phenomenonTime asc"
    ).json()["value"]
    assert [o["phenomenonTime"] for o in by_thing] == [
        "2014-02-03T00:50:00Z",
        "2014-02-03T00:55:00Z",
    ]
    strings = client.get(
        f"{STA}/Things?$filter=substringof('ment', name) and startswith(tolower(name), 'segment b')"
    ).json()["value"]
    assert [t["name"] for t in strings] == ["Segment B"]
    arith = client.get(f"{STA}/Observations?$filter=result add 5 mul 2 eq 30&$select=result").json()
    assert arith["value"] == [{"result": 20}]  # mul binds tighter than add


def test_expand_with_nested_options(client: TestClient, seeded: dict[str, int]) -> None:
    url = (
        f"{STA}/Things({seeded['Segment A']})?$expand=Datastreams($select=name;"
        "$expand=Observations($orderby=phenomenonTime desc;$top=2;$select=result))"
    )
    thing = client.get(url).json()
    observations = thing["Datastreams"][0]["Observations"]
    assert [o["result"] for o in observations] == [110, 100]
    assert "Observations@iot.nextLink" in thing["Datastreams"][0]
    with_path = client.get(f"{STA}/Observations?$top=1&$expand=Datastream/Thing").json()
    assert with_path["value"][0]["Datastream"]["Thing"]["name"] == "Segment A"


def test_next_links_visit_every_row_exactly_once(
    client: TestClient, seeded: dict[str, int]
) -> None:
    for orderby in ("phenomenonTime desc", "id", "result desc"):
        url: str | None = f"{STA}/Observations?$top=5&$orderby={orderby}"
        seen: list[int] = []
        while url:
            body = client.get(url).json()
            seen += [o["@iot.id"] for o in body["value"]]
            url = body.get("@iot.nextLink")
            assert url is None or url.startswith("http://testserver/sta/v1.1/Observations?")
        assert len(seen) == 12 and len(set(seen)) == 12
    keyset = client.get(f"{STA}/Observations?$top=5&$orderby=phenomenonTime desc").json()
    assert "$skiptoken" in keyset["@iot.nextLink"]


def test_bad_filters_name_problem_and_position(client: TestClient) -> None:
    cases = {
        "name eq": "Position 8",
        "nmae eq 'x'": "'nmae'",
        "name eq 'x' and": "endet unerwartet",
        "name eq 5": "Text erwartet",
        "length(name eq 'x'": "')' erwartet",
        "name eq 'x": "schließendes",
    }
    for expression, expected in cases.items():
        response = client.get(f"{STA}/Things", params={"$filter": expression})
        assert response.status_code == 400, expression
        assert expected in response.json()["message"], (expression, response.json())
    assert client.get(f"{STA}/Things?$top=x").status_code == 400
    assert client.get(f"{STA}/Things?$bogus=1").status_code == 400
