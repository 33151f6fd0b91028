"""The PostgreSQL test database is emptied between tests (tests/conftest.py ``_truncate_all``):
every table, also those only a foreign key reaches, and every sequence starts again."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from domstadt.core.db import Database
from tests.conftest import PG_URL, _truncate_all

pytestmark = pytest.mark.skipif(not PG_URL, reason="DOMSTADT_TEST_DATABASE_URL not set")


def _department(conn: Connection, code: str, parent: int | None = None) -> int:
    return conn.execute(
        text(
            "INSERT INTO department (code, name, kind, parent_id, description, created_at) "
            "VALUES (:code, :code, 'amt', :parent, '', now()) RETURNING id"
        ),
        {"code": code, "parent": parent},
    ).scalar_one()  # type: ignore[no-any-return]


def test_reset_empties_tables_linked_by_keys_and_restarts_ids(pg_database: Database) -> None:
    with pg_database.engine.begin() as conn:
        parent = _department(conn, "A")
        _department(conn, "B", parent)
        conn.execute(text("SELECT nextval('measure_id_seq')"))  # a rolled-back insert's id
    _truncate_all(pg_database)
    with pg_database.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM department")).scalar_one() == 0
        assert _department(conn, "C") == 1
        assert conn.execute(text("SELECT nextval('measure_id_seq')")).scalar_one() == 1
        version = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    assert version == 1
    _truncate_all(pg_database)
