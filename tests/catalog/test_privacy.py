"""Open by default: the privacy gate holds back tables with personal data until an editor
clears (with a reason) or fixes each finding; the dashboard counts and scores datasets."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.catalog.privacy.scan import iban_valid, scan_table
from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, EDITOR, make_dataset
from tests.conftest import csrf_of, login

SPRECHSTUNDEN = """Bezirk;Ansprechpartnerin;E-Mail;Telefon;Anschrift;Bemerkung
Ehrenfeld;Sabine Müller;sabine.mueller@web.de;0221 / 5548 123;Venloer Straße 419;kommt dienstags
Nippes;Jürgen Schmitz;j.schmitz@gmx.de;+49 221 7762-45;Neusser Str. 450;nur mit Termin
Porz;Ayşe Yılmaz;ayse.yilmaz@t-online.de;02203 41 09 88;Friedrich-Ebert-Ufer 64a;
"""
SPENDEN = """Spender;IBAN;Betrag
Firma Rheinblick GmbH;DE89 3704 0044 0532 0130 00;250,00
Verein Kalk e.V.;DE02 1203 0000 0000 2020 51;80,50
"""


def test_scanner_finds_german_personal_data_and_ignores_district_tables() -> None:
    names = ["Bezirk", "Ansprechpartnerin", "E-Mail", "Telefon", "Anschrift", "Notiz", "Name"]
    columns = [
        ["Ehrenfeld", "Nippes"],
        ["Sabine Müller", "Jürgen Schmitz"],
        ["sabine.mueller@web.de", ""],
        ["0221 / 5548 123", "+49 221 7762-45"],
        ["Venloer Straße 419", "Am Rinkenpfuhl 57"],
        [
            "Der Anwohner beschwerte sich am Telefon ausführlich über den Lärm der Baustelle",
            "Rückruf durch Sachbearbeiterin Gisela Becker zugesagt",
        ],
        ["Gisela Becker", "Klaus-Dieter Wolff"],
    ]
    kinds = {(f.column, f.kind) for f in scan_table(names, columns)}
    assert kinds == {
        ("Ansprechpartnerin", "person_name"),
        ("E-Mail", "email"),
        ("Telefon", "phone"),
        ("Anschrift", "street_address"),
        ("Notiz", "person_name"),
        ("Name", "person_name"),
    }
    assert iban_valid("DE89 3704 0044 0532 0130 00") and not iban_valid(
        "DE89 3704 0044 0532 0130 01"
    )
    iban = scan_table(["Konto"], [["DE89 3704 0044 0532 0130 00", "DE12 3456 7890 1234 5678 90"]])
    assert [(f.kind, f.hits) for f in iban] == [("iban", 1)]
    districts = scan_table(
        ["Nr", "Name", "Wahlbeteiligung"], [[1, 2], ["Innenstadt", "Rodenkirchen"], [55.2, 71.0]]
    )
    assert districts == []


def _upload(client: TestClient, token: str, name: str, filename: str, body: str) -> None:
    response = client.post(
        f"/daten/{name}/dateien",
        data={"csrf_token": token, "title": filename},
        files={"file": (filename, body.encode("cp1252", errors="replace"), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_gate_blocks_publication_until_each_finding_is_decided(
    client: TestClient, db: Database, editor_token: str
) -> None:
    make_dataset(db, name="sprechstunden", title="Bürgersprechstunden", department_code="69")
    login(client, EDITOR)
    token = csrf_of(client, "/daten-neu")
    _upload(client, token, "sprechstunden", "sprechstunden.csv", SPRECHSTUNDEN)
    _upload(client, token, "sprechstunden", "spenden.csv", SPENDEN)

    anonymous = TestClient(client.app)
    assert anonymous.get("/daten/sprechstunden").status_code == 404
    assert "Bürgersprechstunden" not in anonymous.get("/daten").text
    findings = client.get("/api/v1/datasets/sprechstunden/findings").json()
    assert {f["kind"] for f in findings} == {
        "person_name",
        "email",
        "phone",
        "street_address",
        "iban",
    }
    assert all("@web.de" not in f["example"] for f in findings)
    edit = client.get("/daten/sprechstunden/bearbeiten")
    assert "Datenschutzprüfung" in edit.text and "Anschriften mit Hausnummer" in edit.text
    board = client.get("/api/v1/catalog/dashboard").json()
    amt = next(d for d in board["departments"] if d["department_code"] == "69")
    assert amt["waiting"] == 1 and amt["open"] == 0

    iban = next(f for f in findings if f["kind"] == "iban")
    short = client.post(
        f"/daten/sprechstunden/befunde/{iban['id']}/freigeben",
        data={"csrf_token": token, "reason": "ok"},
    )
    assert short.status_code == 422 and "mindestens 10 Zeichen" in short.text
    cleared = client.post(
        f"/daten/sprechstunden/befunde/{iban['id']}/freigeben",
        data={
            "csrf_token": token,
            "reason": "Konten von Firmen und Vereinen, keine Privatpersonen",
        },
    )
    assert cleared.status_code == 200 and "Keine Privatpersonen".lower() in cleared.text.lower()
    assert anonymous.get("/daten/sprechstunden").status_code == 404

    email = next(f for f in findings if f["kind"] == "email")
    fixed = client.post(
        f"/daten/sprechstunden/befunde/{email['id']}/entfernen", data={"csrf_token": token}
    )
    assert fixed.status_code == 200
    page = anonymous.get("/daten/sprechstunden")
    assert page.status_code == 200 and "spenden.csv" in page.text
    assert "sprechstunden.csv" not in page.text
    board = client.get("/api/v1/catalog/dashboard").json()
    amt = next(d for d in board["departments"] if d["department_code"] == "69")
    assert amt["waiting"] == 0 and amt["open"] == 1


def test_dashboard_counts_restrictions_and_scores_quality(
    client: TestClient, db: Database, editor_token: str
) -> None:
    make_dataset(
        db,
        name="vollstaendig",
        title="Radzählstellen",
        description="Stündliche Zählwerte aller Dauerzählstellen für den Radverkehr in Köln, "
        "seit 2009 erhoben vom Amt für Verkehrsmanagement.",
        contact_email="radverkehr@stadt-koeln.de",
        keywords=["Rad", "Verkehr", "Zählung"],
        themes=["TRAN"],
        temporal_start="2009-01-01",
        frequency="DAILY",
    )
    make_dataset(
        db,
        name="schulwege",
        title="Schulwegunfälle",
        access_rights="RESTRICTED",
        restriction_reason="personal_data",
    )
    login(client, EDITOR)
    page = client.get("/daten/dashboard")
    assert page.status_code == 200 and "Open-Data-Übersicht" in page.text
    assert "personenbezogene Daten" in page.text or "personal data" in page.text
    board = client.get("/api/v1/catalog/dashboard").json()
    scores = {d["name"]: d["score"] for d in board["datasets"]}
    assert scores["vollstaendig"] == 80 and scores["schulwege"] < 30
    missing = next(d for d in board["datasets"] if d["name"] == "vollstaendig")["missing"]
    assert missing == ["distributions", "formats"]
    amt = next(d for d in board["departments"] if d["department_code"] == "69")
    assert amt["restricted_reasons"] == {"personal_data": 1}
    assert TestClient(client.app).get("/api/v1/catalog/dashboard").status_code == 401
    assert (DATA_DIR / "result_stadtbezirk.csv").exists()
