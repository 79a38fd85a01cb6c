"""Open the SQLite database: WAL journal, full fsync, real transactions, current schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import create_engine

from app.storage.migrations import migrate

DB_FILENAME = "lattice.sqlite3"


def configure_connection(dbapi_connection: Any) -> None:
    """WAL, full fsync per commit, and transactions started explicitly, never implicitly."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions start and end,
    # so DDL and multi-statement writes are atomic.
    configure_connection(dbapi_connection)


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def open_engine(path: Path) -> Engine:
    """An engine on `path`, migrated to the current schema version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    migrate(engine)
    return engine


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME
