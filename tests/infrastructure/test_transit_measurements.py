"""Connectivity measurements on the real VBB network: CSV upload (API and CLI) snapped to the
nearest segment (the brute-force answer), off-route kept, refusals, gap figures with
confidence, exports that parse, the page, permissions and the catalogue dataset."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.infrastructure import transit_service
from domstadt.infrastructure.transit import geo
from domstadt.infrastructure.transit.models import TransitMeasurement, TransitSegment
from tests.conftest import make_token, make_user
from tests.infrastructure.transit_helpers import csv_rows, import_vbb, midpoint, near
from tests.masterplan.conftest import plan  # noqa: F401  (fixture)

COLOGNE = (6.9583, 50.9413)


def _bearer(db: Database, role: Role, email: str) -> dict[str, str]:
    make_user(db, email, role, department_code="DIG" if role == Role.EDITOR else None)
    return {"Authorization": f"Bearer {make_token(db, email)}"}


def _segments(db: Database) -> list[tuple[int, list[list[float]]]]:
    with db.session() as session:
        rows = session.execute(
            select(TransitSegment.id, TransitSegment.coordinates).order_by(TransitSegment.id)
        )
        return [(r[0], r[1]) for r in rows]


def _rows(db: Database) -> tuple[list[dict[str, Any]], int, int]:
    """35 measurements: 30 near segment 0 (6 without connection, two months, two operators),
    3 near segment 100, 2 in Cologne (off-route); returns rows and the expected segments."""
    segments = _segments(db)
    lines = [geo.metric_line(c) for _, c in segments]
    rows: list[dict[str, Any]] = []
    expected = []
    for pick, n in ((0, 30), (100, 3)):
        lon, lat = near(*midpoint(segments[pick][1]), 12)
        x, y = geo.to_metric([lon], [lat])
        index, _ = geo.brute_force_nearest(lines, float(x[0]), float(y[0]), 50)
        expected.append(segments[index][0])
        for i in range(n):
            dead = pick == 0 and i % 5 == 0
            rows.append(
                {
                    "time": f"2026-0{1 + i % 2}-1{i % 9}T08:00:00+01:00",
                    "lat": lat,
                    "lon": lon,
                    "accuracy_m": 8,
                    "operator": "Telekom" if i % 2 else "Vodafone",
                    "network_type": "LTE",
                    "signal_dbm": -97,
                    "no_connection": "ja" if dead else "nein",
                    "down_mbit": "" if dead else 4 + i,
                    "up_mbit": "" if dead else 2,
                    "latency_ms": 40,
                }
            )
    for _ in range(2):
        rows.append(
            {"time": "2026-01-05T10:00:00Z", "lat": COLOGNE[1], "lon": COLOGNE[0], "down_mbit": 50}
        )
    return rows, expected[0], expected[1]


def _upload(client: TestClient, headers: dict[str, str], content: bytes) -> Any:
    return client.post(
        "/api/v1/transit/measurements",
        headers=headers,
        files={"file": ("messungen.csv", content, "text/csv")},
    )


def test_csv_upload_snaps_and_aggregates(client: TestClient, plan: Database) -> None:  # noqa: F811
    db = plan
    import_vbb(db)
    editor = _bearer(db, Role.EDITOR, "redaktion@example.org")
    rows, busy, sparse = _rows(db)
    answer = _upload(client, editor, csv_rows(rows))
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["taken"], report["on_route"], report["off_route"]) == (35, 33, 2)
    with db.session() as session:
        snapped = {m.segment_id for m in session.scalars(select(TransitMeasurement))}
    assert snapped == {busy, sparse, None}  # the brute-force nearest segment, off-route kept
    again = _upload(client, editor, csv_rows(rows)).json()
    assert again["taken"] == 0 and again["already_known"] == 35

    gaps = {g["segment_id"]: g for g in client.get("/api/v1/transit/gaps").json()}
    assert len(gaps) == 327
    b = gaps[busy]
    assert (b["count"], b["dead"], b["dead_share"]) == (30, 6, 0.2)
    assert b["confidence"] == "high" and b["quality"] == "bad"
    assert b["median_down_mbit"] == 15.5  # 6 dead spots count as 0 Mbit/s
    s = gaps[sparse]
    assert s["count"] == 3 and s["confidence_label"] == "zu wenige Messungen"
    assert s["quality"] == "uncertain"

    overview = client.get("/api/v1/transit/gaps/overview").json()
    assert overview["measurements"] == 35 and overview["off_route"] == 2
    assert overview["worst"][0]["segment_id"] == busy
    assert overview["worst"][-1]["segment_id"] == sparse  # uncertain ones come last
    assert {t["month"]: t["count"] for t in overview["trend"]} == {"2026-01": 17, "2026-02": 16}
    assert {o["operator"]: o["count"] for o in overview["operators"]} == {
        "Telekom": 16,
        "Vodafone": 17,
    }
    january = {
        g["segment_id"]: g
        for g in client.get("/api/v1/transit/gaps", params={"month": "2026-01"}).json()
    }
    assert january[busy]["count"] == 15

    collection = json.loads(client.get("/api/v1/transit/gaps.geojson").content)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 327
    feature = next(f for f in collection["features"] if f["id"] == busy)
    assert feature["geometry"]["type"] == "LineString" and feature["properties"]["count"] == 30
    table = list(csv.DictReader(io.StringIO(client.get("/api/v1/transit/gaps.csv").text)))
    assert (
        len(table) == 327 and next(r for r in table if r["segment_id"] == str(busy))["dead"] == "6"
    )
    assert client.get("/api/v1/transit/gaps.geojson", params={"month": "Mai"}).status_code == 422
    one_more = dict(rows[1], time="2026-05-01T09:00:00Z")  # the map follows every write
    assert _upload(client, editor, csv_rows([one_more])).json()["on_route"] == 1
    collection = json.loads(client.get("/api/v1/transit/gaps.geojson").content)
    assert next(f for f in collection["features"] if f["id"] == busy)["properties"]["count"] == 31

    page = client.get("/infrastruktur/verbindung")
    assert page.status_code == 200
    for text in (
        "Verbindung entlang von ÖPNV-Linien",
        "Schlechteste Abschnitte",
        "zu wenige Messungen",
        "36 Messungen (2 abseits der Linien)",
        "Je Netzbetreiber",
    ):
        assert text in page.text
    assert "/static/transit/gaps.js" in page.text


def test_measurement_without_position_refuses_the_file(
    client: TestClient,
    plan: Database,  # noqa: F811
) -> None:
    db = plan
    import_vbb(db)
    editor = _bearer(db, Role.EDITOR, "redaktion@example.org")
    content = csv_rows(
        [
            {"time": "2026-03-01T10:00:00Z", "lat": 52.5, "lon": 13.1, "down_mbit": 10},
            {"time": "2026-03-01T10:01:00Z", "lat": "", "lon": "", "down_mbit": 10},
            {"time": "gestern", "lat": 52.5, "lon": 13.1},
        ]
    )
    answer = _upload(client, editor, content)
    assert answer.status_code == 422
    details = answer.json()["error"]["details"]
    assert details[0] == {
        "line": 3,
        "field": "lat",
        "message": "Position fehlt (lat und lon nötig)",
    }
    assert details[1]["line"] == 4 and details[1]["field"] == "time"
    with db.session() as session:
        assert session.scalars(select(TransitMeasurement)).first() is None
    no_columns = _upload(client, editor, b"zeit;breite\n2026-01-01;50\n")
    assert (
        no_columns.status_code == 422
        and "time, lat und lon" in no_columns.json()["error"]["message"]
    )


def test_writes_need_an_editor(client: TestClient, db: Database) -> None:
    member = _bearer(db, Role.MEMBER, "mitglied@example.org")
    content = csv_rows([{"time": "2026-03-01T10:00:00Z", "lat": 52.5, "lon": 13.1}])
    assert _upload(client, {}, content).status_code in (401, 403)
    assert _upload(client, member, content).status_code == 403
    feed = client.post(
        "/api/v1/transit/feeds",
        headers=member,
        data={"source": "x"},
        files={"file": ("f.zip", b"PK", "application/zip")},
    )
    assert feed.status_code == 403
    assert client.post("/api/v1/transit/measurements/sync", headers=member).status_code == 403


def test_gap_map_is_published_as_a_dataset(plan: Database) -> None:  # noqa: F811
    import_vbb(plan)
    with plan.session() as session:
        first = transit_service.gaps_publish(
            session, actor=system_actor("t"), department_code="DIG", data_dir=_tmp()
        )
    assert first.created and first.distributions_added == 2
    with plan.session() as session:
        second = transit_service.gaps_publish(
            session, actor=system_actor("t"), department_code="DIG", data_dir=_tmp()
        )
        from domstadt.catalog import service as catalog

        dataset = catalog.dataset_get(
            session, actor=system_actor("t"), id_or_name="verbindungsluecken-oepnv"
        )
    assert not second.created and second.distributions_added == 0
    assert {d.download_url for d in dataset.distributions} == {
        "/api/v1/transit/gaps.geojson",
        "/api/v1/transit/gaps.csv",
    }


def _tmp() -> Any:
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp())


@pytest.mark.parametrize("tolerance", [5.0])
def test_tolerance_is_configurable(
    db: Database, monkeypatch: pytest.MonkeyPatch, tolerance: float
) -> None:
    from domstadt.core import config

    import_vbb(db)
    monkeypatch.setenv("DOMSTADT_TRANSIT_SNAP_TOLERANCE_M", str(tolerance))
    config.get_settings.cache_clear()
    try:
        rows, _, _ = _rows(db)
        with db.session() as session:
            report = transit_service.measurements_import(
                session, actor=system_actor("t"), content=csv_rows(rows[:5]), filename="a.csv"
            )
    finally:
        config.get_settings.cache_clear()
    assert report.off_route == 5  # 12 m away, 5 m tolerance
