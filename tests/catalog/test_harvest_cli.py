"""`domstadt harvest add/run/list` and the huey task, against a plain file URL served locally."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domstadt.catalog import service, tasks
from domstadt.catalog.cli import harvest_app
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.outbound import REFUSED
from tests.catalog.conftest import DATA_DIR
from tests.catalog.harvest_servers import LOOPBACK, Routes, static_server


@pytest.fixture
def cli_env(cli_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared command environment, with the local test servers allowed outbound."""
    monkeypatch.setenv("DOMSTADT_OUTBOUND_ALLOWED_HOSTS", "127.0.0.1")


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(harvest_app, list(args))
    return result.exit_code, result.output


def test_cli_adds_runs_and_lists_a_file_source(
    db: Database, departments: None, cli_env: None
) -> None:
    csv = (DATA_DIR / "result_stadtbezirk.csv").read_bytes()
    with static_server() as routes:
        url = routes.set("/wahl/result_stadtbezirk.csv", "text/csv", csv)
        code, out = cli("add", "wahl-datei", url, "--type", "file", "--department", "69")
        assert code == 1 and "Lizenz" in out
        code, out = cli(
            "add",
            "wahl-datei",
            url,
            "--type",
            "file",
            "--department",
            "69",
            "--license",
            "cc-by/4.0",
        )
        assert code == 0, out
        code, out = cli("run", "wahl-datei")
        assert code == 0 and "neu 1" in out, out
        routes.set("/wahl/result_stadtbezirk.csv", "text/csv", csv + b"10;Neu;1\n")
        code, out = cli("run", "wahl-datei")
        assert "aktualisiert 1" in out, out
        code, out = cli("list")
        assert "wahl-datei\tfile" in out and "finished" in out
    with db.session() as session:
        ds = service.dataset_get(session, actor=system_actor("t"), id_or_name="wahl-datei")
    assert ds.distributions[0].format == "CSV" and ds.distributions[0].byte_size == len(csv) + 9

    code, out = cli("run", "gibt-es-nicht")
    assert code == 1 and "nicht gefunden" in out
    code, out = cli("add", "ftp-quelle", "ftp://example.org", "--type", "ckan")
    assert code == 1 and "http(s)" in out
    code, out = cli("add", "intern", "http://127.0.0.2/liste.csv", "--type", "dcat")
    assert code == 1 and REFUSED in out  # only 127.0.0.1 is allowed


def test_huey_task_runs_a_source(
    db: Database, departments: None, cli_env: None, routes_file: Routes
) -> None:
    queue = tasks.huey
    queue.immediate = True
    try:
        result = tasks.harvest_source("rostock", db.url).get()
    finally:
        queue.immediate = False
    assert result["status"] == "finished" and result["added"] == 1


@pytest.fixture
def routes_file(db: Database, departments: None) -> Iterator[Routes]:

    from domstadt.catalog import harvest_service

    with static_server() as routes:
        url = routes.set(
            "/rostock.rdf",
            "application/rdf+xml",
            (Path(__file__).parent / "data" / "dataset_gov_de.rdf").read_bytes(),
        )
        with db.session() as session:
            harvest_service.source_create(
                session,
                actor=system_actor("t"),
                name="rostock",
                url=url,
                type="dcat",
                outbound=LOOPBACK,
            )
        yield routes
