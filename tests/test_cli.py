"""The `domstadt` command as an operator runs it: a real process with its own environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo_snapshot import DemoSnapshot


def run(tmp_path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DOMSTADT_DATA_DIR": str(tmp_path),
        "DOMSTADT_ENVIRONMENT": "test",
        "DOMSTADT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-m", "domstadt", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
    )
    if check and result.returncode != 0:
        pytest.fail(f"domstadt {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    run(tmp_path, "db", "upgrade")
    return tmp_path


@pytest.fixture(scope="module")
def demo_loaded(
    tmp_path_factory: pytest.TempPathFactory, demo_snapshot: DemoSnapshot
) -> tuple[Path, str]:
    """An installation with the demo loaded by `domstadt demo load` (a copy of the run's
    snapshot, tests/demo_snapshot.py) and that command's output."""
    path = tmp_path_factory.mktemp("cli-demo")
    demo_snapshot.copy_installation(path, database="cli.sqlite3")
    return path, demo_snapshot.load_output


def test_commands_refuse_an_unmigrated_database(tmp_path: Path) -> None:
    result = run(tmp_path, "user", "list", check=False)
    assert result.returncode == 1 and "domstadt db upgrade" in result.stderr


def test_user_and_token_creation(demo_loaded: tuple[Path, str]) -> None:
    migrated = demo_loaded[0]
    created = run(
        migrated,
        "user",
        "create",
        "ops@example.org",
        "--name",
        "Olga Ops",
        "--role",
        "editor",
        "--department",
        "12",
        "--password",
        "a-long-password",
    )
    assert "ops@example.org (editor)" in created.stdout
    again = run(
        migrated,
        "user",
        "create",
        "OPS@example.org",
        "--name",
        "O",
        "--password",
        "a-long-password",
        check=False,
    )
    assert again.returncode == 1 and "bereits ein Konto" in again.stderr
    short = run(
        migrated,
        "user",
        "create",
        "x@example.org",
        "--name",
        "X",
        "--password",
        "kurz",
        check=False,
    )
    assert short.returncode == 1 and "password" in short.stderr
    token = run(migrated, "token", "create", "ops@example.org", "--name", "ci")
    last_line = token.stdout.strip().splitlines()[-1]
    assert last_line.startswith("dst_") and " " not in last_line
    unknown = run(migrated, "token", "create", "ghost@example.org", "--name", "x", check=False)
    assert unknown.returncode == 1 and "ghost@example.org" in unknown.stderr


def test_demo_load_is_idempotent(demo_loaded: tuple[Path, str]) -> None:
    migrated, first = demo_loaded
    second = run(migrated, "demo", "load").stdout
    assert "departments: 34" in first
    assert "departments: 0" in second and "people: 0" in second


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    env_secret = "a-very-secret-value-that-must-not-show-0123456789"
    os.environ["DOMSTADT_SECRET_KEY"] = env_secret
    try:
        shown = run(tmp_path, "config", "show", "--json").stdout
    finally:
        del os.environ["DOMSTADT_SECRET_KEY"]
    data = json.loads(shown)
    assert data["secret_key"] == "********" and env_secret not in shown
    assert data["data_dir"] == str(tmp_path)


def test_serve_with_workers_refuses_an_unmigrated_database_once(tmp_path: Path) -> None:
    """One clear line before any worker starts, not a traceback per worker (issue 16)."""
    result = run(tmp_path, "serve", "--workers", "2", "--port", "1", check=False)
    assert result.returncode == 1 and "domstadt db upgrade" in result.stderr
    assert "Traceback" not in result.stderr
    assert run(tmp_path, "serve", "--workers", "0", check=False).returncode == 2
