"""Which process sends for a channel. Several `thidua run` processes may share one database (webhooks behind
a load balancer); only one of them dispatches each channel's outbox at a time, so together they stay under
the platform's rate limit and a 429 pauses all sending. The others answer updates and queue their replies;
they take over within seconds when the dispatching process dies, because the lock dies with it:

- PostgreSQL: a session advisory lock held on a dedicated connection (released by the server when the
  connection drops, even on kill -9);
- SQLite: an exclusive flock on a file beside the database (released by the kernel when the process exits).
"""
from __future__ import annotations

import fcntl
import logging
import os
import zlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from db.engine import as_connection

log = logging.getLogger(__name__)


class Leadership:
    def try_acquire(self) -> bool:
        raise NotImplementedError

    def held(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError


class FileLeadership(Leadership):
    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AdvisoryLeadership(Leadership):
    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.key = zlib.crc32(name.encode())   # a stable 32-bit key per channel
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        if self._conn is not None:
            return self.held()
        conn = self.engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
            conn.commit()
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def held(self) -> bool:
        """The lock lives as long as its connection: check that it still answers."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
            return True
        except Exception:
            log.warning("lost the dispatch lock's connection; another process may take over")
            self._drop()
            return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self._conn.commit()
            except Exception:
                pass
            self._drop()

    def _drop(self) -> None:
        try:
            self._conn.close()
        except Exception:
            pass
        self._conn = None


def for_channel(engine: Engine, data_dir: Path, channel: str) -> Leadership:
    if engine.dialect.name == "postgresql":
        return AdvisoryLeadership(engine, f"thidua-dispatch-{channel}")
    database = engine.url.database
    if database and database != ":memory:":
        return FileLeadership(Path(f"{database}.dispatch-{channel}.lock"))
    return FileLeadership(Path(data_dir) / f"dispatch-{channel}.lock")


class OutboxListener:
    """PostgreSQL: the dispatching process hears at once when another process queues a message (NOTIFY at
    commit, see db.outbox.enqueue_many), instead of at its next poll. A thread blocks on the notifications;
    SQLite has no equivalent (one process, or the poll)."""

    CHANNEL = "thidua_outbox"

    def __init__(self, engine: Engine, on_notify):
        self.engine, self.on_notify = engine, on_notify
        self._stop = False
        self._thread = None

    def start(self) -> None:
        import threading
        self._thread = threading.Thread(target=self._listen, name="outbox-listen", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        import psycopg
        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop:
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {self.CHANNEL}")
                    while not self._stop:
                        for _ in conn.notifies(timeout=1.0):
                            self.on_notify()
            except Exception:
                if not self._stop:
                    log.warning("outbox listener lost its connection; reconnecting")
                    import time
                    time.sleep(1.0)

    def stop(self) -> None:
        self._stop = True


def notify_outbox(session) -> None:
    """Wake the dispatching process (PostgreSQL; delivered when the transaction commits)."""
    conn = as_connection(session)
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"NOTIFY {OutboxListener.CHANNEL}"))
