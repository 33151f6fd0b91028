"""The SensorThings HTTP layer: cookie-less requests take the direct lane, browser sessions the
full stack (with CSRF); both answer the same way and are counted and protected alike."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import login, make_user
from tests.sensors.conftest import STA


def _observation(ds: int, hour: int) -> dict[str, object]:
    return {
        "phenomenonTime": f"2020-05-01T{hour:02d}:00:00Z",
        "result": hour,
        "Datastream": {"@iot.id": ds},
    }


def test_direct_lane_answers_with_headers_and_metrics(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    client.cookies.clear()
    created = client.post(f"{STA}/Observations", json=_observation(seeded["ds"], 1), headers=auth)
    assert created.status_code == 201, created.text
    assert created.headers["x-content-type-options"] == "nosniff"
    assert created.headers["content-type"] == "application/json"
    assert created.headers["content-language"] == "de"
    english = client.get(f"{STA}/Things(999)?lang=en")
    assert english.headers["content-language"] == "en" and "set-cookie" in english.headers
    client.cookies.clear()
    for landing in (STA, f"{STA}/"):
        body = client.get(landing).json()
        assert any(v["name"] == "Observations" for v in body["value"])
    metrics = client.get("/metrics").text
    assert 'route="/sta/v1.1/{path}",status="201"' in metrics


def test_bad_requests_get_the_sensorthings_envelope(
    client: TestClient, auth: dict[str, str], seeded: dict[str, int]
) -> None:
    client.cookies.clear()
    broken = client.post(
        f"{STA}/Observations",
        content=b'{"result": 1,',
        headers={**auth, "content-type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["type"] == "error"
    assert "kein gültiges JSON (Zeile 1" in broken.json()["message"]
    options = client.options(f"{STA}/Things")
    assert options.status_code == 405 and "OPTIONS" in options.json()["message"]
    anonymous = client.post(f"{STA}/Observations", json=_observation(seeded["ds"], 2))
    assert anonymous.status_code in {401, 403}
    bad_token = client.post(
        f"{STA}/Observations",
        json=_observation(seeded["ds"], 2),
        headers={"Authorization": "Bearer nope"},
    )
    assert bad_token.status_code == 401
    assert bad_token.headers["www-authenticate"].startswith("Basic")


def test_browser_session_writes_need_the_csrf_header(
    client: TestClient, db: Database, seeded: dict[str, int]
) -> None:
    make_user(db, "redaktion@example.org", Role.ADMIN)
    login(client, "redaktion@example.org")
    assert client.cookies  # the session cookie: the full stack serves these requests
    refused = client.post(f"{STA}/Observations", json=_observation(seeded["ds"], 3))
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["message"]
    page = client.get("/konto")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    accepted = client.post(
        f"{STA}/Observations",
        json=_observation(seeded["ds"], 3),
        headers={"X-CSRF-Token": token},
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.headers["content-language"] == "de"


def test_division_by_zero_in_a_filter_is_a_bad_request(
    client: TestClient, db: Database, seeded: dict[str, int]
) -> None:
    # SQLite gives NULL (no match); PostgreSQL refuses the value: a 400, never a 500
    response = client.get(f"{STA}/Things", params={"$filter": "id div 0 eq 1"})
    if db.url.startswith("sqlite"):
        assert response.status_code == 200 and response.json()["value"] == []
    else:
        assert response.status_code == 400, response.text
        assert "division by zero" in response.json()["message"]
