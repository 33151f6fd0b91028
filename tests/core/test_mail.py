"""The outbox: one RFC 5322 file per message, listed newest first by code, CLI and page."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domstadt.core import config
from domstadt.core.config import Settings
from domstadt.core.errors import NotFound
from domstadt.core.mail import Mailer


def _mailer(tmp_path: Path) -> Mailer:
    return Mailer(Settings(data_dir=tmp_path, smtp_from="noreply@domstadt.example"))  # type: ignore[call-arg]


def test_message_is_written_to_the_outbox_as_rfc5322(tmp_path: Path) -> None:
    mailer = _mailer(tmp_path)
    name = mailer.send(to="ada@example.org", subject="Grüße aus Köln", body="Hallo Ada,\nÄÖÜß")
    files = list((tmp_path / "outbox").iterdir())
    assert [f.name for f in files] == [name]  # no temporary file left behind
    parsed = BytesParser(policy=policy.default).parsebytes(files[0].read_bytes())
    assert parsed["To"] == "ada@example.org"
    assert parsed["From"] == "noreply@domstadt.example"
    assert parsed["Subject"] == "Grüße aus Köln"
    assert parsed["Message-ID"] and parsed["Date"]
    assert parsed.get_content().strip() == "Hallo Ada,\r\nÄÖÜß"  # CRLF, as RFC 5322 says


def test_outbox_lists_newest_first_and_reads_only_its_own_files(tmp_path: Path) -> None:
    mailer = _mailer(tmp_path)
    mailer.send(to="a@example.org", subject="erste", body="1")
    mailer.send(to="b@example.org", subject="zweite", body="2")
    assert [e.subject for e in mailer.list()] == ["zweite", "erste"]
    assert mailer.read(mailer.list()[0].name).body.strip() == "2"
    with pytest.raises(NotFound):
        mailer.read("../../etc/passwd")
    assert _mailer(tmp_path / "nowhere").list() == []


def test_cli_lists_the_outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from domstadt.cli import app

    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    try:
        runner = CliRunner()
        empty = runner.invoke(app, ["mail", "outbox"])
        assert empty.exit_code == 0 and "leer" in empty.output
        _mailer(tmp_path).send(to="ada@example.org", subject="Bestätigung", body="x")
        listed = runner.invoke(app, ["mail", "outbox", "--json"])
        assert listed.exit_code == 0, listed.output
        rows = json.loads(listed.output)
        assert [(r["recipient"], r["subject"]) for r in rows] == [
            ("ada@example.org", "Bestätigung")
        ]
        table = runner.invoke(app, ["mail", "outbox"])
        assert "Bestätigung" in table.output and "ada@example.org" in table.output
    finally:
        config.get_settings.cache_clear()
