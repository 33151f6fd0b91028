"""CKAN activity streams (from the audit log) and resource views (the previews the dataset
page draws), through the unchanged ckanapi client."""

from __future__ import annotations

import ckanapi
import pytest

from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, make_dataset

TRAFFIC = (  # Cologne's 5-minute road load values (see src/domstadt/sensors/data/SOURCES)
    DATA_DIR.parents[1] / "sensors" / "data" / "koeln_traffic_load_2014-02-03_to_05.csv"
)


@pytest.fixture
def ckan(live_server: str, editor_token: str) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live_server, apikey=editor_token, user_agent="domstadt-tests")


def test_activity_of_a_dataset_and_of_the_catalogue(
    ckan: ckanapi.RemoteCKAN, live_server: str, db: Database
) -> None:
    created = ckan.action.package_create(
        name="baustellen", title="Baustellen", owner_org="stadt-koeln-69", license_id="cc-zero"
    )
    ckan.action.package_patch(id=created["id"], title="Baustellen 2024")
    secret = make_dataset(
        db, name="intern", title="Intern", access_rights="NON_PUBLIC", restriction_reason="security"
    )
    stream = ckan.action.package_activity_list(id="baustellen")
    assert [a["activity_type"] for a in stream] == ["changed package", "new package"]
    assert {a["object_id"] for a in stream} == {created["id"]}
    assert stream[0]["data"]["package"]["name"] == "baustellen"
    assert stream[0]["timestamp"] >= stream[1]["timestamp"]
    assert len(ckan.action.package_activity_list(id="baustellen", limit=1)) == 1
    assert ckan.action.package_activity_list(id="baustellen", offset=1)[0]["activity_type"] == (
        "new package"
    )

    anonymous = ckanapi.RemoteCKAN(live_server, user_agent="domstadt-tests")
    recent = anonymous.action.recently_changed_packages_activity_list()
    assert recent[0]["object_id"] == created["id"]
    assert secret.id not in {a["object_id"] for a in recent}  # restricted: not shown
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_activity_list(id="intern")
    with pytest.raises(ckanapi.ValidationError):
        anonymous.action.package_activity_list(id="baustellen", limit="viele")


def test_resource_views_list_the_table_chart_and_map_previews(ckan: ckanapi.RemoteCKAN) -> None:
    ckan.action.package_create(
        name="verkehr",
        title="Verkehrsauslastung Köln",
        owner_org="stadt-koeln-69",
        license_id="cc-by/4.0",
    )
    lines = TRAFFIC.read_text(encoding="utf-8").splitlines()[:200]
    table = ckan.call_action(
        "resource_create",
        {"package_id": "verkehr", "name": "Auslastung"},
        files={"upload": ("auslastung.csv", "\n".join(lines).encode())},
    )
    with (DATA_DIR / "result_stadtbezirk.csv").open("rb") as handle:
        plain = ckan.action.resource_create(package_id="verkehr", name="Wahl", upload=handle)
    with (DATA_DIR / "koeln_traffic_street_segments.geojson").open("rb") as handle:
        geo = ckan.action.resource_create(package_id="verkehr", name="Strassen", upload=handle)

    views = ckan.action.resource_view_list(id=table["id"])
    assert [v["view_type"] for v in views] == ["datatables_view", "chart_view"]
    assert {v["resource_id"] for v in views} == {table["id"]}
    assert [v["view_type"] for v in ckan.action.resource_view_list(id=plain["id"])] == [
        "datatables_view"
    ]
    shown = ckan.action.package_show(id="verkehr")
    wgs84 = [r for r in shown["resources"] if r["format"] == "GEOJSON" and r["id"] != geo["id"]]
    assert wgs84, shown["resources"]
    assert [v["view_type"] for v in ckan.action.resource_view_list(id=wgs84[0]["id"])] == [
        "geojson_view"
    ]
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_view_list(id="gibt-es-nicht")
