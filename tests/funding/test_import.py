"""Importing programmes: real Förderdatenbank rows and EU calls, re-import, change history,
dry run, and the bad-input list of issue 11 (encoding, ';' and decimal commas, vague dates,
no title, duplicates, a mapping naming a missing column)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from domstadt import funding_service
from domstadt.core.audit import AuditEntry
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.funding.models import FundingProgramme, FundingProgrammeVersion
from domstadt.funding.schemas import ProgrammeFilter
from tests.funding.conftest import EU, EU_MAPPING, FDB, GERMAN_CSV, run_import


def _count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(FundingProgramme.id))) or 0


def test_real_foerderdatenbank_rows_are_recognised_by_their_layout(db: Database) -> None:
    report = run_import(db, FDB.read_bytes(), FDB.name, source="foerderdatenbank")
    assert report.how == "foerderdatenbank"
    assert (report.added, report.refused) == (46, 0)
    with db.session() as session:
        nrw = session.scalars(
            select(FundingProgramme).where(FundingProgramme.region == "Nordrhein-Westfalen")
        ).all()
        assert nrw and all(p.level == "land" for p in nrw)
        one = nrw[0]
        assert one.no_derivatives and one.licence == "CC BY-ND 4.0"
        assert "CC BY-ND 4.0" in one.attribution and one.url in one.attribution
        assert one.url.startswith(
            "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Land/NRW/"
        )


def test_reimport_changes_nothing(db: Database) -> None:
    run_import(db, EU.read_bytes(), EU.name, mapping_text=EU_MAPPING, defaults={"level": "eu"})
    again = run_import(
        db, EU.read_bytes(), EU.name, mapping_text=EU_MAPPING, defaults={"level": "eu"}
    )
    assert (again.added, again.changed, again.unchanged) == (0, 0, 40)
    assert _count(db) == 40


def test_a_changed_row_keeps_the_old_state_as_history(db: Database) -> None:
    calls = json.loads(EU.read_text(encoding="utf-8"))
    run_import(db, EU.read_bytes(), EU.name, mapping_text=EU_MAPPING, defaults={"level": "eu"})
    first = calls["calls"][0]
    old_close = first["closeDate"]
    first["closeDate"] = "2030-01-31 00:00:00"
    changed = run_import(
        db, json.dumps(calls).encode(), EU.name, mapping_text=EU_MAPPING, defaults={"level": "eu"}
    )
    assert (changed.changed, changed.unchanged) == (1, 39)
    assert changed.rows[0].outcome == "changed" and changed.rows[0].row == 2
    with db.session() as session:
        row = session.scalars(
            select(FundingProgramme).where(FundingProgramme.external_id == first["code"])
        ).one()
        assert row.version == 2 and str(row.call_close) == "2030-01-31"
        version = session.scalars(select(FundingProgrammeVersion)).one()
        assert version.changes["call_close"] == {"before": old_close[:10], "after": "2030-01-31"}
        page = funding_service.programme_get(session, actor=system_actor(), programme_id=row.id)
        assert page.history[0].changes["call_close"]["after"] == "2030-01-31"


def test_dry_run_reports_and_writes_nothing(db: Database) -> None:
    report = run_import(db, FDB.read_bytes(), FDB.name, dry_run=True)
    assert report.dry_run and report.added == 46
    assert _count(db) == 0
    with db.session() as session:
        assert session.scalar(select(func.count(AuditEntry.id))) == 0


def test_import_is_audited(db: Database) -> None:
    run_import(db, FDB.read_bytes(), FDB.name, source="fdb")
    with db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "funding.import")
        ).one()
        assert entry.entity_id == "fdb" and entry.after["added"] == 46


def test_windows_1252_semicolons_decimal_commas_and_vague_dates(db: Database) -> None:
    report = run_import(db, GERMAN_CSV.encode("cp1252"), "programme.csv", source="excel")
    assert report.how == "headers"
    outcomes = {r.row: (r.outcome, r.reason) for r in report.rows}
    assert [outcomes[n][0] for n in (2, 3, 4)] == ["added"] * 3
    assert outcomes[5] == ("refused", "kein Titel")
    assert outcomes[6][0] == "refused" and "Zeile 3" in outcomes[6][1]
    assert outcomes[7][0] == "refused" and "„irgendwann“" in outcomes[7][1]
    assert outcomes[8][0] == "refused" and "Mondebene" in outcomes[8][1]
    with db.session() as session:
        rows = {p.title: p for p in session.scalars(select(FundingProgramme))}
    assert rows["Digitale Modellregion Köln"].amount_eur == 1250000.5
    assert rows["Digitale Modellregion Köln"].applicants == ["kommune", "kmu"]
    assert str(rows["Smart-City-Förderung"].call_close) == "2026-12-31"
    assert rows["Stadtgrün digital"].status_given == "rolling"
    assert rows["Stadtgrün digital"].funding_type == "prize"
    assert set(rows) == {"Digitale Modellregion Köln", "Smart-City-Förderung", "Stadtgrün digital"}


def test_a_mapping_naming_a_missing_column_is_a_file_error(db: Database) -> None:
    mapping = json.dumps({"title": "name", "call_close": "Einsendeschluss"})
    with pytest.raises(Invalid, match="„Einsendeschluss“"):
        run_import(db, EU.read_bytes(), EU.name, mapping_text=mapping)
    assert _count(db) == 0


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ('{"titel": "name"}', "Unbekannte Felder"),
        ('["name"]', "JSON-Objekt"),
        ("{kaputt", "kein gültiges JSON"),
    ],
)
def test_bad_mappings_are_refused(db: Database, mapping: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        run_import(db, EU.read_bytes(), EU.name, mapping_text=mapping)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\xff\xfe\x00\x81\x8d\x90", "x.csv", None),
        (b"Titel;Titel\nA;B\n", "x.csv", "zweimal"),
        (b"Name;Programm\nA;B\n", "x.csv", "nicht eindeutig"),
        (b"Spalte\nA\n", "x.csv", "Keine Spalte f\u00fcr den Titel"),
        (b'{"a": 1}', "x.json", "Liste von Objekten"),
        (b"nope", "x.pdf", "Dateiformat"),
        (b"PK-not-a-zip", "x.xlsx", "nicht lesbar"),
    ],
)
def test_broken_files_are_refused_before_anything_is_written(
    db: Database, content: bytes, name: str, message: str | None
) -> None:
    with pytest.raises(Invalid) as caught:
        run_import(db, content, name)
    if message:
        assert message in str(caught.value)
    assert _count(db) == 0


def test_xlsx_with_german_headers(db: Database, tmp_path: object) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Programmname", "Ebene", "Einreichungsfrist", "Beschreibung"])
    sheet.append(["Kommunale Datenräume", "Bund", "30.06.2027", "Datenplattformen der Städte"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import(db, buffer.getvalue(), "liste.xlsx")
    assert (report.added, report.refused) == (1, 0)


def test_list_filters_by_level_status_and_text(db: Database) -> None:
    run_import(db, GERMAN_CSV.encode("cp1252"), "programme.csv", source="excel")
    run_import(db, EU.read_bytes(), EU.name, mapping_text=EU_MAPPING, defaults={"level": "eu"})
    with db.session() as session:
        actor = system_actor()
        found = funding_service.programme_list(
            session, actor=actor, filters=ProgrammeFilter(q="Modellregion")
        )
        assert [p.title for p in found.items] == ["Digitale Modellregion Köln"]
        eu = funding_service.programme_list(
            session, actor=actor, filters=ProgrammeFilter(level="eu")
        )
        assert eu.count == 40
        rolling = funding_service.programme_list(
            session, actor=actor, filters=ProgrammeFilter(status="rolling")
        )
        assert [p.title for p in rolling.items] == ["Stadtgrün digital"]
        closed = funding_service.programme_list(
            session, actor=actor, filters=ProgrammeFilter(status="closed", limit=100)
        )
        assert all(p.call_close is not None for p in closed.items)
