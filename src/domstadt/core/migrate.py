"""Schema migrations through Alembic, driven from code (no alembic.ini needed)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from domstadt.core.db import Database, NotMigrated


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the package's migration tree and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("domstadt") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    cfg = alembic_config(db.url)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def head_revision(db: Database) -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_migrated(db: Database) -> None:
    """Refuse to run against a database that is not at the code's head revision."""
    current, head = current_revision(db), head_revision(db)
    if current != head:
        state = "ist noch nicht migriert" if current is None else f"steht auf Revision {current}"
        raise NotMigrated(
            f"Die Datenbank {db.engine.url.render_as_string(hide_password=True)} {state}; "
            f"diese Version von Domstadt braucht Revision {head}. "
            "Führen Sie zuerst `domstadt db upgrade` aus."
        )
