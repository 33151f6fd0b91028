"""Importing initiatives from CSV, XLSX and JSON: mapping preview, row errors, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from rich.console import Console
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core.auth.models import Role
from domstadt.core.config import get_settings
from domstadt.core.db import Database
from domstadt.masterplan.registry import cli as registry_cli
from domstadt.masterplan.registry.cli import initiatives_app
from tests.conftest import csrf_of, login, make_user
from tests.hostile_files import workbook

GOOD_CSV = (
    "Projektname;Kurzbeschreibung;Träger;Beginn;Ende;Kürzel;Status\n"
    "Digitale Stadtteilbibliothek Mülheim;E-Books und Lernplätze;Stadtbibliothek;"
    "01.02.2024;;BIB-1;laufend\n"
    "Smart Parking Deutz;Sensoren zeigen freie Parkplätze;Amt 69;"
    "2023-05-01;2025-12-31;PARK-1;abgeschlossen\n"
)


def _xlsx(rows: list[list[object]]) -> bytes:
    return workbook(rows)


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Settings re-read from the environment the test sets (and again afterwards)."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _cli(db: Database, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("DOMSTADT_DATABASE_URL", db.url)
    monkeypatch.setattr(registry_cli, "console", Console(width=200))
    get_settings.cache_clear()
    result = CliRunner().invoke(initiatives_app, list(args))
    return result.exit_code, result.output


def test_cli_imports_cp1252_semicolon_csv_after_a_dry_run(
    db: Database,
    tmp_path: object,
    monkeypatch: pytest.MonkeyPatch,
    client: TestClient,
    fresh_settings: None,
) -> None:
    path = tmp_path / "initiativen.csv"  # type: ignore[operator]
    path.write_bytes(GOOD_CSV.encode("cp1252"))
    code, out = _cli(db, monkeypatch, "import", str(path), "--dry-run")
    assert code == 0, out
    assert "cp1252" in out and "Projektname" in out and "Probelauf" in out
    assert "Digitale Stadtteilbibliothek" in out
    assert client.get("/api/v1/initiatives").json()["total"] == 0
    code, out = _cli(db, monkeypatch, "import", str(path))
    assert code == 0 and "2 Initiativen importiert" in out
    items = client.get("/api/v1/initiatives").json()["items"]
    park = next(i for i in items if i["code"] == "PARK-1")
    assert park["status"] == "completed" and park["end_date"] == "2025-12-31"
    assert client.get("/api/v1/initiatives?q=E-Books").json()["items"][0]["code"] == "BIB-1"


def test_cli_reports_every_bad_row_and_writes_nothing(
    db: Database,
    tmp_path: object,
    monkeypatch: pytest.MonkeyPatch,
    client: TestClient,
    fresh_settings: None,
) -> None:
    text = (
        "\ufefftitle,description,code,start_date\n"
        "Gute Zeile,passt,A-1,2024-01-01\n"
        ",ohne Titel,A-2,\n"
        "Falsches Datum,x,A-3,31.02.2024\n"
        "Doppelt,x,A-1,\n"
    )
    path = tmp_path / "fehler.csv"  # type: ignore[operator]
    path.write_bytes(text.encode("utf-8"))
    code, out = _cli(db, monkeypatch, "import", str(path))
    assert code == 1
    assert "utf-8-sig" in out
    assert "Titel (title) ist zu kurz" in out
    assert "Beginn (start_date) ist kein gültiges Datum" in out
    assert "'A-1' steht schon in Zeile 2" in out
    lines = [line for line in out.splitlines() if line.strip().startswith(("│ 3", "│ 4", "│ 5"))]
    assert len(lines) == 3
    assert client.get("/api/v1/initiatives").json()["total"] == 0


def test_missing_column_and_mapping_option(
    db: Database, tmp_path: object, monkeypatch: pytest.MonkeyPatch, fresh_settings: None
) -> None:
    path = tmp_path / "x.csv"  # type: ignore[operator]
    path.write_text("Vorhaben,Text\nAbc,Bcd\n", encoding="utf-8")
    code, out = _cli(db, monkeypatch, "import", str(path), "--dry-run")
    assert code == 1 and "Pflichtspalte fehlt: Beschreibung (description)" in out
    code, out = _cli(
        db, monkeypatch, "import", str(path), "--dry-run", "--mapping", '{"description": "Text"}'
    )
    assert code == 0, out


def test_json_and_xlsx_import_through_the_service(plan: Database, client: TestClient) -> None:
    from domstadt.core.auth.permissions import system_actor
    from domstadt.masterplan.registry.import_service import initiatives_import

    records = [
        {"title": "Open-Data-Hackathon", "description": "Jährlicher Hackathon", "status": "geplant"}
    ]
    with plan.session() as session:
        report = initiatives_import(
            session, actor=system_actor("t"), content=json.dumps(records).encode(),
            filename="x.json",
        )  # fmt: skip
    assert report.imported == 1 and report.mapping["title"] == "title"
    workbook = _xlsx([["Titel", "Beschreibung", "Beginn"], ["KI-Lotsen", "Beratung zu KI", None]])
    with plan.session() as session:
        report = initiatives_import(
            session, actor=system_actor("t"), content=workbook, filename="liste.xlsx"
        )
    assert report.imported == 1
    assert client.get("/api/v1/initiatives").json()["total"] == 2


def test_upload_page_previews_and_imports(client: TestClient, plan: Database) -> None:
    make_user(plan, "redaktion@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "redaktion@stadt-koeln.example")
    token = csrf_of(client, "/initiativen/import")
    upload = {"file": ("liste.csv", GOOD_CSV.encode("utf-8"), "text/csv")}
    preview = client.post(
        "/initiativen/import", data={"csrf_token": token, "dry_run": "1"}, files=upload
    )
    assert preview.status_code == 200
    assert "2 Zeilen können importiert werden" in preview.text and "Projektname" in preview.text
    assert client.get("/api/v1/initiatives").json()["total"] == 0
    done = client.post(
        "/initiativen/import", data={"csrf_token": token, "dry_run": "0"}, files=upload
    )
    assert "2 Initiativen importiert" in done.text
    again = client.post(
        "/initiativen/import", data={"csrf_token": token, "dry_run": "0"}, files=upload
    )
    assert again.status_code == 422 and "ist bereits vergeben" in again.text
    assert client.get("/api/v1/initiatives").json()["total"] == 2
    bad = client.post(
        "/initiativen/import",
        data={"csrf_token": token, "dry_run": "1"},
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
    )
    assert bad.status_code == 422 and "CSV, XLSX oder JSON" in bad.text
