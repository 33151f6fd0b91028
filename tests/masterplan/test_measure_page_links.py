"""The measure page's map, AI-screening headline and linked initiatives, and the dashboard's
screening coverage, as a visitor sees them (and their JSON twins)."""

from __future__ import annotations

import html
import json

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.masterplan.conftest import add_measure
from tests.masterplan.screening.test_screening_flow import ANSWERS

AREA = {
    "type": "Polygon",
    "coordinates": [[[6.95, 50.93], [6.97, 50.93], [6.97, 50.95], [6.95, 50.93]]],
}


def _editor(plan: Database) -> dict[str, str]:
    make_user(plan, "erika@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    return {"Authorization": f"Bearer {make_token(plan, 'erika@stadt-koeln.example')}"}


def test_measure_page_map_screening_and_initiatives(client: TestClient, plan: Database) -> None:
    point = add_measure(
        plan, code="SC-1", title="Parksensoren Ehrenfeld",
        location={"type": "Point", "coordinates": [6.92, 50.95]},
    )  # fmt: skip
    area = add_measure(plan, code="SC-2", title="Quartier Deutz", location=AREA)
    plain = add_measure(plan, code="DV-1", title="E-Akte")
    page = client.get(f"/massnahmen/{point.id}").text
    assert 'id="mp-map"' in page and "/static/vendor/leaflet/leaflet.js" in page
    assert "/static/masterplan/map.js" in page and "data-tiles" not in page
    assert "Längengrad 6.92, Breitengrad 50.95" in page
    geometry = page.split("data-geometry='", 1)[1].split("'", 1)[0]
    assert json.loads(html.unescape(geometry))["coordinates"] == [6.92, 50.95]
    assert "Fläche (<code>Polygon</code>)" in client.get(f"/massnahmen/{area.id}").text
    assert "leaflet" not in client.get(f"/massnahmen/{plain.id}").text
    assert "Diese Maßnahme wurde noch nicht geprüft." in page
    assert f'href="/massnahmen/{point.id}/ki-pruefung"' in page
    assert "Noch keine Initiativen mit dieser Maßnahme verknüpft." in page

    editor = _editor(plan)
    url = f"/api/v1/measures/{point.id}/screening"
    assert client.put(url, json=ANSWERS, headers=editor).status_code == 200
    created = client.post(
        "/api/v1/initiatives",
        json={"title": "Sensorik-Netz Ehrenfeld", "description": "LoRaWAN im Veedel.",
              "owner_name": "Verein Offenes Köln", "measure_ids": [point.id]},
        headers=editor,
    )  # fmt: skip
    assert created.status_code == 201
    page = client.get(f"/massnahmen/{point.id}").text
    headline = page.split('id="mp-screening"', 1)[1].split("</ul>", 1)[0]
    assert "KI-Potenzial" in headline and "/ 100" in headline
    assert "Ausschlusskriterium: <strong>nein</strong>" in headline
    assert "Vom System vorgeschlagen, noch nicht geprüft" in headline
    assert f'href="/initiativen/{created.json()["id"]}">Sensorik-Netz Ehrenfeld</a>' in page
    linked = client.get(f"/api/v1/measures/{point.id}/initiatives").json()
    assert [i["title"] for i in linked] == ["Sensorik-Netz Ehrenfeld"]
    assert client.get("/api/v1/measures/9999/initiatives").status_code == 404
    review = {"decision": "confirm"}
    assert client.post(f"{url}/review", json=review, headers=editor).status_code == 200
    assert "Geprüft" in client.get(f"/massnahmen/{point.id}").text.split('id="mp-screening"')[1]


def test_dashboard_shows_screening_coverage(client: TestClient, plan: Database) -> None:
    first = add_measure(plan, code="DV-10", title="Digitaler Posteingang")
    add_measure(plan, code="SC-11", title="Parksensoren", lead_department="69",
                fields=["smart-city"])  # fmt: skip
    editor = _editor(plan)
    client.put(f"/api/v1/measures/{first.id}/screening", json=ANSWERS, headers=editor)
    data = client.get("/api/v1/masterplan/dashboard").json()["screening"]
    assert (data["measures"], data["screened"], data["reviewed"]) == (2, 1, 0)
    fields = {r["key"]: r["share"] for r in data["by_field"]}
    assert fields == {"digitale-verwaltung": 1.0, "smart-city": 0.0}
    page = client.get("/masterplan/dashboard").text
    assert "1 von 2 Maßnahmen geprüft, davon 0 bestätigt oder überstimmt." in page
    assert "KI-Prüfung: Abdeckung je Handlungsfeld" in page
    row = page.split('href="/massnahmen/dienststellen/69">', 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td><td>0</td><td>0</td><td>0 %</td>" in row
