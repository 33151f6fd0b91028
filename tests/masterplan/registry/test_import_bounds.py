"""The initiatives import is bounded and off the event loop (issue 14): hostile files answer
422 with a clear message (before: 500 or an import of a DTD-carrying workbook), a file of
more rows than allowed is refused while it is read, and the server keeps answering other
requests while an import runs (before, parsing and importing ran in the event loop: /healthz
waited 30 s)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.masterplan.registry import importer
from tests.conftest import PASSWORD, csrf_of, login, make_user
from tests.hostile_files import DEEP_JSON, csv_with_long_field, truncated, with_dtd, workbook
from tests.live import csrf_in, serving, signed_in

EDITOR = "redaktion@stadt-koeln.example"
ROWS: list[list[object]] = [["Titel", "Beschreibung"], ["Smart Parking Deutz", "Sensoren"]]


def _upload(client: TestClient, filename: str, content: bytes, dry_run: str = "1") -> object:
    token = csrf_of(client, "/initiativen/import")
    return client.post(
        "/initiativen/import",
        data={"csrf_token": token, "dry_run": dry_run},
        files={"file": (filename, content)},
    )


# Named ids: the files' bytes hold the time they were made, and ids made from them differ
# between pytest-xdist workers that collect two seconds apart (the whole run then stops).
@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("liste.csv", csv_with_long_field("Titel;Beschreibung"), "länger als 128 KiB"),
        ("kaputt.xlsx", workbook(ROWS, truncated), "XLSX-Datei ist nicht lesbar"),
        ("dtd.xlsx", workbook(ROWS, with_dtd), "DTD"),
        ("tief.json", DEEP_JSON, "höchstens 64 Ebenen"),
    ],
    ids=["csv-long-field", "xlsx-truncated", "xlsx-dtd", "deep-json"],
)
def test_hostile_file_is_refused_with_its_reason(
    client: TestClient, plan: Database, filename: str, content: bytes, words: str
) -> None:
    make_user(plan, EDITOR, Role.EDITOR, department_code="DIG")
    login(client, EDITOR)
    response = _upload(client, filename, content, dry_run="0")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert words in response.text  # type: ignore[attr-defined]
    assert client.get("/api/v1/initiatives").json()["total"] == 0


def test_more_rows_than_allowed_are_refused_while_reading(
    client: TestClient, plan: Database
) -> None:
    """The web import takes DOMSTADT_MAX_IMPORT_ROWS rows (here 10); the workbook has 20."""
    make_user(plan, EDITOR, Role.EDITOR, department_code="DIG")
    login(client, EDITOR)
    app_settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = app_settings.model_copy(update={"max_import_rows": 10})  # type: ignore[attr-defined]
    rows = ROWS[:1] + [[f"Projekt {n}", "Beschreibung"] for n in range(20)]
    response = _upload(client, "liste.xlsx", workbook(rows))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "mehr als 10 Zeilen" in response.text  # type: ignore[attr-defined]


def test_server_answers_while_an_import_runs(
    plan: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import stops in the middle (after reading the file) until /healthz has answered:
    with the import in a worker thread it does; in the event loop it never could."""
    from domstadt.web.app import create_app

    make_user(plan, EDITOR, Role.EDITOR, department_code="DIG")
    reading_done, health_answered = threading.Event(), threading.Event()
    check_rows = importer.check_rows

    def check_rows_after_health(*args: object) -> importer.Checked:
        reading_done.set()
        health_answered.wait(timeout=20)
        return check_rows(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "check_rows", check_rows_after_health)
    with (
        serving(create_app(settings, plan)) as base,
        signed_in(base, EDITOR, PASSWORD, timeout=60) as editor,
        ThreadPoolExecutor(1) as pool,
    ):
        token = csrf_in(editor.get("/initiativen/import"))
        running = pool.submit(
            editor.post,
            "/initiativen/import",
            data={"csrf_token": token, "dry_run": "0"},
            files={"file": ("liste.xlsx", workbook(ROWS))},
        )
        assert reading_done.wait(timeout=20)
        health = httpx.get(f"{base}/healthz", timeout=10)
        still_running = not running.done()
        health_answered.set()
        imported = running.result()
    assert health.status_code == 200 and still_running
    assert imported.status_code == 200 and "1 Initiativen importiert" in imported.text
