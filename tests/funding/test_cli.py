"""`domstadt funding import` prints a per-row report; --dry-run writes nothing; a bad mapping
is one clear error with exit code 1; `funding rematch` matches every measure."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from domstadt.funding.cli import funding_app
from tests.funding.conftest import EU, GERMAN_CSV


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(funding_app, list(args))
    return result.exit_code, result.output


def test_import_reports_every_row(cli_env: None, tmp_path: Path) -> None:
    path = tmp_path / "programme.csv"
    path.write_bytes(GERMAN_CSV.encode("cp1252"))
    code, out = cli("import", str(path), "--dry-run")
    assert code == 0, out
    assert "Probelauf (nichts geschrieben): 3 neu" in out
    code, out = cli("import", str(path))
    assert "Zeile 2: neu – Digitale Modellregion Köln" in out
    assert "Zeile 5: abgelehnt – (ohne Titel): kein Titel" in out
    assert "3 neu, 0 geändert, 0 unverändert, 4 abgelehnt" in out
    code, out = cli("import", str(path))
    assert "0 neu, 0 geändert, 3 unverändert, 4 abgelehnt" in out


def test_bad_mapping_is_one_clear_error(cli_env: None, tmp_path: Path) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text('{"title": "Programmtitel"}', encoding="utf-8")
    code, out = cli("import", str(EU), "--mapping", str(mapping))
    assert code == 1 and "„Programmtitel“" in out
    code, out = cli("import", str(tmp_path / "fehlt.csv"))
    assert code == 1 and "fehlt.csv" in out


def test_rematch_counts_measures(cli_env: None) -> None:
    code, out = cli("rematch")
    assert code == 0 and "0 Maßnahmen abgeglichen" in out
