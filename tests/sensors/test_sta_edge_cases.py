"""SensorThings edge cases from a conformance run (issue 15), each on SQLite and PostgreSQL:
PUT without resultTime, the whole phenomenonTime in the duplicate rule and its per-Datastream
setting, dataArray with $expand, indexof counting from 1, string comparison of numeric
results, arithmetic precedence, and ids beyond the integer range of the database."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.sensors import models as m
from domstadt.sensors.sta import bulk
from tests.sensors.conftest import STA

OBS = {"phenomenonTime": "2014-02-03T00:05:00Z", "result": 7, "resultTime": "2014-02-03T00:06:00Z"}


def _count(client: TestClient, query: str, entity: str = "Observations") -> int:
    response = client.get(f"{STA}/{entity}", params={"$filter": query, "$count": "true"})
    assert response.status_code == 200, response.text
    count: int = response.json()["@iot.count"]
    return count


def _observation(client: TestClient, auth: dict[str, str], ds: int, **values: Any) -> Any:
    body = {"Datastream": {"@iot.id": ds}, **values}
    return client.post(f"{STA}/Observations", json=body, headers=auth)


def test_put_of_an_observation_without_result_time_sets_it_null(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    values = {**OBS, "phenomenonTime": "2020-01-01T00:00:00Z"}
    made = _observation(client, auth, seeded["ds"], **values)
    assert made.status_code == 201, made.text
    url = made.headers["Location"]
    body = {"phenomenonTime": "2020-01-01T00:00:00Z", "result": 8}
    response = client.put(url, json=body, headers=auth)
    assert response.status_code == 200, response.text
    stored = client.get(url).json()
    assert stored["resultTime"] is None and stored["result"] == 8
    # PATCH to null is the same rule; a PUT without phenomenonTime names the missing property
    patched = client.patch(url, json={"resultTime": None}, headers=auth)
    assert patched.status_code == 200, patched.text
    missing = client.put(url, json={"result": 9}, headers=auth)
    assert missing.status_code == 400, missing.text
    assert "phenomenonTime" in missing.json()["message"]
    assert client.get(url).json()["result"] == 8


def test_data_array_with_expand_is_refused(client: TestClient, seeded: dict[str, int]) -> None:
    params = {"$resultFormat": "dataArray", "$expand": "Datastream"}
    response = client.get(f"{STA}/Observations", params=params)
    assert response.status_code == 400, response.text
    assert "$expand" in response.json()["message"]
    plain = client.get(f"{STA}/Observations", params={"$resultFormat": "dataArray"})
    assert plain.status_code == 200, plain.text


def test_indexof_counts_from_one(client: TestClient, seeded: dict[str, int]) -> None:
    # the Things are named "Segment A" and "Segment B"; descriptions "Straßenabschnitt"
    assert _count(client, "indexof(name,'Segment') eq 1", "Things") == 2
    assert _count(client, "indexof(name,'ment A') eq 4", "Things") == 1
    assert _count(client, "indexof(name,'Segment') eq 0", "Things") == 0
    assert _count(client, "indexof(name,'nirgends') eq 0", "Things") == 2
    assert _count(client, "indexof(description,'abschnitt') eq 8", "Things") == 2  # ß is one
    # contains/startswith/substringof keep their meaning
    assert _count(client, "startswith(name,'Segment')", "Things") == 2
    assert _count(client, "startswith(name,'egment')", "Things") == 0
    assert _count(client, "contains(name,'t B')", "Things") == 1
    assert _count(client, "substringof('Seg',name)", "Things") == 2


def _ets_results(client: TestClient, auth: dict[str, str], ds: int) -> None:
    """Results 1 … 12 an hour apart, as the OGC test suite (ets-sta10) writes them."""
    rows = [[f"2015-03-01T{i:02d}:00:00Z", i] for i in range(1, 13)]
    components = ["phenomenonTime", "result"]
    body = [{"Datastream": {"@iot.id": ds}, "components": components, "dataArray": rows}]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 201 and all("error" not in x for x in response.json())


def _results(client: TestClient, query: str, **extra: str) -> tuple[int, list[Any]]:
    url = f"{STA}/Datastreams(3)/Observations"
    response = client.get(url, params={"$filter": query, "$count": "true", **extra})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["@iot.count"], [o["result"] for o in body["value"]]


def test_numeric_results_compare_as_text_with_a_text_literal(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    ds = _new_datastream(client, auth)
    _ets_results(client, auth, ds)
    # as text '1' < '10' < '11' < '12' < '2' < '3' < '4' … '9': six are greater than '3'
    query = {"$orderby": "phenomenonTime asc", "$skip": "2", "$top": "1"}
    assert _results(client, "result gt '3'", **query) == (6, [6])
    assert _results(client, "result eq '12'")[1] == [12]
    assert _results(client, "result lt '2'", **{"$orderby": "result"})[1] == [1, 10, 11, 12]
    assert _results(client, "result gt 3")[0] == 9  # a number literal still compares numbers
    assert _results(client, "result eq '12.0'")[0] == 0


def test_arithmetic_precedence_and_types(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    ds = _new_datastream(client, auth)
    _ets_results(client, auth, ds)
    # the OGC test suite's four: each matches only the result 1
    for query in (
        "1 add result mul 2 sub -1 eq 4",
        "6 div 2 sub result eq 2",
        "1 add 2.0 mod (result add 1) eq 1",
        "14 div (result add 1) mod 3 mul 3 eq 3",
    ):
        assert _results(client, query) == (1, [1]), query
    assert _results(client, "result add 2 mul 5 eq 20")[1] == [10]  # 10 + (2 * 5)
    assert _results(client, "(result add 2) mul 5 eq 20")[1] == [2]
    assert _results(client, "result sub 5 sub 5 eq 0")[1] == [10]  # left-associative
    assert _results(client, "7 div 2 eq 3 and result eq 1")[1] == [1]  # integers truncate


def _new_datastream(client: TestClient, auth: dict[str, str]) -> int:
    """A third Datastream (id 3) on Thing 1, with the same Sensor and ObservedProperty."""
    body = {
        "name": "ETS",
        "description": "Werte 1 bis 12",
        "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
        "unitOfMeasurement": {"name": "Stufe", "symbol": "", "definition": ""},
        "Sensor": {"@iot.id": 1},
        "ObservedProperty": {"@iot.id": 1},
    }
    response = client.post(f"{STA}/Things(1)/Datastreams", json=body, headers=auth)
    assert response.status_code == 201, response.text
    ds_id: int = response.json()["@iot.id"]
    assert ds_id == 3
    return ds_id


HUGE_IDS = (9223372036854775807, 2147483648, 99999999999999999999)
"""Ids no entity has: 2^31 (beyond what a 32-bit id column held), the 64-bit limit and beyond."""


def test_ids_beyond_the_id_column_are_not_found(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    for key in HUGE_IDS:
        url = f"{STA}/Things({key})"
        for method, body in (("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)):
            response = client.request(method, url, json=body, headers=auth)
            assert response.status_code == 404, (method, key, response.text)
            assert str(key) in response.json()["message"]
        put = client.put(url, json={"name": "x", "description": "y"}, headers=auth)
        assert put.status_code == 404, put.text
        nested = client.get(f"{STA}/Things({seeded['Segment A']})/Datastreams({key})")
        assert nested.status_code == 404, nested.text
        # a link to such an id is a link into nothing (400 naming it), like any unknown id;
        # beyond 64 bits a JSON body's number is refused as no whole number (also 400)
        linked = _observation(client, auth, key, phenomenonTime="2021-01-01T00:00:00Z", result=1)
        assert linked.status_code == 400, linked.text
        if key < 2**63:
            assert str(key) in linked.json()["message"], linked.text
    assert client.get(f"{STA}/Things({seeded['Segment A']})").status_code == 200


def test_a_huge_id_fails_only_its_row_or_batch_part(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    big = HUGE_IDS[0]
    group = {
        "Datastream": {"@iot.id": seeded["ds"]},
        "components": ["phenomenonTime", "result", "FeatureOfInterest/id"],
        "dataArray": [
            ["2022-01-01T00:00:00Z", 1, 1],
            ["2022-01-01T01:00:00Z", 2, big],
            ["2022-01-01T02:00:00Z", 3, 1],
        ],
    }
    response = client.post(f"{STA}/CreateObservations", json=[group], headers=auth)
    assert response.status_code == 201, response.text
    links = response.json()
    assert links[0].startswith("http") and links[2].startswith("http"), links
    assert links[1].startswith("error") and str(big) in links[1], links
    requests = [
        {"id": "huge", "method": "get", "url": f"Things({big})"},
        {"id": "patch", "method": "patch", "url": f"Things({big})", "body": {"name": "x"}},
        {
            "id": "obs",
            "method": "post",
            "url": "Observations",
            "body": {"result": 4, "Datastream": {"@iot.id": big}},
        },
        {"id": "ok", "method": "get", "url": f"Things({seeded['Segment A']})"},
        {
            "id": "made",
            "method": "post",
            "url": "Things",
            "body": {"name": "N", "description": "D"},
        },
    ]
    answer = client.post(f"{STA}/$batch", json={"requests": requests}, headers=auth)
    assert answer.status_code == 200, answer.text
    status = {r["id"]: r["status"] for r in answer.json()["responses"]}
    assert status == {"huge": 404, "patch": 404, "obs": 400, "ok": 200, "made": 201}, status


INSTANT = "2021-06-03T00:00:00Z"
INTERVAL = "2021-06-03T00:00:00Z/2021-06-03T01:00:00Z"


def test_duplicate_rule_compares_the_whole_phenomenon_time(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    ds = seeded["ds"]
    assert _observation(client, auth, ds, phenomenonTime=INSTANT, result=1).status_code == 201
    interval = _observation(client, auth, ds, phenomenonTime=INTERVAL, result=2)
    assert interval.status_code == 201, interval.text
    assert client.get(interval.headers["Location"]).json()["phenomenonTime"] == INTERVAL
    for time in (INSTANT, INTERVAL):
        again = _observation(client, auth, ds, phenomenonTime=time, result=3)
        assert again.status_code == 409, again.text
        assert "phenomenonTime" in again.json()["message"]
    other_end = "2021-06-03T00:00:00Z/2021-06-03T02:00:00Z"
    assert _observation(client, auth, ds, phenomenonTime=other_end, result=4).status_code == 201
    rows = [
        ["2021-06-04T00:00:00Z", 5],
        ["2021-06-04T00:00:00Z/2021-06-04T00:30:00Z", 6],
        ["2021-06-04T00:00:00Z/2021-06-04T00:30:00Z", 7],  # same as the row before
        [INTERVAL, 8],  # stored before
    ]
    group = {"Datastream": {"@iot.id": ds}, "components": ["phenomenonTime", "result"]}
    links = client.post(
        f"{STA}/CreateObservations", json=[{**group, "dataArray": rows}], headers=auth
    ).json()
    assert [link.startswith("http") for link in links] == [True, True, False, False], links
    # changing a time onto another Observation's is a duplicate too, and changes nothing
    moved = client.patch(
        interval.headers["Location"], json={"phenomenonTime": INSTANT}, headers=auth
    )
    assert moved.status_code == 409, moved.text
    assert client.get(interval.headers["Location"]).json()["phenomenonTime"] == INTERVAL


def test_duplicate_rule_is_a_setting_of_each_datastream(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    ds_url = f"{STA}/Datastreams({seeded['ds']})"
    bad = client.patch(ds_url, json={"properties": {"domstadt:duplicates": "ja"}}, headers=auth)
    assert bad.status_code == 400 and "domstadt:duplicates" in bad.json()["message"], bad.text
    allow = {"properties": {"domstadt:duplicates": "allow", "owner": "Stadt Köln"}}
    assert client.patch(ds_url, json=allow, headers=auth).status_code == 200
    twice = [
        _observation(client, auth, seeded["ds"], phenomenonTime=INSTANT, result=n) for n in (1, 2)
    ]
    assert [r.status_code for r in twice] == [201, 201], twice[1].text
    rows = [[INSTANT, 3], [INSTANT, 4]]
    body = [
        {
            "Datastream": {"@iot.id": seeded["ds"]},
            "components": ["phenomenonTime", "result"],
            "dataArray": rows,
        }
    ]
    links = client.post(f"{STA}/CreateObservations", json=body, headers=auth).json()
    assert all(link.startswith("http") for link in links), links
    filtered = {"$filter": f"phenomenonTime eq {INSTANT}", "$count": "true"}
    assert client.get(f"{ds_url}/Observations", params=filtered).json()["@iot.count"] == 4
    # back to refuse: not while duplicates are stored (409, the setting stays)
    refuse = {"properties": {"domstadt:duplicates": "refuse"}}
    conflict = client.patch(ds_url, json=refuse, headers=auth)
    assert conflict.status_code == 409, conflict.text
    assert client.get(ds_url).json()["properties"]["domstadt:duplicates"] == "allow"
    extra = client.get(f"{ds_url}/Observations", params=filtered).json()["value"][1:]
    for obs in extra:
        assert client.delete(obs["@iot.selfLink"], headers=auth).status_code == 200
    assert client.patch(ds_url, json=refuse, headers=auth).status_code == 200
    again = _observation(client, auth, seeded["ds"], phenomenonTime=INSTANT, result=5)
    assert again.status_code == 409, again.text
    # without the key the default applies: refuse
    assert client.patch(ds_url, json={"properties": {}}, headers=auth).status_code == 200
    assert (
        _observation(client, auth, seeded["ds"], phenomenonTime=INSTANT, result=6).status_code
        == 409
    )


def test_ids_read_back_when_several_rows_share_a_start(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int], db: Database
) -> None:
    """The fallback of the bulk insert (ids not confirmed) finds the new rows' ids although an
    instant and an interval, and duplicates of an allowing stream, share their start."""
    ds_url = f"{STA}/Datastreams({seeded['ds']})"
    allow = {"properties": {"domstadt:duplicates": "allow"}}
    assert client.patch(ds_url, json=allow, headers=auth).status_code == 200
    assert (
        _observation(client, auth, seeded["ds"], phenomenonTime=INSTANT, result=0).status_code
        == 201
    )
    with db.session() as session:
        builder = bulk._Builder(session, seeded["ds"])
        rows = [
            builder.row(["phenomenonTime", "result"], [time, n])
            for n, time in enumerate((INSTANT, INTERVAL, INSTANT, "2021-06-05T00:00:00Z"), 1)
        ]
        ids = bulk._insert(session, rows)  # the normal path (returns confirmed ids)
        assert bulk._read_back_ids(session, rows) == ids
        results = {
            o.id: o.result_number
            for o in session.query(m.Observation).filter(m.Observation.id.in_(ids))
        }
    assert [results[i] for i in ids] == [1, 2, 3, 4]
