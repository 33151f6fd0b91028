"""The catalogue as a person meets it: search with facets, dataset page, editor forms."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, EDITOR, make_dataset
from tests.conftest import csrf_of, login


def test_search_page_filters_by_facet_and_has_json_twin(
    client: TestClient, db: Database, departments: None
) -> None:
    make_dataset(db, name="rad", title="Radverkehr", themes=["TRAN"], keywords=["Rad"])
    make_dataset(db, name="luft", title="Luftqualität", themes=["ENVI"], department_code="57")
    page = client.get("/daten")
    assert page.status_code == 200 and "2 Datensätze" in page.text
    assert "Verkehr" in page.text and "Amt für Umwelt- und Verbraucherschutz" in page.text
    filtered = client.get("/daten", params={"theme": "ENVI"})
    assert "Luftqualität" in filtered.text and "Radverkehr" not in filtered.text
    found = client.get("/daten", params={"q": "Radverkehr"})
    assert "1 Datensätze" in found.text
    twin = client.get("/api/v1/datasets", params={"theme": "TRAN"}).json()
    assert twin["count"] == 1 and twin["results"][0]["name"] == "rad"
    assert client.get("/api/v1/datasets/luft").json()["themes"] == ["ENVI"]


def test_editor_creates_dataset_uploads_csv_and_sees_preview(
    client: TestClient, db: Database, editor_token: str
) -> None:
    login(client, EDITOR)
    token = csrf_of(client, "/daten-neu")
    response = client.post(
        "/daten-neu",
        data={
            "csrf_token": token,
            "title": "Bundestagswahl 2013",
            "license_id": "cc-by/4.0",
            "themes": ["GOVE"],
            "keywords": "Wahl, Bezirke",
            "access_rights": "PUBLIC",
        },
        follow_redirects=False,
    )
    assert (
        response.status_code == 303 and response.headers["location"] == "/daten/bundestagswahl-2013"
    )
    with (DATA_DIR / "result_stadtbezirk.csv").open("rb") as handle:
        uploaded = client.post(
            "/daten/bundestagswahl-2013/dateien",
            data={"csrf_token": token, "title": "Ergebnis"},
            files={"file": ("result_stadtbezirk.csv", handle, "text/csv")},
            follow_redirects=False,
        )
    assert uploaded.status_code == 303
    page = client.get("/daten/bundestagswahl-2013")
    assert (
        "Vorschau" in page.text and "Ehrenfeld" in page.text and "Erste 9 von 9 Zeilen" in page.text
    )
    assert "PARQUET" in page.text
    bad = client.post(
        "/daten-neu",
        data={"csrf_token": token, "title": "Ohne Lizenz", "license_id": "frei"},
    )
    assert bad.status_code == 422 and "Unbekannte Lizenz" in bad.text
    no_csrf = client.post("/daten-neu", data={"title": "X"})
    assert no_csrf.status_code == 403


def test_download_of_normalised_csv_is_utf8_with_decimal_point(
    client: TestClient, db: Database, editor_token: str
) -> None:
    login(client, EDITOR)
    token = csrf_of(client, "/daten-neu")
    client.post("/daten-neu", data={"csrf_token": token, "title": "Wahl"})
    with (DATA_DIR / "result_stadtbezirk.csv").open("rb") as handle:
        client.post(
            "/daten/wahl/dateien",
            data={"csrf_token": token},
            files={"file": ("wahl.csv", handle, "text/csv")},
        )
    response = client.get("/api/v1/datasets/wahl")
    assert response.status_code == 200, response.text
    ds = response.json()
    canonical = next(d for d in ds["distributions"] if d["derived_from"] and d["format"] == "CSV")
    fields = {f["name"]: f["type"] for f in canonical["table_schema"]["fields"]}
    assert fields["Wahlbeteiligung"] == "number" and fields["Name"] == "string"
    assert canonical["provenance"]["delimiter"] == ";" and canonical["provenance"]["decimal_comma"]
    assert (
        canonical["download_url"] == f"http://testserver/daten/ressource/{canonical['id']}/download"
    )
    body = client.get(canonical["download_url"]).text
    assert body.startswith("Nr,Name,") and "Ehrenfeld" in body and "71.06" in body
