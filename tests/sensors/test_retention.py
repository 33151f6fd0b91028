"""Retention: a per-datastream setting, the CLI with --dry-run, the daily job, the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database, utcnow
from domstadt.sensors import tasks
from domstadt.sensors.cli import sensors_app
from tests.sensors.conftest import STA, thing_payload


def _stream_with_days(client: TestClient, auth: dict[str, str], name: str, days: int) -> int:
    """A datastream with one observation per day for the last ``days`` days (newest: today)."""
    thing = client.post(f"{STA}/Things", json=thing_payload(name), headers=auth).json()["@iot.id"]
    ds = client.get(f"{STA}/Things({thing})/Datastreams").json()["value"][0]["@iot.id"]
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = [
        [(today - dt.timedelta(days=d)).isoformat().replace("+00:00", "Z"), d] for d in range(days)
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


def _count(client: TestClient, ds: int) -> int:
    return int(
        client.get(f"{STA}/Datastreams({ds})/Observations?$count=true&$top=1").json()["@iot.count"]
    )


def test_retention_setting_cli_dry_run_job_and_audit(
    client: TestClient, db: Database, auth: dict[str, str], cli_env: None
) -> None:
    short = _stream_with_days(client, auth, "Kurz", 20)
    kept = _stream_with_days(client, auth, "Ewig", 20)

    anonymous = client.put(f"/api/v1/sensors/datastreams/{short}/retention", json={"days": 7})
    assert anonymous.status_code == 401
    bad = client.put(
        f"/api/v1/sensors/datastreams/{short}/retention", json={"days": 0}, headers=auth
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "days"
    missing = client.put(
        "/api/v1/sensors/datastreams/999/retention", json={"days": 7}, headers=auth
    )
    assert missing.status_code == 404
    done = client.put(
        f"/api/v1/sensors/datastreams/{short}/retention", json={"days": 7}, headers=auth
    )
    assert done.status_code == 200 and done.json()["retention_days"] == 7
    listed = client.get("/api/v1/sensors/retention").json()
    assert [(s["datastream_id"], s["retention_days"]) for s in listed] == [(short, 7)]

    dry = CliRunner().invoke(sensors_app, ["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "13 würden gelöscht" in dry.output  # days 7..19 are older than 7 days
    assert _count(client, short) == 20

    real = CliRunner().invoke(sensors_app, ["retention"])
    assert real.exit_code == 0, real.output
    assert "13 Beobachtungen gelöscht" in real.output
    assert _count(client, short) == 7 and _count(client, kept) == 20
    span = client.get(f"{STA}/Datastreams({short})").json()["phenomenonTime"]
    assert span.split("/")[0] >= (utcnow() - dt.timedelta(days=7)).isoformat()[:10]

    assert tasks.run_retention(db.url)["datastreams"][0]["deleted"] == 0  # the daily job
    with db.session() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.action.like("sensors.retention%"))
            )
        )
    assert actions.count("sensors.retention_set") == 1
    assert actions.count("sensors.retention_delete") == 1

    off = CliRunner().invoke(sensors_app, ["set-retention", str(short)])
    assert off.exit_code == 0 and "unbegrenzt" in off.output
    assert client.get("/api/v1/sensors/retention").json() == []
