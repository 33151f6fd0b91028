"""Analysis across sources: lagged correlation, seasonal anomalies on real traffic data with an
injected spike, and the dashboard showing both."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.sensors import analysis as st
from domstadt.sensors import import_service
from tests.sensors.conftest import STA, thing_payload
from tests.sensors.test_dashboard_and_import import _small_traffic

START = dt.datetime(2014, 2, 3, tzinfo=dt.UTC)


def test_pearson_lag_and_slots() -> None:
    a = {t: math.sin(t / 3) for t in range(60)}
    b = {t + 2: v * 2 + 1 for t, v in a.items()}  # b follows a by 2 buckets
    zero, best = st.best_lag(a, b, 4)
    assert best.lag == 2 and best.r is not None and best.r > 0.999 and best.n == 60
    assert zero.r is not None and zero.r < best.r
    assert st.pearson([1, 1, 1], [1, 2, 3]) is None  # constant series: no r
    # 07:30 UTC on Monday 3 Feb 2014 is 08:30 in Cologne; Saturday is weekend
    assert st.Slot.of(dt.datetime(2014, 2, 3, 7, 30, tzinfo=dt.UTC)).label == "Mo–Fr 08–09 Uhr"
    assert st.Slot.of(dt.datetime(2014, 2, 8, 23, 30, tzinfo=dt.UTC)).weekend
    assert st.profile([0, 0, 0, 0, 4]).mad > 0  # MAD 0: mean absolute deviation stands in
    days = [dt.datetime(1963, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=d) for d in range(40)]
    assert st.slot_function(days)(days[35]).label == "Monat Februar"  # daily series: months
    five_min = [START + dt.timedelta(minutes=5 * i) for i in range(40)]
    assert st.slot_function(five_min)(five_min[0]).label == "Mo–Fr 01–02 Uhr"


def _thing_with_series(
    client: TestClient, auth: dict[str, str], name: str, values: list[float]
) -> int:
    response = client.post(f"{STA}/Things", json=thing_payload(name), headers=auth)
    assert response.status_code == 201, response.text
    thing = response.json()["@iot.id"]
    ds = client.get(f"{STA}/Things({thing})/Datastreams").json()["value"][0]["@iot.id"]
    rows = [
        [(START + dt.timedelta(hours=i)).isoformat().replace("+00:00", "Z"), v]
        for i, v in enumerate(values)
    ]
    body = [
        {
            "Datastream": {"@iot.id": ds},
            "components": ["phenomenonTime", "result"],
            "dataArray": rows,
        }
    ]
    assert client.post(f"{STA}/CreateObservations", json=body, headers=auth).status_code == 201
    return int(ds)


def test_correlation_finds_the_lag_between_two_datastreams(
    client: TestClient, auth: dict[str, str]
) -> None:
    wave = [10 + 5 * math.sin(i / 4) for i in range(72)]
    rain = _thing_with_series(client, auth, "Regen", wave)
    river = _thing_with_series(client, auth, "Pegel", [0.0, 0.0, 0.0] + [w * 3 for w in wave[:-3]])
    noise = _thing_with_series(client, auth, "Rauschen", [(i * 7919) % 13 for i in range(72)])
    params: Any = {
        "datastream": [rain, river, noise],
        "start": "2014-02-03T00:00:00Z",
        "end": "2014-02-06T00:00:00Z",
        "bucket": 3600,
        "max_lag": 6,
    }
    found = client.get("/api/v1/sensors/correlation", params=params).json()
    assert len(found["pairs"]) == 3
    top = found["pairs"][0]  # strongest first
    assert (top["a"], top["b"]) == (rain, river)
    assert top["lag_seconds"] == 3 * 3600 and top["r"] > 0.99 and top["n"] == 69
    assert top["r_at_zero"] < top["r"]
    assert "sehr stark positiv" in top["summary"] and "folgt" in top["summary"]
    assert "3 Stunden" in top["summary"] and "Pegel" in top["summary"]
    assert all(abs(p["r"]) < 0.5 for p in found["pairs"][1:])
    assert top["flags"] == []

    one = client.get("/api/v1/sensors/correlation", params={**params, "datastream": [rain]})
    assert one.status_code == 422 and "2 bis 10" in one.json()["error"]["message"]
    missing = client.get(
        "/api/v1/sensors/correlation", params={**params, "datastream": [rain, 999]}
    )
    assert missing.status_code == 404 and "999" in missing.json()["error"]["message"]


def test_correlation_flags_copies_constant_series_and_a_lag_at_the_edge(
    client: TestClient, auth: dict[str, str]
) -> None:
    """The demo's traffic data had a series 'correlating' with its own copy at r = 1.00 and
    constant code series; such figures are flagged and explained, not reported as findings."""
    wave = [10 + 5 * math.sin(i / 4) for i in range(72)]
    original = _thing_with_series(client, auth, "Original", wave)
    copy = _thing_with_series(client, auth, "Kopie", wave)
    flat = _thing_with_series(client, auth, "Konstant", [16.0] * 72)
    late = _thing_with_series(client, auth, "Spät", [0.0] * 5 + wave[:-5])
    params: Any = {
        "start": "2014-02-03T00:00:00Z",
        "end": "2014-02-06T00:00:00Z",
        "bucket": 3600,
        "max_lag": 3,
    }
    pairs = client.get(
        "/api/v1/sensors/correlation", params={**params, "datastream": [original, copy, flat]}
    ).json()["pairs"]
    by_pair = {(p["a"], p["b"]): p for p in pairs}
    twin = by_pair[(original, copy)]
    assert twin["flags"] == ["copy"] and "dieselbe Messung zweimal" in twin["summary"]
    constant = by_pair[(original, flat)]
    assert constant["r"] is None and constant["flags"] == ["constant"]
    assert "konstant" in constant["summary"]
    edge = client.get(
        "/api/v1/sensors/correlation", params={**params, "datastream": [original, late]}
    ).json()["pairs"][0]
    assert edge["lag_buckets"] == 3 and edge["flags"] == ["lag_at_edge"]
    assert "Rand des durchsuchten Bereichs" in edge["summary"]


def test_anomalies_on_real_traffic_data_with_an_injected_spike(
    client: TestClient, db: Database, auth: dict[str, str], tmp_path: Path
) -> None:
    geojson, csv_path = _small_traffic(tmp_path)
    with db.session() as session:
        import_service.import_traffic(
            session, actor=system_actor("tests"), geojson_path=geojson, csv_path=csv_path
        )
    streams = client.get("/api/v1/sensors/datastreams").json()
    ds, other = streams[0]["datastream_id"], streams[1]["datastream_id"]
    spike = {
        "Datastream": {"@iot.id": ds},
        "components": ["phenomenonTime", "result"],
        "dataArray": [["2014-02-04T11:02:30Z", 250]],
    }
    assert client.post(f"{STA}/CreateObservations", json=[spike], headers=auth).status_code == 201

    report = client.get(f"/api/v1/sensors/datastreams/{ds}/anomalies").json()
    assert report["observations"] > 800 and report["threshold_mads"] == 5.0
    first = report["anomalies"][0]  # largest deviation first
    assert first["time"].startswith("2014-02-04T11:02:30") and first["observed"] == 250
    assert first["slot"] == "Mo–Fr 12–13 Uhr"  # 11:02 UTC is 12:02 in Cologne, a Tuesday
    assert first["expected_low"] <= first["expected_median"] <= first["expected_high"] < 250
    assert first["deviation_mads"] > 5 and first["basis"] in {"slot", "global"}
    assert "Beobachtet 250,00, erwartet" in first["explanation"]
    assert "MAD über dem Median" in first["explanation"]
    assert len(report["anomalies"]) <= 5  # the real series itself is mostly unremarkable
    # a stricter threshold keeps the spike and drops the rest
    strict = client.get(
        f"/api/v1/sensors/datastreams/{ds}/anomalies", params={"threshold": 43}
    ).json()
    assert [a["observed"] for a in strict["anomalies"]] == [250]
    bad = client.get(f"/api/v1/sensors/datastreams/{ds}/anomalies", params={"threshold": 0})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "threshold"

    page = client.get("/sensoren", params={"a": ds, "b": other})
    assert page.status_code == 200
    assert "Analyse über Quellen hinweg" in page.text and "hängen" in page.text
    assert "Beobachtet 250,00" in page.text and "Erwarteter Bereich" in page.text
    english = client.get("/sensoren", params={"a": ds, "b": "", "lang": "en"})  # B: none
    assert english.status_code == 200 and "Expected range" in english.text
    assert "Correlation (JSON)" not in english.text
