"""Open the SQLite database: WAL journal, full fsync, real transactions, current schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import create_engine

from app.storage.connection import DB_FILENAME, configure_connection, database_path
from app.storage.migrations import migrate


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions start and end,
    # so DDL and multi-statement writes are atomic.
    configure_connection(dbapi_connection)


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def open_engine(path: Path) -> Engine:
    """An engine on `path`, migrated to the current schema version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


__all__ = ["DB_FILENAME", "database_path", "open_engine"]
