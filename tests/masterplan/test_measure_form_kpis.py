"""KPIs and partner organisations in the editor form: add a KPI, add values, clear errors."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import OrganisationKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import OrganisationCreate
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_user
from tests.masterplan.conftest import add_measure

BASE = {"code": "DV-3", "title": "Digitaler Bauantrag", "lead_department": "DIG",
        "fields": "digitale-verwaltung", "status": "planned", "priority": "medium",
        "rollout_stage": "idea", "progress": "10", "progress_before": "10",
        "organisations_shown": "1"}  # fmt: skip


def _org(db: Database, name: str) -> int:
    with db.session() as session:
        org = directory.organisation_create(
            session,
            actor=system_actor("tests"),
            data=OrganisationCreate(name=name, kind=OrganisationKind.ASSOCIATION),
        )
        return org.id


def test_editor_adds_kpi_values_and_partner_organisations(
    client: TestClient, plan: Database
) -> None:
    m = add_measure(plan, code="DV-3", title="Digitaler Bauantrag", progress=10)
    ihk = _org(plan, "IHK Köln")
    _org(plan, "KölnBusiness")
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "erik@stadt-koeln.example")
    url = f"/massnahmen/{m.id}/bearbeiten"
    form = client.get(url).text
    assert 'id="kpi-0-name"' in form and "Neue Kennzahl" in form and "IHK Köln" in form
    token = csrf_of(client, url)
    data = {
        **BASE, "csrf_token": token, "partner_organisations": str(ihk),
        "kpi-0-name": "Digitale Anträge", "kpi-0-unit": "%", "kpi-0-baseline": "12",
        "kpi-0-target": "90", "kpi-0-v-0-date": "2025-06-30", "kpi-0-v-0-value": "54,5",
        "kpi-0-v-0-source": "Amt 63",
    }  # fmt: skip
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    saved = client.get(f"/api/v1/measures/{m.id}").json()
    assert [o["name"] for o in saved["partner_organisations"]] == ["IHK Köln"]
    kpi = saved["kpis"][0]
    assert (kpi["name"], kpi["unit"], kpi["baseline"], kpi["target"]) == (
        "Digitale Anträge", "%", 12, 90,
    )  # fmt: skip
    assert kpi["values"] == [{"date": "2025-06-30", "value": 54.5, "source": "Amt 63"}]

    versions = len(client.get(f"/api/v1/measures/{m.id}/history").json())
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    assert len(client.get(f"/api/v1/measures/{m.id}/history").json()) == versions  # no change
    form = client.get(url).text
    assert 'value="Digitale Anträge"' in form and 'value="54.5"' in form
    assert f'value="{ihk}" checked' in form
    more = {**data, "kpi-0-v-1-date": "2025-12-31", "kpi-0-v-1-value": "71",
            "kpi-0-v-1-source": "Amt 63", "kpi-1-name": "Bearbeitungszeit",
            "kpi-1-unit": "Tage"}  # fmt: skip
    assert client.post(url, data=more, follow_redirects=False).status_code == 303
    kpis = client.get(f"/api/v1/measures/{m.id}").json()["kpis"]
    assert [len(k["values"]) for k in kpis] == [2, 0]
    assert kpis[1]["name"] == "Bearbeitungszeit"
    page = client.get(f"/massnahmen/{m.id}").text
    assert "Bearbeitungszeit (Tage)" in page and "Digitale Anträge (%)" in page

    removed = {**more, "kpi-1-remove": "1", "partner_organisations": ""}
    assert client.post(url, data=removed, follow_redirects=False).status_code == 303
    saved = client.get(f"/api/v1/measures/{m.id}").json()
    assert [k["name"] for k in saved["kpis"]] == ["Digitale Anträge"]
    assert saved["partner_organisations"] == []


def test_kpi_errors_name_the_field_and_keep_the_input(client: TestClient, plan: Database) -> None:
    m = add_measure(plan, code="DV-3", title="Digitaler Bauantrag", progress=10)
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "erik@stadt-koeln.example")
    url = f"/massnahmen/{m.id}/bearbeiten"
    token = csrf_of(client, url)
    cases = [
        ({"kpi-0-name": "Anträge", "kpi-0-target": "viele"},
         "Kennzahl 1 (Anträge), Zielwert: &#39;viele&#39; ist keine Zahl."),
        ({"kpi-0-unit": "%"}, "Kennzahl 1: bitte einen Namen angeben."),
        ({"kpi-0-name": "Anträge", "kpi-0-v-0-value": "5"},
         "Kennzahl 1 (Anträge), Wert 1: bitte das Datum des Werts angeben."),
        ({"kpi-0-name": "Anträge", "kpi-0-v-0-date": "30.06.2025", "kpi-0-v-0-value": "5"},
         "Kennzahl 1 (Anträge), Wert 1, Datum: &#39;30.06.2025&#39; bitte als JJJJ-MM-TT"),
        ({"kpi-0-name": "Anträge", "kpi-0-v-0-date": "2025-06-30"},
         "Kennzahl 1 (Anträge), Wert 1: bitte den gemessenen Wert angeben."),
        ({"partner_organisations": "9999"}, "Beteiligte Organisationen: &#39;9999&#39;"),
    ]  # fmt: skip
    for extra, message in cases:
        response = client.post(url, data={**BASE, "csrf_token": token, **extra})
        assert response.status_code == 422, extra
        assert "Nicht gespeichert." in response.text and message in response.text, extra
    kept = client.post(url, data={**BASE, "csrf_token": token, "kpi-0-name": "Anträge",
                                  "kpi-0-target": "viele"})  # fmt: skip
    assert 'value="viele"' in kept.text and 'role="alert"' in kept.text
    assert client.get(f"/api/v1/measures/{m.id}").json()["kpis"] == []
