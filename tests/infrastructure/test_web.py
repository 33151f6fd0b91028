"""Coverage as people use it: /infrastruktur with map, legend and forms, the JSON layers, the
sensor hub's Things checked in bulk, a measure's planned deployments (API, form, the measure
page's section) and the permission refusals."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_token, make_user
from tests.infrastructure.conftest import GATEWAYS, HOTSPOTS_KML, import_all, run_import
from tests.masterplan.conftest import add_measure

STA = "/sta/v1.1"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_page_and_json_layers(client: TestClient, db: Database) -> None:
    layers = import_all(db)
    page = client.get("/infrastruktur")
    assert page.status_code == 200
    assert "Netzabdeckung und IoT-Planung" in page.text and "Ebenen und Legende" in page.text
    assert 'data-layer="things"' in page.text and "/static/coverage/map.js" in page.text
    assert "Abdeckungsebene importieren" not in page.text, "the upload form is for staff"
    listed = client.get("/api/v1/infrastructure/layers").json()
    assert listed["count"] == 4
    assert {item["kind"] for item in listed["items"]} == {
        "wlan-hotspot",
        "lorawan-gateway",
        "mobile-site",
        "grid-cell",
    }
    one = client.get(f"/api/v1/infrastructure/layers/{layers['wlan'].id}").json()
    assert one["type"] == "FeatureCollection" and len(one["features"]) == 200
    assert one["layer"]["licence"] == "dl-de/by-2-0"
    assert one["features"][0]["properties"]["name"] == "AP-Aachener-Str-01"
    assert client.get("/api/v1/infrastructure/layers/999999").status_code == 404
    english = client.get("/infrastruktur", params={"lang": "en"})
    assert "Coverage and IoT planning" in english.text


def test_check_form_shows_the_reason(client: TestClient, db: Database) -> None:
    run_import(db, GATEWAYS, "lorawan-gateway")
    token = csrf_of(client, "/infrastruktur")
    form = {"csrf_token": token, "lon": "6,80", "lat": "51,00", "network": "lorawan"}
    answer = client.post("/infrastruktur/pruefen", data=form)
    assert answer.status_code == 200
    assert "kein LoRaWAN-Gateway im Umkreis von 2,0 km" in answer.text
    swapped = client.post("/infrastruktur/pruefen", data={**form, "lon": "50.9", "lat": "6.9"})
    assert swapped.status_code == 422 and "vertauscht" in swapped.text
    empty = client.post("/infrastruktur/pruefen", data={**form, "lon": ""})
    assert empty.status_code == 422 and "als Zahlen" in empty.text


def test_upload_form_for_staff_only(client: TestClient, plan: Database) -> None:
    make_user(plan, "mia@stadt-koeln.example", Role.MEMBER)
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    fields = {
        "kind": "wlan-hotspot",
        "source": "Stadt Köln",
        "licence": "dl-de/by-2-0",
        "date": "2023-07-06",
        "crs": "",
    }
    files = {"file": ("hotspots.kml", HOTSPOTS_KML.read_bytes(), "application/xml")}
    login(client, "mia@stadt-koeln.example")
    refused = client.post(
        "/infrastruktur/ebenen",
        data={**fields, "csrf_token": csrf_of(client, "/infrastruktur")},
        files=files,
    )
    assert refused.status_code == 403
    client.post("/abmelden", data={"csrf_token": csrf_of(client)})
    login(client, "erik@stadt-koeln.example")
    page = client.get("/infrastruktur")
    assert "Abdeckungsebene importieren" in page.text
    token = csrf_of(client, "/infrastruktur")
    done = client.post(
        "/infrastruktur/ebenen",
        data={**fields, "csrf_token": token},
        files=files,
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "koeln_wlan" not in client.get("/infrastruktur").text
    assert client.get("/api/v1/infrastructure/layers").json()["items"][0]["feature_count"] == 20
    bad = client.post(
        "/infrastruktur/ebenen", data={**fields, "csrf_token": token, "crs": "EPSG:1"}, files=files
    )
    assert bad.status_code == 422 and "Unbekanntes Koordinatensystem" in bad.text


def test_things_checked_in_bulk_by_risk(client: TestClient, db: Database) -> None:
    import_all(db)
    make_user(db, "sensoren@example.org", Role.ADMIN)
    auth = _bearer(make_token(db, "sensoren@example.org"))
    places = {"Pegel Rhein Dom": [6.9585, 50.9410], "Bodenfeuchte Pulheim": [6.80, 51.00]}
    for name, point in places.items():
        body = {
            "name": name,
            "description": name,
            "Locations": [
                {
                    "name": name,
                    "description": name,
                    "encodingType": "application/geo+json",
                    "location": {"type": "Point", "coordinates": point},
                }
            ],
        }
        assert client.post(f"{STA}/Things", json=body, headers=auth).status_code == 201
    result = client.get("/api/v1/infrastructure/things", params={"network": "lorawan"}).json()
    assert result["count"] == 2 and result["at_risk"] == 1
    assert [i["name"] for i in result["items"]] == ["Bodenfeuchte Pulheim", "Pegel Rhein Dom"]
    assert result["items"][0]["check"]["status"] == "gap"
    assert result["items"][1]["check"]["status"] == "covered"
    page = client.get("/infrastruktur/things", params={"network": "lorawan"})
    assert page.status_code == 200 and "Bodenfeuchte Pulheim" in page.text
    assert page.text.index("Bodenfeuchte Pulheim") < page.text.index("Pegel Rhein Dom")
    assert client.get("/api/v1/infrastructure/things", params={"network": "x"}).status_code == 422


def test_measure_deployments_and_permissions(client: TestClient, plan: Database) -> None:
    run_import(plan, GATEWAYS, "lorawan-gateway")
    measure = add_measure(plan, code="UM-7", title="Pegelmessung an Bächen")
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    make_user(plan, "vera@stadt-koeln.example", Role.EDITOR, department_code="69")
    make_user(plan, "mia@stadt-koeln.example", Role.MEMBER)
    url = f"/api/v1/measures/{measure.id}/deployments"
    point = {
        "name": "Pegel Frechener Bach",
        "device_type": "Pegelsensor LoRaWAN",
        "network": "lorawan",
        "lon": 6.80,
        "lat": 51.00,
    }
    assert client.post(url, json=point).status_code == 401
    other = _bearer(make_token(plan, "vera@stadt-koeln.example"))
    assert client.post(url, json=point, headers=other).status_code == 403
    member = _bearer(make_token(plan, "mia@stadt-koeln.example"))
    assert client.post(url, json=point, headers=member).status_code == 403
    editor = _bearer(make_token(plan, "erik@stadt-koeln.example"))
    added = client.post(url, json=point, headers=editor)
    assert added.status_code == 201, added.text
    assert added.json()["check"]["status"] == "gap"
    near = {**point, "name": "Pegel Dom", "lon": 6.9585, "lat": 50.9410}
    assert client.post(url, json=near, headers=editor).status_code == 201
    swapped = client.post(url, json={**point, "lon": 51.0, "lat": 6.8}, headers=editor)
    assert swapped.status_code == 422
    listed = client.get(url).json()
    assert listed["count"] == 2 and listed["missing"] == 1
    section = client.get(f"/infrastruktur/massnahmen/{measure.id}", headers={"HX-Request": "true"})
    assert section.status_code == 200 and "<html" not in section.text
    assert "1 von 2 geplanten Standorten fehlt bekannte Abdeckung" in section.text
    assert "kein LoRaWAN-Gateway im Umkreis von 2,0 km" in section.text
    detail = client.get(f"/massnahmen/{measure.id}")
    assert f'hx-get="/infrastruktur/massnahmen/{measure.id}"' in detail.text
    gone = added.json()["id"]
    assert (
        client.delete(f"/api/v1/infrastructure/deployments/{gone}", headers=other).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/infrastructure/deployments/{gone}", headers=editor).status_code
        == 204
    )
    assert client.get(url).json()["missing"] == 0
    assert client.get("/api/v1/measures/999999/deployments").status_code == 404


def test_deployment_form(client: TestClient, plan: Database) -> None:
    measure = add_measure(plan, code="UM-8", title="Luftmessnetz")
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "erik@stadt-koeln.example")
    page_url = f"/infrastruktur/massnahmen/{measure.id}"
    token = csrf_of(client, page_url)
    form = {
        "csrf_token": token,
        "name": "Luft Neumarkt",
        "device_type": "NO2-Sensor",
        "network": "nb-iot",
        "lon": "6,9470",
        "lat": "50,9360",
    }
    done = client.post(f"{page_url}/standorte", data=form, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(page_url)
    assert "Luft Neumarkt" in page.text and "keine Abdeckungsdaten für NB-IoT" in page.text
    bad = client.post(f"{page_url}/standorte", data={**form, "lat": "abc"})
    assert bad.status_code == 422 and "Bitte Name, Gerätetyp" in bad.text


def test_writes_need_editors(client: TestClient, plan: Database) -> None:
    db = plan
    layer = run_import(db, GATEWAYS, "lorawan-gateway")
    assert client.delete(f"/api/v1/infrastructure/layers/{layer.id}").status_code == 401
    make_user(db, "mia@example.org", Role.MEMBER)
    member = _bearer(make_token(db, "mia@example.org"))
    assert (
        client.delete(f"/api/v1/infrastructure/layers/{layer.id}", headers=member).status_code
        == 403
    )
    make_user(db, "ed@example.org", Role.EDITOR, department_code="DIG")
    editor = _bearer(make_token(db, "ed@example.org"))
    assert (
        client.delete(f"/api/v1/infrastructure/layers/{layer.id}", headers=editor).status_code
        == 204
    )
    assert client.get("/api/v1/infrastructure/layers").json()["count"] == 0
