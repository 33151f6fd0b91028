"""Database engine, sessions and the declarative Base (SQLite and PostgreSQL, same code).

SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL is reached through psycopg 3 with
statement and lock timeouts (:class:`Timeouts`).
Time is stored in UTC. The caller of a service owns the commit: use :func:`Database.session`.
Reads that may be a moment behind (anonymous reads of public data) can use
:func:`Database.read_session`, which goes to a PostgreSQL streaming replica when any is
configured and answers, else to the primary.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Engine,
    Integer,
    MetaData,
    create_engine,
    event,
    inspect,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from domstadt.core import json_codec
from domstadt.core.config import Settings
from domstadt.core.storable import refuse_unstorable

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IdType = BigInteger().with_variant(Integer(), "sqlite")
"""The type of every id and of every column naming one (foreign keys, ``entity_id``…):
``BIGINT`` on PostgreSQL (64 bits; ``integer`` ends at 2,147,483,647, which 2^31 observations
reach), ``INTEGER`` on SQLite, where an ``INTEGER PRIMARY KEY`` is the 64-bit rowid and keeps
its autoincrement (a ``BIGINT PRIMARY KEY`` would be an ordinary column: no id on insert).
Declare ids as ``mapped_column(IdType, primary_key=True)``; a foreign key without a type takes
its target's. ``tests/core/test_bigint_ids.py`` fails on any ``Integer`` id or foreign key."""

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


@dataclass(frozen=True)
class Timeouts:
    """How long one statement may run and wait for a lock (PostgreSQL), a SQLite writer waits
    for the write lock, and anyone waits for a pooled connection; 0 means no limit. The
    defaults suit the CLI, migrations and jobs; web requests use :meth:`for_web`."""

    statement_seconds: float = 0.0
    lock_seconds: float = 60.0
    busy_seconds: float = 60.0
    pool_seconds: float = 30.0

    @classmethod
    def for_web(cls, settings: Settings) -> Timeouts:
        """Short limits for requests (``DOMSTADT_DB_*_TIMEOUT_SECONDS``): a request that cannot
        get its lock or connection in time answers 503 instead of holding the pool."""
        return cls(
            statement_seconds=settings.db_statement_timeout_seconds,
            lock_seconds=settings.db_lock_timeout_seconds,
            busy_seconds=settings.db_busy_timeout_seconds,
            pool_seconds=settings.db_pool_timeout_seconds,
        )

    def postgresql_options(self) -> str:
        """The libpq ``options`` setting both timeouts on every new connection."""
        statement, lock = int(self.statement_seconds * 1000), int(self.lock_seconds * 1000)
        return f"-c statement_timeout={statement} -c lock_timeout={lock}"


def _sqlite_pragmas(busy_seconds: float) -> Callable[[Any, Any], None]:
    """The connect hook of SQLite: Unicode case functions, WAL, foreign keys, busy timeout."""

    def connect(dbapi_connection: Any, _record: Any) -> None:
        case = {SQLITE_LOWER: str.lower, SQLITE_UPPER: str.upper}
        for name, convert in case.items():
            dbapi_connection.create_function(name, 1, _case_mapping(convert), deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        cursor.close()

    return connect


def json_text(value: Any) -> str:
    """The text a JSON column stores for ``value`` (compact; ``None`` is ``null``)."""
    return json_codec.dumps(value).decode()


def _json_loads(value: Any) -> Any:
    """``core.json_codec.loads`` (orjson, integers exact at any size), and a bare JSON number
    as SQLite hands it back: a JSON column has NUMERIC affinity there, so the stored text
    ``5`` comes back as the integer 5."""
    if isinstance(value, int | float):
        return value
    return json_codec.loads(value)


def make_engine(url: str, timeouts: Timeouts | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite files get their directory created and pragmas set,
    PostgreSQL connections their timeouts.

    JSON columns are written and read with orjson through ``core.json_codec`` (compact text;
    decoding them was a fifth of a 1,000-Observation read with the standard library). SQL
    errors never carry the bound values (``hide_parameters``): an e-mail address, a password
    hash or a sensor owner's token in a failed INSERT must not reach a log line."""
    url = normalise_url(url)
    timeouts = timeouts or Timeouts()
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("pool_timeout", timeouts.pool_seconds or None)
    kwargs.setdefault("json_serializer", json_text)
    kwargs.setdefault("json_deserializer", _json_loads)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(timeouts.busy_seconds))
    else:
        options = {"options": timeouts.postgresql_options()}
        kwargs.setdefault("pool_timeout", timeouts.pool_seconds)
        engine = create_engine(url, pool_pre_ping=True, connect_args=options, **kwargs)
    refuse_unstorable(engine)
    return engine


class NotMigrated(RuntimeError):
    """The database schema is missing or behind the code; the message names the command."""


REPLICA_RETRY_SECONDS = 10.0
"""A replica that did not answer is left alone this long before it is tried again."""


class Database:
    """An engine with its session factory; one per process (the web process is stateless).
    ``replica_urls``: PostgreSQL streaming replicas for :meth:`read_session`."""

    def __init__(
        self, url: str, timeouts: Timeouts | None = None, replica_urls: Sequence[str] = ()
    ) -> None:
        self.url = normalise_url(url)
        self.timeouts = timeouts or Timeouts()
        self.engine = make_engine(self.url, self.timeouts)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self.replicas = [
            sessionmaker(make_engine(u, self.timeouts), expire_on_commit=False)
            for u in replica_urls
        ]
        self.reads: Counter[str] = Counter()
        """Read sessions handed out, by target (``primary``, ``replica``): a metric."""
        self._turn = itertools.count()
        self._resting: dict[int, float] = {}
        self._lock = threading.Lock()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reads that may be a moment behind the primary: on a replica that
        answers (in turn), else on the primary. Nothing may be written in it."""
        session = self._replica_session()
        if session is None:
            self.reads["primary"] += 1
            with self.session() as primary:
                yield primary
            return
        self.reads["replica"] += 1
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def _replica_session(self) -> Session | None:
        for _ in range(len(self.replicas)):
            index = next(self._turn) % len(self.replicas)
            with self._lock:
                if self._resting.get(index, 0.0) > time.monotonic():
                    continue
            session = self.replicas[index]()
            try:
                session.connection()  # connect now, so a replica that is down is skipped
                return session
            except Exception as exc:
                session.close()
                logging.getLogger("domstadt.db").warning("read replica %d skipped: %s", index, exc)
                with self._lock:
                    self._resting[index] = time.monotonic() + REPLICA_RETRY_SECONDS
        return None

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
        """Close every pooled connection (of the replicas too)."""
        self.engine.dispose()
        for maker in self.replicas:
            bind = maker.kw.get("bind")
            if isinstance(bind, Engine):
                bind.dispose()
