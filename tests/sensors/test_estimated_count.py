"""$count on large observation sets: exact below the threshold, estimated and flagged above."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.sensors.sta import counting
from tests.sensors.conftest import STA


@pytest.fixture
def many(
    client: TestClient, db: Database, seeded: dict[str, int], auth: dict[str, str]
) -> dict[str, int]:
    """120 more observations (132 in all) and fresh statistics, with a threshold of 50."""
    rows = [[f"2014-02-04T{i // 12:02d}:{5 * (i % 12):02d}:00Z", i] for i in range(120)]
    body = [
        {
            "Datastream": {"@iot.id": seeded["ds"]},
            "components": ["phenomenonTime", "result"],
            "dataArray": rows,
        }
    ]
    assert client.post(f"{STA}/CreateObservations", json=body, headers=auth).status_code == 201
    with db.session() as session:
        session.execute(
            text("ANALYZE sta_observation" if db.dialect == "postgresql" else "ANALYZE")
        )
    return seeded


def _count(client: TestClient, url: str, **params: str) -> dict[str, object]:
    response = client.get(url, params={"$count": "true", "$top": "1", **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_large_sets_are_estimated_and_say_so(
    client: TestClient, many: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counting, "THRESHOLD", 50)
    body = _count(client, f"{STA}/Observations")
    assert body["domstadt:countEstimated"] is True
    assert 51 <= body["@iot.count"] <= 400  # type: ignore[operator]
    own = _count(
        client, f"{STA}/Datastreams({many['ds']})/Observations", **{"$filter": "result lt 80"}
    )
    assert own["domstadt:countEstimated"] is True
    assert 51 <= own["@iot.count"] <= 400  # type: ignore[operator]
    expanded = client.get(
        f"{STA}/Datastreams({many['ds']})", params={"$expand": "Observations($count=true;$top=1)"}
    ).json()
    assert expanded["Observations@domstadt:countEstimated"] is True


def test_small_sets_stay_exact(
    client: TestClient, many: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counting, "THRESHOLD", 50)
    none = _count(client, f"{STA}/Observations", **{"$filter": "result gt 1000"})
    assert none["@iot.count"] == 0 and "domstadt:countEstimated" not in none
    few = _count(client, f"{STA}/Observations", **{"$filter": "result lt 20"})
    assert few["@iot.count"] == 22 and "domstadt:countEstimated" not in few
    things = _count(client, f"{STA}/Things")
    assert things["@iot.count"] == 2 and "domstadt:countEstimated" not in things
    monkeypatch.setattr(counting, "THRESHOLD", 1_000_000)
    assert _count(client, f"{STA}/Observations")["@iot.count"] == 132
