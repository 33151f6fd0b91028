"""Chart preview of time series: a table with a date/time column and numeric columns gets a
chart on its dataset page, fed from the DataStore through datastore_search."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from domstadt.catalog import distribution_service
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, make_dataset

COUNTS = (
    "Zählstelle Deutzer Brücke\n"
    "Zeitpunkt;Radfahrende;Temperatur °C\n"
    "02.01.2024 08:00;140;4,5\n"
    "01.01.2024 08:00;120;3,5\n"
    "01.01.2024 09:00;180;4,0\n"
)


def _upload(db: Database, settings: Settings, name: str, filename: str, raw: bytes) -> str:
    make_dataset(db, name=name, title=name)
    with db.session() as session:
        distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset=name,
            data=DistributionCreate(title=filename),
            data_dir=settings.data_dir,
            upload=(filename, raw),
        )
    return name


def _chart_attrs(html: str) -> dict[str, str]:
    tag = html.split('id="catalog-chart"', 1)[1].split(">", 1)[0]
    pairs = [p.split('="', 1) for p in tag.split('" ') if '="' in p]
    return {k.strip(): v.rstrip('"').replace("&#34;", '"') for k, v in pairs}


def test_time_series_gets_a_chart_fed_by_the_datastore(
    client: TestClient, db: Database, departments: None, settings: Settings
) -> None:
    _upload(db, settings, "radzaehlung", "zaehlung.csv", COUNTS.encode("cp1252"))
    shown = client.get("/api/3/action/package_show", params={"id": "radzaehlung"}).json()
    original = shown["result"]["resources"][0]
    page = client.get("/daten/radzaehlung").text
    assert "Diagramm-Vorschau" in page and "/static/catalog/chart.js" in page
    attrs = _chart_attrs(page)
    assert attrs["data-x"] == "Zeitpunkt" and attrs["data-resource"] == original["id"]
    ys = json.loads(attrs["data-y"])
    assert ys == ["Radfahrende", "Temperatur °C"]
    rows = client.get(  # the request chart.js makes
        "/api/3/action/datastore_search",
        params={
            "resource_id": attrs["data-resource"],
            "fields": json.dumps(["Zeitpunkt", *ys]),
            "sort": '"Zeitpunkt" asc',
            "limit": attrs["data-limit"],
        },
    ).json()["result"]
    assert [f["type"] for f in rows["fields"]] == ["timestamp", "int", "numeric"]
    assert [r["Zeitpunkt"] for r in rows["records"]] == [
        "2024-01-01T08:00:00",
        "2024-01-01T09:00:00",
        "2024-01-02T08:00:00",
    ]
    assert rows["records"][0]["Temperatur °C"] == 3.5


def test_table_without_dates_has_no_chart(
    client: TestClient, db: Database, departments: None, settings: Settings
) -> None:
    raw = (DATA_DIR / "result_stadtbezirk.csv").read_bytes()
    _upload(db, settings, "wahl", "result.csv", raw)
    page = client.get("/daten/wahl").text
    assert "Vorschau" in page and "catalog-chart" not in page
