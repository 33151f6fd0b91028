"""Expand, migrate, contract: every revision file declares its phase and keeps it; code serves
on a schema newer than it knows only when every newer revision is an expand step."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core import migration_lint
from domstadt.core.config import Settings
from domstadt.core.db import Database, NotMigrated
from domstadt.core.migrate import ensure_migrated, head_revision, oldest_code_revision, upgrade

VERSIONS = Path(__file__).resolve().parents[2] / "src/domstadt/migrations/versions"
FILES = sorted(VERSIONS.glob("0*.py"))
FUTURE = "9999_future"
Ahead = Callable[[str | None], None]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_revision_declares_its_phase_and_keeps_it(path: Path) -> None:
    assert migration_lint.problems(path.read_text(encoding="utf-8")) == []


EXPAND = 'phase = "expand"\n\ndef upgrade():\n'
BREAKING = {
    "drop_column": 'op.drop_column("measure", "title")',
    "drop_table": 'op.drop_table("measure")',
    "rename": 'op.alter_column("measure", "title", new_column_name="name")',
    "retype": 'op.alter_column("measure", "title", type_=sa.String(20))',
    "not_null": 'op.alter_column("measure", "title", nullable=False)',
    "batch_not_null": 'with op.batch_alter_table("measure") as b:\n'
    '        b.alter_column("title", nullable=False)',
    "strict_column": 'op.add_column("measure", sa.Column("x", sa.Text(), nullable=False))',
    "unique_on_existing": 'op.create_index("ix", "measure", ["title"], unique=True)',
    "batch_unique": 'with op.batch_alter_table("measure") as b:\n'
    '        b.create_unique_constraint("uq", ["title"])',
    "sql_drop": 'op.execute("ALTER TABLE measure DROP COLUMN title")',
    "helper_drop": "_helper()\n\ndef _helper():\n    op.drop_index('ix_measure_title')",
}


@pytest.mark.parametrize("body", BREAKING.values(), ids=BREAKING.keys())
def test_an_expand_step_that_breaks_the_old_release_is_named(body: str) -> None:
    found = migration_lint.problems(EXPAND + "    " + body + "\n")
    assert len(found) == 1 and found[0].startswith("line ")
    assert migration_lint.problems(EXPAND.replace("expand", "contract") + "    " + body) == []


def test_additive_steps_pass_and_a_missing_phase_is_named() -> None:
    additive = (
        'op.create_table("t", sa.Column("id", sa.Integer()))\n'
        '    op.create_index("ix", "t", ["id"], unique=True)\n'
        '    op.add_column("measure", sa.Column("x", sa.Text(), nullable=False, '
        'server_default=""))\n'
        '    op.execute("ALTER TABLE measure ALTER COLUMN id TYPE bigint")\n'
    )
    assert migration_lint.problems(EXPAND + "    " + additive) == []
    assert migration_lint.problems("def upgrade():\n    pass\n") == [
        'declares no phase = "expand" or "contract"'
    ]


REPLACED = 'replaced_constraints = ("fk_a",)\n'


def test_an_expand_step_may_drop_only_the_constraints_it_names_as_replaced() -> None:
    by_name = 'op.drop_constraint("fk_a", "t", type_="foreignkey")\n'
    by_loop = 'for name in replaced_constraints:\n        op.drop_constraint(name, "t")\n'
    assert migration_lint.problems(REPLACED + EXPAND + "    " + by_name) == []
    assert migration_lint.problems(REPLACED + EXPAND + "    " + by_loop) == []
    other = 'op.drop_constraint("fk_b", "t", type_="foreignkey")\n'
    assert len(migration_lint.problems(REPLACED + EXPAND + "    " + other)) == 1
    assert len(migration_lint.problems(EXPAND + "    " + by_name)) == 1
    loop_over_other = 'for name in ("fk_a",):\n        op.drop_constraint(name, "t")\n'
    assert len(migration_lint.problems(REPLACED + EXPAND + "    " + loop_over_other)) == 1


def test_an_expand_step_may_rebuild_a_replaced_unique_index_under_its_own_name() -> None:
    replaced = 'replaced_constraints = ("uq_old",)\nsame_rule_keys = ("uq_new",)\n'
    rebuild = (
        'op.create_index("uq_new", "t", ["a"], unique=True)\n'
        '    for name in replaced_constraints:\n        op.drop_index(name, table_name="t")\n'
    )
    assert migration_lint.problems(replaced + EXPAND + "    " + rebuild) == []
    other_key = rebuild.replace('"uq_new", "t"', '"uq_other", "t"')
    assert len(migration_lint.problems(replaced + EXPAND + "    " + other_key)) == 1
    nothing_replaced = 'same_rule_keys = ("uq_new",)\n' + EXPAND + "    " + rebuild
    assert len(migration_lint.problems(nothing_replaced)) == 2  # the unique index and the drop


def _newest_contract() -> str:
    contracts = [p.stem for p in FILES if 'phase = "contract"' in p.read_text(encoding="utf-8")]
    return max(contracts)


def test_upgrade_records_the_oldest_code_that_can_serve(db: Database) -> None:
    upgrade(db)  # at head already: records again (the PostgreSQL test tables were emptied)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT schema_revision, oldest_code_revision FROM schema_policy"))
        assert [tuple(r) for r in rows] == [(head_revision(db), _newest_contract())]
    assert oldest_code_revision(db) == _newest_contract()


@pytest.fixture
def ahead(db: Database) -> Iterator[Ahead]:
    """Moves the schema ahead (see ``_move_ahead``); puts it back at head afterwards (the
    PostgreSQL test database is shared by the run)."""
    yield lambda oldest: _move_ahead(db, oldest)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision(db)})
    upgrade(db)


def _move_ahead(db: Database, oldest: str | None) -> None:
    """Pretend a newer release migrated the schema to FUTURE, recording ``oldest``."""
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE})
        conn.execute(text("DELETE FROM schema_policy"))
        if oldest is not None:
            conn.execute(
                text(
                    "INSERT INTO schema_policy (schema_revision, oldest_code_revision, "
                    "recorded_at) VALUES (:r, :o, CURRENT_TIMESTAMP)"
                ),
                {"r": FUTURE, "o": oldest},
            )


def test_a_schema_ahead_by_expand_steps_serves_with_a_warning(
    db: Database, settings: Settings, ahead: Ahead, caplog: pytest.LogCaptureFixture
) -> None:
    from domstadt.web.app import create_app

    ahead(_newest_contract())
    with caplog.at_level(logging.WARNING, logger="domstadt.migrate"):
        ensure_migrated(db)
    assert FUTURE in caplog.text and "Expand-Schritte" in caplog.text
    with TestClient(create_app(settings, db)) as client:
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready", ready
        assert "expand steps only" in ready["checks"]["migrations"]["detail"]
        assert client.get("/api/v1/measures").status_code == 200


def test_a_schema_past_an_unknown_contract_step_is_refused_naming_it(
    db: Database, settings: Settings, ahead: Ahead
) -> None:
    from domstadt.web.app import create_app

    ahead(FUTURE)
    with pytest.raises(NotMigrated, match=f"Revision {FUTURE} ist ein Contract-Schritt"):
        ensure_migrated(db)
    with pytest.raises(NotMigrated, match="Contract-Schritt"):
        create_app(settings, db)


def test_a_newer_schema_without_a_record_is_refused(db: Database, ahead: Ahead) -> None:
    ahead(None)
    with pytest.raises(NotMigrated, match="nicht verzeichnet"):
        ensure_migrated(db)


def test_readiness_names_the_contract_step_a_running_process_does_not_know(
    client: TestClient, ahead: Ahead
) -> None:
    ahead(FUTURE)  # a newer release contracted the schema while this process served
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["retry-after"]
    assert ready.json()["not_ready"] == ["migrations"]
    assert f"contract step {FUTURE}" in ready.json()["checks"]["migrations"]["detail"]
