"""Engine and sessions. SQLite is the embedded default; any SQLAlchemy URL (PostgreSQL) works."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

_engine: Engine | None = None


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # WAL: readers never block the outbox writer
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
        return engine
    # No ping per checkout (a round trip for every transaction): connections are recycled instead, and a
    # dropped one fails one transaction, which the engine retries.
    return create_engine(url, pool_recycle=1800, pool_size=10, max_overflow=20)


def init_engine(url: str) -> Engine:
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = make_engine(url)
    return _engine


def get_engine() -> Engine:
    if _engine is None:
        from bot.settings import get_settings
        return init_engine(get_settings().database_url)
    return _engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction: commits on success, rolls back on any error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def as_connection(executor: Session | Connection) -> Connection:
    """The Core connection of a session's transaction (or the connection itself)."""
    return executor if isinstance(executor, Connection) else executor.connection()


class Transaction:
    """One Core transaction; an ORM Session joins it only when something asks for one.

    The conversation engine's own statements are Core (an update's fixed cost is a few cached statements,
    not an ORM unit of work: bench.cpu); a step that reads or writes rows through the ORM gets `session`,
    which shares this connection and this transaction and is flushed before the commit."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            # joins the connection's transaction (never commits it; the scope does)
            self._session = Session(bind=self.connection, expire_on_commit=False)
        return self._session

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()


@contextmanager
def transaction_scope() -> Iterator[Transaction]:
    """Like session_scope, for code whose fixed work is Core: commits on success, rolls back on any error."""
    with get_engine().connect() as connection:
        tx = Transaction(connection)
        try:
            with connection.begin():
                yield tx
                tx.flush()
        finally:
            if tx._session is not None:
                tx._session.close()


def change_marker() -> tuple | None:
    """A cheap fingerprint of the database's files that changes with every commit of any process (SQLite in
    WAL mode appends each commit to the -wal file), so an idle poller can skip its query when nothing
    changed. None where there is no such thing (PostgreSQL: LISTEN/NOTIFY does that job)."""
    engine = get_engine()
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return None
    marker = []
    for path in (database, database + "-wal"):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            marker.append(None)
            continue
        marker.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(marker)

