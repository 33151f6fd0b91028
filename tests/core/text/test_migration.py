"""Migration 0002_text upgrades and downgrades cleanly (SQLite; PostgreSQL runs it in ``db``)."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from domstadt.core.db import Database
from domstadt.core.migrate import alembic_config, upgrade

TEXT_TABLES = {"search_document", "text_embedding", "search_fts"}


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _triggers(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        return {name for (name,) in rows}


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'migrate.sqlite3'}")
    try:
        upgrade(db, "0002_text")
        assert _tables(db) >= TEXT_TABLES
        assert len(_triggers(db)) == 3
        cfg = alembic_config(db.url)
        with db.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0001_core")
        assert not (TEXT_TABLES | {"search_fts_data"}) & _tables(db)
        assert _triggers(db) == set()
        upgrade(db, "0002_text")
        assert _tables(db) >= TEXT_TABLES
    finally:
        db.dispose()


def test_models_match_migration_with_autogenerate_hooks(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.exc import SAWarning

    from domstadt.core.db import Base
    from domstadt.core.text import models

    opts = {
        "compare_type": True,
        "include_name": models.autogenerate_include_name,
        "include_object": models.autogenerate_include_object,
    }
    with db.engine.connect() as conn, warnings.catch_warnings():
        # Alembic reflects every table's columns at once; PostGIS's (hidden by the hook
        # afterwards) have types SQLAlchemy does not know.
        warnings.filterwarnings("ignore", "Did not recognize type", SAWarning)
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    mine = [d for d in diff if "search_" in repr(d) or "text_embedding" in repr(d)]
    assert mine == []
