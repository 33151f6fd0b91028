"""Schema migrations through Alembic, driven from code (no alembic.ini needed), and the check
whether this code can serve on the database's schema (expand, migrate, contract: see
``core/migration_policy.py``)."""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from domstadt.core import migration_policy
from domstadt.core.db import Database, NotMigrated

log = logging.getLogger("domstadt.migrate")


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the package's migration tree and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("domstadt") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    """The revision files this code knows (read once per process: /readyz asks often)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest) and record, in the same
    transaction, the oldest code revision that can serve on it."""
    cfg = alembic_config(db.url)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
        reached = MigrationContext.configure(connection).get_current_revision()
        migration_policy.record(connection, scripts(), reached)


def head_revision(db: Database) -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def oldest_code_revision(db: Database) -> str | None:
    """The oldest code revision that can serve on the database's schema (None: unmigrated)."""
    current = current_revision(db)
    return None if current is None else migration_policy.oldest_code_revision(scripts(), current)


def schema_status(db: Database) -> migration_policy.SchemaStatus:
    """Whether this code can serve on the database's schema: at its head, or newer with
    expand steps only."""
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        oldest = None
        if current is not None and current != scripts().get_current_head():
            oldest = migration_policy.recorded_oldest(connection, current)
    where = db.engine.url.render_as_string(hide_password=True)
    return migration_policy.status(scripts(), current, oldest, where)


def ensure_migrated(db: Database) -> None:
    """Refuse to run against a database behind the code's head, or ahead of it by a contract
    step; ahead by expand steps only, warn and serve (a rolling release)."""
    verdict = schema_status(db)
    if not verdict.ok:
        raise NotMigrated(verdict.message)
    if verdict.ahead:
        log.warning("%s", verdict.message)
