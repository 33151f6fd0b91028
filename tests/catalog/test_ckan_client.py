"""The real ckanapi client, unchanged, against a live Domstadt server."""

from __future__ import annotations

import ckanapi
import pytest

from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, make_dataset


@pytest.fixture
def ckan(live_server: str, editor_token: str) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live_server, apikey=editor_token, user_agent="domstadt-tests")


def test_create_search_show_patch_delete_with_ckanapi(ckan: ckanapi.RemoteCKAN) -> None:
    created = ckan.action.package_create(
        name="radzaehlung-2024",
        title="Radverkehrszählung 2024",
        notes="Stündliche Zählwerte der Dauerzählstellen.",
        owner_org="stadt-koeln-69",
        license_id="dl-by-de/2.0",
        tags=[{"name": "Radverkehr"}, {"name": "Zählung"}],
        groups=[{"name": "tran"}],
        extras=[{"key": "frequency", "value": "DAILY"}],
    )
    assert created["name"] == "radzaehlung-2024"
    assert created["organization"]["name"] == "stadt-koeln-69"
    assert {t["name"] for t in created["tags"]} == {"Radverkehr", "Zählung"}

    found = ckan.action.package_search(
        q="Radverkehr", fq="tags:Zählung", **{"facet.field": ["groups", "tags", "res_format"]}
    )
    assert found["count"] == 1
    assert found["results"][0]["id"] == created["id"]
    assert found["search_facets"]["groups"]["items"][0]["name"] == "TRAN"

    patched = ckan.action.package_patch(id=created["id"], title="Radverkehr 2024")
    assert patched["title"] == "Radverkehr 2024" and patched["notes"].startswith("Stündliche")
    assert ckan.action.package_show(id="radzaehlung-2024")["title"] == "Radverkehr 2024"
    assert "radzaehlung-2024" in ckan.action.package_list()

    ckan.action.package_delete(id=created["id"])
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="radzaehlung-2024")


def test_errors_arrive_as_ckanapi_exceptions(ckan: ckanapi.RemoteCKAN, live_server: str) -> None:
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="gibt-es-nicht")
    with pytest.raises(ckanapi.ValidationError) as invalid:
        ckan.action.package_create(name="x!", title="", license_id="frei-nach-gusto")
    assert "license_id" in invalid.value.error_dict and "title" in invalid.value.error_dict
    anonymous = ckanapi.RemoteCKAN(live_server, user_agent="domstadt-tests")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(name="anonym", title="Anonym", owner_org="stadt-koeln-69")
    stranger = ckanapi.RemoteCKAN(live_server, apikey="dst_unbekannt", user_agent="t")
    with pytest.raises(ckanapi.NotAuthorized):
        stranger.action.package_list()


def test_editor_cannot_write_another_department(ckan: ckanapi.RemoteCKAN, db: Database) -> None:
    other = make_dataset(db, name="laermkarte", title="Lärmkarte", department_code="57")
    with pytest.raises(ckanapi.NotAuthorized):
        ckan.action.package_patch(id=other.id, title="Übernommen")
    assert ckan.action.package_show(id="laermkarte")["title"] == "Lärmkarte"


def test_upload_csv_normalises_and_datastore_answers(ckan: ckanapi.RemoteCKAN) -> None:
    ckan.action.package_create(
        name="bundestagswahl-2013",
        title="Bundestagswahl 2013 nach Stadtbezirken",
        owner_org="stadt-koeln-69",
        license_id="cc-by/4.0",
    )
    with (DATA_DIR / "result_stadtbezirk.csv").open("rb") as handle:
        res = ckan.action.resource_create(
            package_id="bundestagswahl-2013", name="Ergebnis", upload=handle
        )
    assert res["format"] == "CSV" and res["datastore_active"] and res["size"] > 1000
    pkg = ckan.action.package_show(id="bundestagswahl-2013")
    assert sorted(r["format"] for r in pkg["resources"]) == ["CSV", "CSV", "JSON", "PARQUET"]

    rows = ckan.action.datastore_search(
        resource_id=res["id"], filters={"Name": "Ehrenfeld"}, fields=["Name", "Wahlbeteiligung"]
    )
    assert rows["total"] == 1
    assert rows["records"] == [{"Name": "Ehrenfeld", "Wahlbeteiligung": 71.06}]
    top = ckan.action.datastore_search(resource_id=res["id"], sort="Wahlbeteiligung desc", limit=2)
    assert top["total"] == 9 and len(top["records"]) == 2
    assert top["records"][0]["Wahlbeteiligung"] >= top["records"][1]["Wahlbeteiligung"]

    sql = f'SELECT "Name" FROM "{res["id"]}" WHERE "CDU_Proz" > 40 ORDER BY "Name"'
    result = ckan.action.datastore_search_sql(sql=sql)
    names = [r["Name"] for r in result["records"]]
    assert names == ["Chorweiler", "Lindenthal", "Porz", "Rodenkirchen"]
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_search_sql(sql=f'DELETE FROM "{res["id"]}"')
