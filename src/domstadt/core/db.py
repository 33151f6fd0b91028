"""Database engine, sessions and the declarative Base (SQLite and PostgreSQL, same code).

SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL is reached through psycopg 3.
Time is stored in UTC. The caller of a service owns the commit: use :func:`Database.session`.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, inspect
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from domstadt.core.storable import refuse_unstorable

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DbSession = Session
"""Type of a database session, re-exported so routes need not import SQLAlchemy."""


class Base(DeclarativeBase):
    """Declarative base of every model; one metadata for the one migration tree."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def str_enum(cls: type[enum.Enum], name: str) -> SAEnum:
    """A portable enum column storing the members' values as strings (no native DB enum)."""
    return SAEnum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e])


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Domstadt stores timezone-aware UTC only")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given without a driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


SQLITE_LOWER = "domstadt_lower"
SQLITE_UPPER = "domstadt_upper"
"""Unicode lower/upper case registered on every SQLite connection (SQLite's own map ASCII only)."""


def _case_mapping(convert: Callable[[str], str]) -> Callable[[Any], str | None]:
    """A SQLite function applying ``convert`` (``str.lower``/``str.upper``) to a value's text."""
    return lambda value: None if value is None else convert(str(value))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.create_function(SQLITE_LOWER, 1, _case_mapping(str.lower), deterministic=True)
    dbapi_connection.create_function(SQLITE_UPPER, 1, _case_mapping(str.upper), deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _json_dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits: the standard library
        return json.dumps(value)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite files get their directory created and pragmas set.

    JSON columns are written and read with orjson (compact text; decoding them was a fifth of
    a 1,000-Observation read with the standard library)."""
    url = normalise_url(url)
    kwargs.setdefault("json_serializer", _json_dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    refuse_unstorable(engine)
    return engine


class NotMigrated(RuntimeError):
    """The database schema is missing or behind the code; the message names the command."""


class Database:
    """An engine with its session factory; one per process (the web process is stateless)."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back on any error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        from sqlalchemy import text

        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def has_table(self, name: str) -> bool:
        """True when ``name`` exists in the database."""
        return inspect(self.engine).has_table(name)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
