"""Large tables are scanned in a job (issue 15): the dataset stays unpublished until the scan
has read every row, the progress shows on the edit page and through the API, and personal data
that starts after row 20,000 is found. SQLite and PostgreSQL (the ``db`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.catalog import tasks
from domstadt.catalog.privacy import job
from domstadt.core.db import Database
from tests.catalog.conftest import EDITOR, make_dataset
from tests.conftest import csrf_of, login

ROWS = 25_000
PERSONAL_FROM = 20_001


def _table(personal: bool) -> str:
    lines = ["Nr;Stadtteil;Kontakt"]
    for i in range(1, ROWS + 1):
        contact = f"anwohner{i}@example.org" if personal and i >= PERSONAL_FROM else "—"
        lines.append(f"{i};Ehrenfeld {i % 7};{contact}")
    return "\n".join(lines) + "\n"


def _upload(client: TestClient, name: str, body: str) -> None:
    token = csrf_of(client, "/daten-neu")
    response = client.post(
        f"/daten/{name}/dateien",
        data={"csrf_token": token, "title": "gross.csv"},
        files={"file": ("gross.csv", body.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _run(job_args: tuple[Any, ...]) -> str:
    """Run a queued scan the way the huey task does."""
    scan_id, url, path = job_args
    database = Database(url)
    try:
        return job.run_scan(database, scan_id, Path(path))
    finally:
        database.dispose()


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The jobs the uploads queue, kept here instead of going to a worker."""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks, "privacy_scan", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def immediate() -> Iterator[None]:
    """The huey queue runs each job at once, in the process (as the harvest tests do)."""
    tasks.huey.immediate = True
    try:
        yield
    finally:
        tasks.huey.immediate = False


def test_a_large_table_waits_for_its_scan_which_finds_data_after_row_20000(
    client: TestClient,
    db: Database,
    editor_token: str,
    queued: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_dataset(db, name="anwohner", title="Anwohnerliste", department_code="69")
    login(client, EDITOR)
    _upload(client, "anwohner", _table(personal=True))

    anonymous = TestClient(client.app)
    assert anonymous.get("/daten/anwohner").status_code == 404
    assert len(queued) == 1
    scans = client.get("/api/v1/datasets/anwohner/privacy-scans").json()
    assert [(s["status"], s["rows_done"], s["rows_total"]) for s in scans] == [("queued", 0, ROWS)]
    page = client.get("/daten/anwohner/bearbeiten").text
    assert "wartet auf die Prüfung" in page and "0 von 25.000 Zeilen gelesen" in page
    assert "bis jede Prüfung abgeschlossen ist" in page
    assert anonymous.get("/api/v1/datasets/anwohner/privacy-scans").status_code in (401, 403)

    progress: list[int] = []
    report = job._progress
    monkeypatch.setattr(job, "_progress", lambda d, s, n: (progress.append(n), report(d, s, n))[1])
    assert _run(queued[0]) == "done"
    assert progress == [20_000, ROWS]

    scans = client.get("/api/v1/datasets/anwohner/privacy-scans").json()
    assert [(s["status"], s["rows_done"], s["percent"], s["findings"]) for s in scans] == [
        ("done", ROWS, 100, 1)
    ]
    findings = client.get("/api/v1/datasets/anwohner/findings").json()
    assert [(f["column"], f["kind"], f["hits"]) for f in findings] == [
        ("Kontakt", "email", ROWS - PERSONAL_FROM + 1)
    ]
    assert anonymous.get("/daten/anwohner").status_code == 404  # the finding is open
    page = client.get("/daten/anwohner/bearbeiten").text
    assert "geprüft" in page and "1 Befund" in page and "25.000 von 25.000" in page


def test_a_large_clean_table_is_published_when_its_scan_has_finished(
    client: TestClient, db: Database, editor_token: str, immediate: None
) -> None:
    make_dataset(db, name="stadtteile", title="Stadtteile", department_code="69")
    login(client, EDITOR)
    _upload(client, "stadtteile", _table(personal=False))
    scans = client.get("/api/v1/datasets/stadtteile/privacy-scans").json()
    assert [(s["status"], s["findings"]) for s in scans] == [("done", 0)]
    assert TestClient(client.app).get("/daten/stadtteile").status_code == 200


def test_a_scan_that_cannot_read_its_file_keeps_the_dataset_waiting(
    client: TestClient, db: Database, editor_token: str, queued: list[tuple[Any, ...]]
) -> None:
    make_dataset(db, name="kaputt", title="Kaputt", department_code="69")
    login(client, EDITOR)
    _upload(client, "kaputt", _table(personal=False))
    Path(queued[0][2]).unlink()
    assert _run(queued[0]) == "failed"
    assert _run(queued[0]) == "skipped"  # a scan runs once
    scans = client.get("/api/v1/datasets/kaputt/privacy-scans").json()
    assert scans[0]["status"] == "failed" and "nicht gelesen" in scans[0]["error"]
    assert "Traceback" not in scans[0]["error"]
    assert TestClient(client.app).get("/daten/kaputt").status_code == 404
