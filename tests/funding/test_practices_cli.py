"""`domstadt practices import` prints a per-row report; --dry-run writes nothing; a mapping
naming a missing column is one clear error with exit code 1; `import-reference-cases` joins the
screening's cases to the library; the demo step loads 30+ real practices with ratings."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core as demo_core
from domstadt.demo import practices as demo_practices
from domstadt.funding import practice_service
from domstadt.funding.practices.cli import practices_app
from domstadt.funding.practices.schemas import PracticeFilter
from tests.funding.practices_helpers import AI_WATCH, DEMO, SAMPLE


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(practices_app, list(args))
    return result.exit_code, result.output


def test_import_reports_every_row_and_reimport_changes_nothing(cli_env: None) -> None:
    code, out = cli("import", str(SAMPLE), "--dry-run")
    assert code == 0, out
    assert "Probelauf (nichts geschrieben): 6 neu" in out
    code, out = cli("import", str(SAMPLE), "--licence", "EUPL-1.2")
    assert "Zeile 2: neu – " in out and "6 neu, 0 geändert, 0 unverändert, 0 abgelehnt" in out
    code, out = cli("import", str(SAMPLE), "--licence", "EUPL-1.2")
    assert "0 neu, 0 geändert, 6 unverändert, 0 abgelehnt" in out
    code, out = cli(
        "import", str(AI_WATCH), "--mapping", str(DEMO / "ai_watch_mapping.json"),
        "--source", "ai-watch",
    )  # fmt: skip
    assert code == 0 and "40 neu" in out and "Spalten per mapping" in " ".join(out.split())
    code, out = cli("import-reference-cases")
    assert code == 0 and "44 neu" in out and "Quelle reference_cases" in " ".join(out.split())


def test_bad_mapping_is_one_clear_error(cli_env: None, tmp_path: Path) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text('{"title": "Projekttitel"}', encoding="utf-8")
    code, out = cli("import", str(SAMPLE), "--mapping", str(mapping))
    assert code == 1
    assert "Die Zuordnung nennt Spalten, die die Datei nicht hat" in " ".join(out.split())
    code, out = cli("import", str(tmp_path / "fehlt.csv"))
    assert code == 1 and "kann nicht gelesen werden" in out


def test_demo_step_loads_real_practices_and_ratings(db: Database) -> None:
    actor = system_actor("demo")
    with db.session() as session:
        demo_core.load(session, actor)
        first = demo_practices.load(session, actor)
    assert first == {"practices": 84, "unchanged": 0, "ratings": 5}
    with db.session() as session:
        again = demo_practices.load(session, actor)
        kiri = practice_service.practice_list(
            session, actor=actor, filters=PracticeFilter(q="Kiri")
        ).items[0]
        rated = practice_service.practice_get(session, actor=actor, practice_id=kiri.id)
    assert again == {"practices": 0, "unchanged": 84, "ratings": 5}
    assert rated.reviewers == 2 and rated.licence.startswith("EUPL-1.2")
