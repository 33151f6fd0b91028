"""Importing best practices from real files: the AI Watch cases (JSON with a mapping, and a
German ';'/Latin-1 CSV export), the screening's reference cases, and bad input."""

from __future__ import annotations

import pytest

from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import Actor, system_actor
from domstadt.core.db import Database
from domstadt.core.errors import Forbidden, Invalid, Unauthenticated
from domstadt.funding import practice_service
from domstadt.funding.practices.schemas import PracticeFilter
from tests.conftest import make_user
from tests.funding.practices_helpers import (
    AI_WATCH,
    AI_WATCH_MAPPING,
    SAMPLE,
    ai_watch_count,
    import_all,
    run_import,
)


def _list(db: Database, **filters: object) -> list[str]:
    with db.session() as session:
        found = practice_service.practice_list(
            session, actor=system_actor("tests"), filters=PracticeFilter(limit=100, **filters)
        )
    return [p.title for p in found.items]


def test_real_csv_with_semicolons_in_latin1_is_read_by_german_headers(db: Database) -> None:
    content = SAMPLE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    report = run_import(db, content, SAMPLE.name)
    assert (report.how, report.added, report.refused) == ("headers", 6, 0)
    with db.session() as session:
        found = practice_service.practice_list(
            session, actor=system_actor("t"), filters=PracticeFilter(city="tallinn")
        )
        tallinn = practice_service.practice_get(
            session, actor=system_actor("t"), practice_id=found.items[0].id
        )
    assert tallinn.city == "Tallinn" and tallinn.country == "Estonia"
    assert "Sifr OÜ" in tallinn.solution  # Latin-1 "Ü" read right
    assert tallinn.technology == "Computer vision" and tallinn.url.startswith("https://")


def test_reimport_changes_nothing_and_a_changed_row_is_changed(db: Database) -> None:
    content = SAMPLE.read_bytes()
    run_import(db, content, SAMPLE.name)
    again = run_import(db, content, SAMPLE.name)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 6)
    edited = content.replace(b"Computer vision", b"Maschinelles Sehen", 1)
    third = run_import(db, edited, SAMPLE.name)
    assert (third.added, third.changed, third.unchanged) == (0, 1, 5)
    assert _list(db, technology="maschinelles") and not _list(db, technology="computer vision")
    other_source = run_import(db, content, SAMPLE.name, source="other")
    assert other_source.added == 6


def test_demo_file_with_mapping_and_status_vocabulary(db: Database) -> None:
    report = run_import(
        db, AI_WATCH.read_bytes(), AI_WATCH.name, source="ai-watch",
        mapping_text=AI_WATCH_MAPPING, defaults={"licence": "EUPL-1.2"},
    )  # fmt: skip
    assert report.how == "mapping" and report.added == ai_watch_count() >= 30
    assert report.refused == 0
    assert len(_list(db, city="amsterdam")) == 3
    assert "Kiri - chatbot for citizens' enquiries" in _list(db, q="chatbot")
    assert len(_list(db, technology="natural language")) >= 10


def test_dry_run_writes_nothing(db: Database) -> None:
    report = run_import(db, SAMPLE.read_bytes(), SAMPLE.name, dry_run=True)
    assert report.dry_run and report.added == 6
    assert _list(db) == []


def test_bad_rows_are_refused_with_reasons_and_the_rest_imported(db: Database) -> None:
    text = SAMPLE.read_bytes().decode("latin-1")
    header, first, second, *rest = text.split("\r\n")
    no_title = ";".join(["999", "", *first.split(";")[2:]])
    bad_status = second.replace(";Unknown;", ";irgendwie;")
    content = "\r\n".join([header, first, no_title, first, bad_status, *rest]).encode("latin-1")
    report = run_import(db, content, "export.csv")
    reasons = {r.row: r.reason for r in report.rows if r.outcome == "refused"}
    assert reasons[3] == "kein Titel"
    assert reasons[4] == "doppelt: dieselbe Kennung wie Zeile 2"
    assert "unbekannter Status „irgendwie“" in reasons[5]
    assert report.added == 5 and report.refused == 3


def test_a_mapping_naming_a_missing_column_is_refused_before_anything_is_written(
    db: Database,
) -> None:
    mapping = '{"title": "Titel", "city": "Kommune"}'
    with pytest.raises(Invalid) as problem:
        run_import(db, SAMPLE.read_bytes(), SAMPLE.name, mapping_text=mapping)
    assert (
        "city → „Kommune“" in problem.value.message
        and "Vorhandene Spalten" in problem.value.message
    )
    with pytest.raises(Invalid) as unknown:
        run_import(db, SAMPLE.read_bytes(), SAMPLE.name, mapping_text='{"provider": "Titel"}')
    assert "Unbekannte Felder in der Zuordnung: provider" in unknown.value.message
    with pytest.raises(Invalid):
        run_import(db, b"Spalte A;Spalte B\r\nx;y\r\n", "x.csv")  # no title column
    assert _list(db) == []


def test_reference_cases_join_the_library(db: Database) -> None:
    import_all(db)
    with db.session() as session:
        again = practice_service.import_reference_cases(session, actor=system_actor("t"))
        cases = practice_service.screening_cases(session, actor=system_actor("t"))
    assert (again.added, again.unchanged) == (0, 44)
    assert len(cases) == ai_watch_count() + 44
    hamburg = next(c for c in cases if c.title == "KI-Assistenz am Behördentelefon 115")
    assert hamburg.place == "Hamburg" and hamburg.technique == "Spracherkennung und -synthese"
    assert hamburg.outcome.startswith("Pilot abgeschlossen")


def test_importing_needs_the_practices_permission(plan: Database) -> None:
    db = plan
    member = Actor(user_id=1, email="m@example.org", name="M", role=Role.MEMBER)
    with db.session() as session:
        with pytest.raises(Forbidden):
            practice_service.import_file(
                session, actor=member, content=SAMPLE.read_bytes(), filename=SAMPLE.name,
                source="x",
            )  # fmt: skip
        with pytest.raises(Unauthenticated):
            practice_service.import_reference_cases(session, actor=Actor())
    user = make_user(plan, "e@example.org", Role.EDITOR, department_code="DIG")
    editor = Actor(user_id=user.id, email=user.email, name=user.name, role=Role.EDITOR)
    with db.session() as session:
        report = practice_service.import_file(
            session, actor=editor, content=SAMPLE.read_bytes(), filename=SAMPLE.name, source="x"
        )
    assert report.added == 6
