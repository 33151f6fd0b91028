"""The one migration tree upgrades and downgrades cleanly; the app refuses an old schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from domstadt.core.config import Settings
from domstadt.core.db import Database, NotMigrated
from domstadt.core.migrate import alembic_config, current_revision, ensure_migrated, head_revision


def test_fresh_database_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    from domstadt.web.app import create_app

    db = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with pytest.raises(NotMigrated, match="domstadt db upgrade"):
        ensure_migrated(db)
    settings = Settings(data_dir=tmp_path, database_url=db.url)
    with pytest.raises(NotMigrated, match="noch nicht migriert"):
        create_app(settings, db)


def test_downgrade_to_base_and_up_again(db: Database) -> None:
    from alembic import command

    cfg = alembic_config(db.url)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "base")
    assert current_revision(db) is None
    assert not db.has_table("user_account")
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    assert current_revision(db) == head_revision(db)
    assert db.has_table("user_account") and db.has_table("audit_entry")
