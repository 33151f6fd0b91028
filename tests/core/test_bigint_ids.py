"""Every id is 64 bits (issue 16): on PostgreSQL no primary key, foreign key or ``…_id``
column of the migrated schema is ``integer`` and every id sequence is ``bigint``; on SQLite
every single-column id stays ``INTEGER PRIMARY KEY`` (the 64-bit rowid that numbers itself).
Migration 0033 goes down to 0032 and up again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import BigInteger, Column, MetaData, Table, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from domstadt.core.db import Base, Database, IdType
from domstadt.core.migrate import alembic_config, current_revision, head_revision, upgrade
from domstadt.migrations import model_modules

BEFORE = "0032_infrastructure"

_PG_INTEGER_IDS = """
WITH keys AS (
    SELECT conrelid, unnest(conkey) AS attnum FROM pg_constraint
    WHERE contype IN ('p', 'f') AND connamespace = current_schema()::regnamespace
)
SELECT DISTINCT c.relname || '.' || a.attname AS name
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')  -- an extension's (PostGIS)
  AND a.attnum > 0 AND NOT a.attisdropped
  AND a.atttypid IN ('int2'::regtype, 'int4'::regtype)
  AND (a.attname LIKE '%\\_id'
       OR EXISTS (SELECT 1 FROM keys k WHERE k.conrelid = c.oid AND k.attnum = a.attnum))
ORDER BY name
"""
"""The ``integer``/``smallint`` columns that are a primary or foreign key or end in ``_id``
(tables of extensions such as PostGIS's ``spatial_ref_sys`` are not ours)."""


def _integer_ids(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return list(conn.execute(text(_PG_INTEGER_IDS)).scalars())


def _small_sequences(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        query = "SELECT sequencename FROM pg_sequences WHERE data_type <> 'bigint'::regtype"
        return list(conn.execute(text(query)).scalars())


def _migrate(db: Database, revision: str, *, down: bool) -> None:
    from alembic import command

    cfg = alembic_config(db.url)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _id_like(column: object) -> bool:
    name = getattr(column, "name", "")
    return bool(
        getattr(column, "primary_key", False) or getattr(column, "foreign_keys", None)
    ) or name.endswith("_id")


def test_models_declare_every_id_as_64_bits() -> None:
    """A new model with ``Integer`` for its id or a reference fails here, by name."""
    model_modules.load()
    pg, lite = postgresql.dialect(), sqlite.dialect()
    narrow, not_rowid = [], []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            rendered = column.type.compile(dialect=pg)
            if _id_like(column) and rendered in ("INTEGER", "SMALLINT"):
                narrow.append(f"{table.name}.{column.name}")
            on_sqlite = column.type.compile(dialect=lite)
            if rendered == "BIGINT" and column.primary_key and on_sqlite != "INTEGER":
                not_rowid.append(f"{table.name}.{column.name}")
    assert narrow == [], f"32-bit ids (use domstadt.core.db.IdType): {narrow}"
    assert not_rowid == [], f"BIGINT keys on SQLite are no rowid (use IdType): {not_rowid}"


def test_idtype_keeps_sqlite_numbering_ids_where_bigint_would_not(tmp_path: Path) -> None:
    """Why the SQLite variant: a BIGINT key there is no rowid, so an insert gets no id."""
    metadata = MetaData()
    good = Table("good", metadata, Column("id", IdType, primary_key=True))
    bad = Table("bad", metadata, Column("id", BigInteger, primary_key=True))
    db = Database(f"sqlite:///{tmp_path / 'ids.sqlite3'}")
    try:
        metadata.create_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(good.insert().values(id=2**63 - 2))
            conn.execute(good.insert())
            assert conn.execute(select(good.c.id)).scalars().all() == [2**63 - 2, 2**63 - 1]
        with pytest.raises(IntegrityError, match="NOT NULL"), db.engine.begin() as conn:
            conn.execute(bad.insert())
    finally:
        db.dispose()


def test_migrated_schema_has_no_32_bit_id(db: Database) -> None:
    if db.dialect == "postgresql":
        assert _integer_ids(db) == [], "integer id columns left after migration 0033"
        assert _small_sequences(db) == [], "integer sequences left after migration 0033"
        return
    with db.engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        wrong = []
        for (table,) in tables.all():
            keys = [r for r in conn.exec_driver_sql(f'PRAGMA table_info("{table}")') if r[5]]
            if len(keys) == 1 and keys[0][1] == "id" and keys[0][2] != "INTEGER":
                wrong.append(f"{table}.id {keys[0][2]}")
    assert wrong == [], f"ids that are no rowid alias on SQLite: {wrong}"


def test_0033_goes_down_to_integer_and_up_again(db: Database) -> None:
    _migrate(db, BEFORE, down=True)
    try:
        assert current_revision(db) == BEFORE
        if db.dialect == "postgresql":
            narrow = _integer_ids(db)
            assert "sta_observation.id" in narrow and "sta_observation.datastream_id" in narrow
            assert len(narrow) >= 200
            assert "sta_observation_id_seq" in _small_sequences(db)
    finally:
        upgrade(db)
    assert current_revision(db) == head_revision(db)
    if db.dialect == "postgresql":
        assert _integer_ids(db) == [] and _small_sequences(db) == []


def test_downgrade_refused_once_an_id_passed_2_to_the_31(db: Database) -> None:
    """Going back to 0032 cannot keep an id beyond 32 bits: PostgreSQL refuses, and the
    failed downgrade leaves the schema at 0033 (one transaction)."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite changes nothing in 0033, so its downgrade cannot fail")
    with db.engine.begin() as conn:
        conn.execute(text("SELECT setval('sta_observation_id_seq', 3000000000)"))
    with pytest.raises(DBAPIError, match=r"out of|cannot be greater"):
        _migrate(db, BEFORE, down=True)
    assert current_revision(db) == head_revision(db)
    assert _integer_ids(db) == []
