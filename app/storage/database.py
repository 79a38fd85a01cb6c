"""The one owner of a database file's connections: ORM engine, plain connections, fsync
workers.

A restore, a recovery or an import replaces the file. Any connection still open on it would
write its old log back into the new file when it closes (SQLite checkpoints at close), so
those operations run inside `Database.offline()`, which first finishes every pending fsync,
closes every connection (each checkpoints what it holds into the *old* file) and keeps new
ones from opening until the file is in place. Anki unloads its collection the same way.

There is one `Database` per file in a process, reached with `Database.at(path)`: every plain
connection (`connection.connect`), every `WalSync` and the ORM engine register with it, so
no part of the app can hold a connection its owner does not know about. It lives as long as
one of them does (each holds it; it holds them weakly), so a connection nobody uses any
more is still closed by the garbage collector, as before.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from app.storage.connection import (
    DB_FILENAME,
    OwnedConnection,
    configure_connection,
    database_path,
    fault_from,
    open_connection,
)
from app.storage.migrations import migrate

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Engine

    from app.storage.wal_sync import WalSync


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def open_engine(path: Path, on_connect: Callable[[], None] | None = None) -> Engine:
    """An engine on `path`, migrated to the current schema version (SQLAlchemy is imported
    here, on first use, never before the first card)."""
    from sqlalchemy import event
    from sqlmodel import create_engine

    path.parent.mkdir(parents=True, exist_ok=True)
    migrate(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})

    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions start and end,
        # so DDL and multi-statement writes are atomic.
        if on_connect is not None:
            on_connect()
        configure_connection(dbapi_connection)

    def _on_error(context: Any) -> None:
        # A write the disk or another program refused says so (StorageFault), as the
        # plain connections do; damage and bugs pass through unchanged.
        fault = fault_from(context.original_exception, path)
        if fault is not None:
            raise fault from context.original_exception

    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "handle_error", _on_error)
    return engine


class Database:
    """Every connection to one file in this process, and the way to close them all."""

    _instances: ClassVar[weakref.WeakValueDictionary[Path, Database]] = (
        weakref.WeakValueDictionary()
    )
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connections: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()
        self._syncs: weakref.WeakSet[WalSync] = weakref.WeakSet()
        self._engine: weakref.ref[Engine] | None = None
        self._registry = threading.Lock()  # guards the sets above
        # Held while the file is replaced: new connections wait for it (same thread: pass).
        self._gate = threading.RLock()
        # Held by a backup while it copies, and by `offline`: the two never overlap.
        self._copying = threading.RLock()

    @classmethod
    def at(cls, path: Path) -> Database:
        """The process's Database for the file at `path`."""
        key = Path(path).absolute()
        with cls._instances_lock:
            found = cls._instances.get(key)
            if found is None:
                found = cls._instances[key] = Database(key)
            return found

    # -- handing out connections ----------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        """A plain connection (WAL, full fsync, explicit transactions) that this object
        closes before the file is replaced."""
        with self._gate:
            conn = open_connection(self.path)
        if isinstance(conn, OwnedConnection):
            conn.owner = self  # this object lives at least as long as the connection
        with self._registry:
            self._connections.add(conn)
        return conn

    @property
    def engine(self) -> Engine:
        """The ORM engine (created, and the schema migrated, on first use; its connections
        hold this object, through the hook that makes them wait while the file is replaced)."""
        engine = self._engine() if self._engine is not None else None
        if engine is None:
            engine = open_engine(self.path, on_connect=self._wait_if_offline)
            self._engine = weakref.ref(engine)
        return engine

    def track_sync(self, sync: WalSync) -> None:
        """Called by every `WalSync`: its pending fsyncs finish before the file changes."""
        with self._registry:
            self._syncs.add(sync)

    def _wait_if_offline(self) -> None:
        with self._gate:
            pass

    # -- closing ----------------------------------------------------------------------------
    def close(self) -> None:
        """Finish every pending fsync, then close every connection and the engine's pool.

        Connections opened afterwards work as before (they open the file as it is then)."""
        with self._registry:
            syncs = list(self._syncs)
            connections = list(self._connections)
        for sync in syncs:
            sync.close()
        for conn in connections:
            conn.close()
        engine = self._engine() if self._engine is not None else None
        if engine is not None:
            engine.dispose()

    @contextmanager
    def offline(self) -> Iterator[None]:
        """Close everything and keep the file to the caller until the block ends: for
        restore, recovery and import, which replace the file."""
        with self._copying, self._gate:
            self.close()
            yield

    @contextmanager
    def copying(self) -> Iterator[None]:
        """Held while a backup reads the file, so the file is not replaced under it."""
        with self._copying:
            yield


__all__ = ["DB_FILENAME", "Database", "database_path", "open_engine"]
