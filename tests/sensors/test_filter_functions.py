"""$filter functions and $orderby through the HTTP API: date parts, the date and time functions
of OGC 18-088 Table 23, null results, JSON ordering, argument counts, Unicode case mapping."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.sensors.odata.functions import FUNCTIONS
from domstadt.sensors.odata.geo import GEO_FUNCTIONS
from tests.sensors.conftest import STA, thing_payload


def _get(client: TestClient, entity: str, params: dict[str, str]) -> dict[str, Any]:
    """The JSON answer of a successful GET of ``entity`` with ``params``."""
    response = client.get(f"{STA}/{entity}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _count(client: TestClient, query: str, entity: str = "Observations") -> int:
    """@iot.count of the entities matching the $filter ``query``."""
    count: int = _get(client, entity, {"$filter": query, "$count": "true"})["@iot.count"]
    return count


def _results(client: TestClient, query: str) -> list[Any]:
    """The results of the Observations matching ``query``, by id."""
    body = _get(client, "Observations", {"$filter": query, "$orderby": "id", "$top": "1000"})
    return [o["result"] for o in body["value"]]


def _error(client: TestClient, entity: str, params: dict[str, str]) -> str:
    """The message of the 400 answer to a GET of ``entity`` with ``params``."""
    response = client.get(f"{STA}/{entity}", params=params)
    assert response.status_code == 400, response.text
    message: str = response.json()["message"]
    return message


def _add(client: TestClient, auth: dict[str, str], ds: int, rows: list[list[Any]]) -> None:
    """Observations of Datastream ``ds`` from [phenomenonTime, result] rows."""
    body = [
        {
            "Datastream": {"@iot.id": ds},
            "components": ["phenomenonTime", "result"],
            "dataArray": rows,
        }
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 201, response.text
    assert all(link.startswith("http") for link in response.json()), response.text


def _add_results(
    client: TestClient, auth: dict[str, str], ids: dict[str, int], *results: Any
) -> None:
    """Observations with ``results`` on the seeded Datastream, a minute apart from 2015."""
    rows = [[f"2015-01-01T00:{i:02d}:00Z", result] for i, result in enumerate(results)]
    _add(client, auth, ids["ds"], rows)


@pytest.fixture
def timed(client: TestClient, auth: dict[str, str], seeded: dict[str, int]) -> dict[str, int]:
    """The seeded 12 observations (2014-02-03T00:00 … 00:55Z) and two with fractional seconds."""
    _add(
        client,
        auth,
        seeded["ds"],
        [["2015-06-15T13:45:30.5Z", 1], ["2016-12-31T23:59:59.125+00:00", 2]],
    )
    return seeded


def test_date_parts_are_not_mixed_up_by_the_statement_cache(
    client: TestClient, timed: dict[str, int]
) -> None:
    assert _count(client, "year(phenomenonTime) eq 2014") == 12
    assert _count(client, "month(phenomenonTime) eq 2014") == 0
    assert _count(client, "month(phenomenonTime) eq 2") == 12
    assert _count(client, "day(phenomenonTime) eq 3") == 12
    assert _count(client, "hour(phenomenonTime) eq 0") == 12
    assert _count(client, "hour(phenomenonTime) eq 13") == 1
    assert _count(client, "minute(phenomenonTime) eq 2014") == 0
    assert _count(client, "minute(phenomenonTime) eq 45") == 2  # 00:45 and 13:45
    assert _count(client, "second(phenomenonTime) eq 0") == 12
    assert _count(client, "second(phenomenonTime) eq 59") == 1
    assert _count(client, "year(phenomenonTime) eq 2016") == 1


def test_date_and_time_functions_of_table_23(client: TestClient, timed: dict[str, int]) -> None:
    assert _count(client, "date(phenomenonTime) eq 2014-02-03") == 12
    assert _count(client, "date(phenomenonTime) gt 2014-02-03") == 2
    assert _count(client, "2016-12-31 eq date(phenomenonTime)") == 1
    assert _count(client, "date(phenomenonTime) eq date(resultTime)") == 0
    assert _count(client, "time(phenomenonTime) eq 13:45:30.5") == 1
    assert _count(client, "time(phenomenonTime) lt 00:10") == 2
    assert _count(client, "time(phenomenonTime) ge 23:59:59.125") == 1
    assert _count(client, "time(phenomenonTime) eq 00:05:00") == 1
    assert _count(client, "fractionalseconds(phenomenonTime) eq 0.5") == 1
    assert _count(client, "fractionalseconds(phenomenonTime) eq 0.125") == 1
    assert _count(client, "fractionalseconds(phenomenonTime) gt 0") == 2
    assert _count(client, "fractionalseconds(phenomenonTime) eq 0") == 12
    assert _count(client, "totaloffsetminutes(phenomenonTime) eq 0") == 14
    assert _count(client, "totaloffsetminutes(2014-01-01T00:00:00+01:30) eq 90") == 14
    assert _count(client, "totaloffsetminutes(resultTime) eq 0") == 0  # null stays null
    assert (
        _count(client, "phenomenonTime gt mindatetime() and phenomenonTime lt maxdatetime()") == 14
    )
    assert _count(client, "mindatetime() lt 0001-01-01T00:00:00.000001Z") == 14
    assert _count(client, "maxdatetime() gt 9999-12-31T23:59:59.999998Z") == 14
    assert _count(client, "year(maxdatetime()) eq 9999 and year(mindatetime()) eq 1") == 14
    assert _count(client, "date(maxdatetime()) eq 9999-12-31") == 14
    assert _count(client, "time(maxdatetime()) eq 23:59:59.999999") == 14


def test_date_literals_and_time_literals(client: TestClient, timed: dict[str, int]) -> None:
    assert _count(client, "phenomenonTime ge 2015-01-01") == 2  # a date is midnight UTC
    assert _count(client, "2015-01-01 gt phenomenonTime") == 12
    assert "ungültige Uhrzeit '24:00'" in _error(
        client, "Observations", {"$filter": "time(phenomenonTime) eq 24:00"}
    )
    assert "ungültiges Datum '2014-02-30'" in _error(
        client, "Observations", {"$filter": "date(phenomenonTime) eq 2014-02-30"}
    )
    message = _error(client, "Observations", {"$filter": "time(phenomenonTime) eq 2014-02-03"})
    assert "Uhrzeit erwartet, aber Datum gefunden" in message
    message = _error(client, "Things", {"$filter": "properties/lanes eq 2014-02-03"})
    assert "Datum" in message


def test_date_functions_refuse_literals_outside_utc(
    client: TestClient, timed: dict[str, int]
) -> None:
    message = _error(client, "Observations", {"$filter": "hour(2014-01-01T10:00:00+01:00) eq 9"})
    assert "hour" in message and "UTC" in message and "Position 6" in message
    assert _count(client, "hour(2014-01-01T10:00:00+00:00) eq 10") == 14


def test_result_compared_with_null(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    _add_results(client, auth, seeded, None, "abc", {"a": None}, False)
    numbers = [i * 10 for i in range(12)]
    assert _results(client, "result eq null") == [None]
    assert _results(client, "null eq result") == [None]
    assert _results(client, "result ne null") == [*numbers, "abc", {"a": None}, False]
    assert _results(client, "null ne result") == [*numbers, "abc", {"a": None}, False]
    assert _results(client, "result eq 0") == [0]
    assert _results(client, "not (result eq null) and result lt 15") == [0, 10]


def _things_with(
    client: TestClient, auth: dict[str, str], identifiers: list[Any]
) -> dict[int, Any]:
    ids = {}
    for i, identifier in enumerate(identifiers):
        payload = thing_payload(f"Ding {i}")
        if identifier is not None:
            payload["properties"]["identifier"] = identifier
        response = client.post(f"{STA}/Things", json=payload, headers=auth)
        assert response.status_code == 201, response.text
        ids[response.json()["@iot.id"]] = identifier
    return ids


def _ordered(client: TestClient, entity: str, orderby: str, top: int = 100) -> list[Any]:
    """Every entity in the order of ``orderby``, following the next links in pages of ``top``."""
    body = _get(client, entity, {"$orderby": orderby, "$top": str(top)})
    out = body["value"]
    while "@iot.nextLink" in body:
        response = client.get(body["@iot.nextLink"])
        assert response.status_code == 200, response.text
        body = response.json()
        out += body["value"]
    return out


def test_orderby_json_values_numbers_then_text_then_null(
    client: TestClient, auth: dict[str, str]
) -> None:
    _things_with(client, auth, ["b-2", 30, "a-10", None, 5, "c", True, 2.5, False, "30"])
    expected = [2.5, 5, 30, "30", "a-10", "b-2", "c", False, True, None]
    for top in (100, 3):
        asc = _ordered(client, "Things", "properties/identifier asc,id", top)
        assert [t["properties"].get("identifier") for t in asc] == expected
    desc = _ordered(client, "Things", "properties/identifier desc,id", 4)
    assert [t["properties"].get("identifier") for t in desc] == expected[::-1]


def test_orderby_result_numbers_then_text(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    _add_results(client, auth, seeded, "b", "a", 5)
    results = [o["result"] for o in _ordered(client, "Observations", "result asc,id", 5)]
    assert results == [0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, "a", "b"]


def _max_arguments(name: str) -> int:
    if name in FUNCTIONS:
        return max(FUNCTIONS[name][0])
    return {"st_relate": 3, "geo.length": 1}.get(name, 2)


@pytest.mark.parametrize("name", sorted([*FUNCTIONS, *GEO_FUNCTIONS]))
def test_every_function_refuses_surplus_arguments(
    client: TestClient, seeded: dict[str, int], name: str
) -> None:
    wanted = _max_arguments(name)
    args = ", ".join(["location"] * (wanted + 1))
    query = f"{name}({args}) eq 1"
    message = _error(client, "Locations", {"$filter": query})
    assert message.startswith(f"$filter: {name} erwartet "), message
    surplus = len(f"{name}(") + len("location, ") * wanted + 1
    assert f"nicht {wanted + 1} (Position {surplus})" in message, message


def test_wrong_argument_counts_are_400_naming_function_count_and_position(
    client: TestClient, seeded: dict[str, int]
) -> None:
    message = _error(client, "Things", {"$filter": "length(name, 2) eq 1"})
    assert message == "$filter: length erwartet 1 Argument, nicht 2 (Position 14)"
    message = _error(client, "Things", {"$filter": "substring(name) eq 'x'"})
    assert message == "$filter: substring erwartet 2 oder 3 Argumente, nicht 1 (Position 1)"
    message = _error(client, "Things", {"$filter": "name eq now(name)"})
    assert message == "$filter: now erwartet keine Argumente, nicht 1 (Position 13)"
    message = _error(client, "Things", {"$filter": "contains(name) and true"})
    assert message == "$filter: contains erwartet 2 Argumente, nicht 1 (Position 1)"
    message = _error(client, "Things", {"$orderby": "length()"})
    assert message == "$orderby: length erwartet 1 Argument, nicht 0 (Position 1)"


def test_tolower_and_toupper_map_unicode(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{STA}/Things", json=thing_payload("Ärger Öde Übel"), headers=auth)
    assert response.status_code == 201, response.text
    client.post(f"{STA}/Things", json=thing_payload("anderes"), headers=auth)
    assert _count(client, "tolower('ÄÖÜ') eq 'äöü'", "Things") == 2
    assert _count(client, "toupper('äöüé') eq 'ÄÖÜÉ'", "Things") == 2
    assert _count(client, "tolower(name) eq 'ärger öde übel'", "Things") == 1
    assert _count(client, "toupper(name) eq 'ÄRGER ÖDE ÜBEL'", "Things") == 1
    assert _count(client, "contains(tolower(name), 'öde')", "Things") == 1
    names = _ordered(client, "Things", "toupper(name) desc")
    assert [t["name"] for t in names] == ["Ärger Öde Übel", "anderes"]


def test_json_values_compare_only_with_values_of_their_type(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    _add_results(client, auth, seeded, True, "x", False)
    assert _count(client, "properties/owner lt 1", "Things") == 0
    assert _count(client, "properties/owner eq true", "Things") == 0
    assert _count(client, "properties/lanes eq 2 and properties/lanes lt 3", "Things") == 2
    assert _results(client, "result eq true") == [True]
    assert _results(client, "result eq false or result eq 'x'") == ["x", False]
    assert _results(client, "result lt 5") == [0]
    message = _error(client, "Locations", {"$orderby": "location"})
    assert message == "$orderby: nach Geometrie kann nicht sortiert werden (Position 1)"


def test_text_literals_compare_only_with_json_strings(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    _add_results(client, auth, seeded, True, {"a": 1}, "1", "2", False, [1])
    # the seeded numeric results 0, 10, …, 110 compare as their text (issue 15, FROST, the OGC
    # test suite); booleans, objects and arrays match no text literal
    numbers = [10 * i for i in range(12)]
    assert _results(client, "result eq '1'") == ["1"]
    assert _results(client, "result eq '110'") == [110]
    assert _results(client, "result ge '1'") == [n for n in numbers if str(n) >= "1"] + ["1", "2"]
    assert _results(client, "result ne '1'") == [*numbers, "2"]
    assert _results(client, "result lt '1'") == [0]
    assert _results(client, "result eq '{\"a\":1}' or result eq '[1]'") == []
    assert _results(client, "contains(result, '1')") == [10, 100, 110, "1"]
    payload = thing_payload("Typen")
    payload["properties"] |= {"f": True, "z": False, "o": {"a": 1}, "s": "1"}
    response = client.post(f"{STA}/Things", json=payload, headers=auth)
    assert response.status_code == 201, response.text
    for query in (
        "properties/f eq '1'",
        "properties/f eq 'true'",
        "properties/z eq '0'",
        "properties/z lt '1'",
        "properties/o eq '{\"a\":1}'",
        "properties/o ne 'x'",
        "properties/lanes eq '2'",
        "length(properties/o) gt 0",
    ):
        assert _count(client, query, "Things") == 0, query
    assert _count(client, "properties/s eq '1'", "Things") == 1
    assert _count(client, "properties/s ne '2'", "Things") == 1
    assert _count(client, "properties/owner ne 'Land NRW'", "Things") == 2


def test_div_truncates_integers_and_divides_floats(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    total = _count(client, "true", "Things")
    assert _count(client, "7 div 2 eq 3", "Things") == total
    assert _count(client, "-7 div 2 eq -3", "Things") == total  # toward zero, not -4
    assert _count(client, "7 div -2 eq -3", "Things") == total
    assert _count(client, "10 div 4 mul 4 eq 8", "Things") == total
    assert _count(client, "7.0 div 2 eq 3.5 and 7 div 2.0 eq 3.5", "Things") == total
    assert _count(client, "7 divby 2 eq 3.5 and -7 divby 2 eq -3.5", "Things") == total
    assert _count(client, "7 mod 3 eq 1 and -7 mod 3 eq -1 and 7 mod -3 eq 1", "Things") == total
    assert _count(client, "7.5 mod 2 eq 1.5 and -7.5 mod 2 eq -1.5", "Things") == total
    a = seeded["Segment A"]
    assert _count(client, f"id eq {2 * a + 1} div 2", "Things") == 1
    assert _count(client, f"id div 2 eq {a // 2} and id eq {a}", "Things") == 1
    assert _count(client, f"id eq {a}.5 div 1", "Things") == 0
    assert _results(client, "result div 20 eq 0.5") == [10]
    assert _results(client, "result divby 20 eq 0.5") == [10]
    assert _results(client, "result mod 40 eq 30") == [30, 70, 110]
    _add_results(client, auth, seeded, 7.5)
    assert _results(client, "result mod 2 eq 1.5") == [7.5]
    assert _results(client, "result div 2 eq 3.75") == [7.5]
