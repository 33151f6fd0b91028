"""The funding radar as people and programs use it: /foerderung, the JSON API, matches for a
measure (API and the measure page's section), city programmes and their digital criteria."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_token, make_user
from tests.funding.conftest import GERMAN_CSV, import_real, run_import
from tests.masterplan.conftest import add_measure


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_programme_list_api_filters_and_pages(client: TestClient, plan: Database) -> None:
    import_real(plan)
    everything = client.get("/api/v1/funding/programmes", params={"limit": 100}).json()
    assert everything["count"] == 86
    first = everything["items"][0]
    assert {"id", "title", "provider", "level", "status", "call_close", "url"} <= set(first)
    eu = client.get("/api/v1/funding/programmes", params={"level": "eu", "limit": 5}).json()
    assert eu["count"] == 40 and len(eu["items"]) == 5
    page2 = client.get(
        "/api/v1/funding/programmes", params={"level": "eu", "limit": 5, "offset": 5}
    ).json()
    assert not {p["id"] for p in eu["items"]} & {p["id"] for p in page2["items"]}
    found = client.get("/api/v1/funding/programmes", params={"q": "hydrogen"}).json()
    assert found["count"] >= 1 and all(
        "hydrogen" in (p["title"] + " ".join(p["topics"])).lower() or p["level"] == "eu"
        for p in found["items"]
    )
    assert client.get("/api/v1/funding/programmes", params={"level": "mars"}).status_code == 422
    assert client.get("/api/v1/funding/programmes", params={"limit": 0}).status_code == 422


def test_programme_page_shows_attribution_unaltered(client: TestClient, plan: Database) -> None:
    import_real(plan)
    items = client.get("/api/v1/funding/programmes", params={"level": "land", "limit": 1}).json()[
        "items"
    ]
    page = client.get(f"/foerderung/{items[0]['id']}")
    assert page.status_code == 200
    assert "Text unverändert wiedergegeben unter seiner Lizenz:" in page.text
    assert "CC BY-ND 4.0" in page.text
    assert client.get("/foerderung/999999").status_code == 404


def test_list_page_is_german_with_filters(client: TestClient, plan: Database) -> None:
    import_real(plan)
    page = client.get("/foerderung", params={"level": "eu", "status": "open"})
    assert page.status_code == 200
    assert "Förderradar" in page.text and "Ebene" in page.text
    assert "Programme gefunden" in page.text or "Programm gefunden" in page.text
    bad = client.get("/foerderung", params={"level": "mars"})
    assert bad.status_code == 200 and "Ungültiger Filter ignoriert" in bad.text
    english = client.get("/foerderung", params={"lang": "en"})
    assert "Funding radar" in english.text


def test_measure_funding_ranks_fitting_programmes_with_reasons(
    client: TestClient, plan: Database
) -> None:
    run_import(plan, GERMAN_CSV.encode("cp1252"), "programme.csv", source="excel")
    import_real(plan)
    measure = add_measure(
        plan, code="DV-90", title="Digitale Modellregion: Datenplattform für Kommunen",
        summary="Eine urbane Datenplattform für die Stadt Köln.",
    )  # fmt: skip
    answer = client.get(f"/api/v1/measures/{measure.id}/funding")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert items, "a fitting programme was expected"
    top = items[0]
    assert top["programme"]["title"] == "Digitale Modellregion Köln"
    assert any(r.startswith("Antragsberechtigt: Kommunen") for r in top["reasons"])
    assert any(r.startswith("Frist:") for r in top["reasons"])
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    titles = {i["programme"]["title"] for i in items}
    assert "Stadtgrün digital" not in titles  # only associations may apply
    assert client.get("/api/v1/measures/999999/funding").status_code == 404
    section = client.get(f"/foerderung/massnahmen/{measure.id}", headers={"HX-Request": "true"})
    assert "Passende Förderprogramme" in section.text and "<html" not in section.text
    measure_page = client.get(f"/massnahmen/{measure.id}")
    assert f'hx-get="/foerderung/massnahmen/{measure.id}"' in measure_page.text
    fits = client.get(f"/api/v1/funding/programmes/{top['programme']['id']}/measures").json()
    assert [f["code"] for f in fits] == ["DV-90"]


def test_closed_programmes_never_match(client: TestClient, plan: Database) -> None:
    past = (dt.date.today() - dt.timedelta(days=3)).strftime("%d.%m.%Y")
    csv = f"Titel;Ebene;Frist;Beschreibung\nDatenplattform Kommunen;Bund;{past};Datenplattform\n"
    run_import(plan, csv.encode(), "alt.csv")
    measure = add_measure(plan, code="DV-91", title="Datenplattform für Kommunen")
    assert client.get(f"/api/v1/measures/{measure.id}/funding").json()["items"] == []
    listed = client.get("/api/v1/funding/programmes").json()["items"]
    assert listed[0]["status"] == "closed"


def test_city_programme_checks_permission_before_input(client: TestClient, plan: Database) -> None:
    body = {"title": "Digitalfonds Veedel", "department_code": "DIG"}
    assert client.post("/api/v1/funding/city-programmes", json={}).status_code == 401
    make_user(plan, "mia@example.org")
    member = _bearer(make_token(plan, "mia@example.org"))
    denied_member = client.post("/api/v1/funding/city-programmes", json=body, headers=member)
    assert denied_member.status_code == 403
    make_user(plan, "vera@stadt.example", Role.EDITOR, department_code="69")
    other = _bearer(make_token(plan, "vera@stadt.example"))
    denied = client.post("/api/v1/funding/city-programmes", json=body, headers=other)
    assert denied.status_code == 403
    make_user(plan, "erik@stadt.example", Role.EDITOR, department_code="DIG")
    editor = _bearer(make_token(plan, "erik@stadt.example"))
    unknown = client.post(
        "/api/v1/funding/city-programmes", json={**body, "colour": "blau"}, headers=editor
    )
    assert unknown.status_code == 422
    created = client.post(
        "/api/v1/funding/city-programmes",
        json={**body, "digital_criteria": ["Open Source", "Barrierefreiheit", "open source"]},
        headers=editor,
    )
    assert created.status_code == 201, created.text
    programme = created.json()
    assert programme["level"] == "kommune" and programme["region"] == "Köln"
    assert programme["digital_criteria"] == ["Open Source", "Barrierefreiheit"]
    url = f"/api/v1/funding/programmes/{programme['id']}/digital-criteria"
    assert client.put(url, json={"digital_criteria": ["x"]}, headers=other).status_code == 403
    changed = client.put(url, json={"digital_criteria": ["Datenschutz"]}, headers=editor)
    assert changed.json()["digital_criteria"] == ["Datenschutz"]


def test_department_edits_criteria_on_the_page(client: TestClient, plan: Database) -> None:
    make_user(plan, "erik@stadt.example", Role.EDITOR, department_code="DIG")
    editor = _bearer(make_token(plan, "erik@stadt.example"))
    created = client.post(
        "/api/v1/funding/city-programmes",
        json={"title": "Digitalfonds Veedel", "department_code": "DIG"},
        headers=editor,
    ).json()
    login(client, "erik@stadt.example")
    token = csrf_of(client, f"/foerderung/{created['id']}")
    saved = client.post(
        f"/foerderung/{created['id']}/kriterien",
        data={"csrf_token": token, "digital_criteria": "Open Data\nInteroperabilität"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(f"/foerderung/{created['id']}")
    assert "Interoperabilität" in page.text and "Open Data" in page.text


def test_dashboard_counts_open_programmes(client: TestClient, plan: Database) -> None:
    run_import(plan, GERMAN_CSV.encode("cp1252"), "programme.csv", source="excel")
    add_measure(plan, code="DV-92", title="Parkraum am Rhein zählen")
    board = client.get("/api/v1/funding/dashboard").json()
    assert board["open_total"] == 3
    assert {c["key"] for c in board["by_level"]} == {"land", "bund", "privat"}
    assert [m["code"] for m in board["measures_without_programme"]] == ["DV-92"]
    page = client.get("/foerderung/uebersicht")
    assert (
        "Fristen in diesem Quartal" in page.text
        and "Maßnahmen ohne passendes Programm" in page.text
    )


def test_an_organisation_gets_programmes_its_kind_may_apply_for(
    client: TestClient, plan: Database
) -> None:
    from domstadt.core.auth import directory_service as directory
    from domstadt.core.auth.models import OrganisationKind
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.auth.schemas import OrganisationCreate

    run_import(plan, GERMAN_CSV.encode("cp1252"), "programme.csv", source="excel")
    with plan.session() as session:
        org = directory.organisation_create(
            session, actor=system_actor("tests"),
            data=OrganisationCreate(
                name="Grüne Veedel e. V.", kind=OrganisationKind.ASSOCIATION,
                description="Wir machen Stadtgrün digital sichtbar.",
            ),
        )  # fmt: skip
    found = client.get(f"/api/v1/funding/matches/organisation/{org.id}").json()["items"]
    assert [i["programme"]["title"] for i in found] == ["Stadtgrün digital"]
    assert "Antragsberechtigt: Vereine" in found[0]["reasons"]
    assert client.get("/api/v1/funding/matches/planet/1").status_code == 422
    assert client.get("/api/v1/funding/matches/initiative/99999").status_code == 404
