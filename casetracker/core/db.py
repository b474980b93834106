"""Engine, sessions and the declarative base shared by every domain.

Each entry point (request, job, CLI command) opens one unit of work at its edge with
`session_scope`/`get_session`; services only `flush()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC; SQLite gives naive values back, so we re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:  # PostgreSQL sessions run in UTC (make_engine)
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the pysqlite driver, decide where transactions begin, so that
    # SAVEPOINTs and transactional DDL work (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # A request queues up to 30 s for the write lock: a burst of logins holds it while each
    # password hash is checked (about 0.2 s apiece), and forty at once must all get through.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_reads_first: ContextVar[bool] = ContextVar("sqlite_reads_first", default=False)


@contextmanager
def reads_first() -> Iterator[None]:
    """Within this block a SQLite transaction begins deferred: it reads from its snapshot
    without the write lock, so readers never queue behind each other or behind a writer.
    One that writes after all may fail to take the lock (`is_lock_conflict`); the caller then
    runs it again outside the block. Units of work that mean to write never use it."""
    token = _reads_first.set(True)
    try:
        yield
    finally:
        _reads_first.reset(token)


SQLITE_BUSY = 5  # the primary result code; BUSY_SNAPSHOT (517) shares it in the low byte


def is_lock_conflict(exc: BaseException) -> bool:
    """True when SQLite refused the write lock to a transaction begun by `reads_first`."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    busy = isinstance(code, int) and code & 0xFF == SQLITE_BUSY
    return isinstance(exc, OperationalError) and busy


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE: a transaction takes SQLite's write lock when it starts, so concurrent writers
    # queue (busy_timeout) instead of failing when one that has read then writes. Reads
    # (`reads_first`) begin deferred: taking the write lock for every page made readers queue
    # one by one, and SQLite's busy wait sleeps up to 100 ms a turn (p95 of 1 s at 4 users).
    conn.exec_driver_sql("BEGIN" if _reads_first.get() else "BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs (SQLite: FKs on, WAL, one file)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    event.listen(engine, "connect", _postgres_utc)
    return engine


def _postgres_utc(dbapi_connection: Any, _record: Any) -> None:
    """Sessions in UTC, and timestamptz values loaded with datetime.timezone.utc, so reading a
    time column costs no time-zone conversion per row."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory.begin() as session:
        yield session
