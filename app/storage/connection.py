"""Plain sqlite3 connections configured like the ORM's (WAL, fsync on commit, explicit
transactions) and the integrity check run at every start. The review loop and start-up
use these so they never wait for SQLAlchemy."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

DB_FILENAME = "lattice.sqlite3"


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def configure_connection(dbapi_connection: Any) -> None:
    """WAL, full fsync per commit, and transactions started explicitly, never implicitly."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def connect(path: Path) -> sqlite3.Connection:
    """A connection of our own on `path` (created if missing), usable from any thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False)
    configure_connection(conn)
    return conn


def integrity_problem(db_path: Path, thorough: bool = False) -> str | None:
    """None if the file is a healthy SQLite database, else what is wrong with it.

    `quick_check` (the default) verifies every page and record, in time linear in the
    file's size: seconds for a database with years of reviews when the disk cache is cold.
    `integrity_check` also cross-checks every index.
    """
    if not db_path.exists():
        return None
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        conn = sqlite3.connect(str(db_path))
        try:
            rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    result = [r[0] for r in rows]
    return None if result == ["ok"] else "; ".join(result[:5])


def opening_problem(db_path: Path) -> str | None:
    """None if SQLite can open the file and read its schema, else why not: the check the
    first card waits for (a file that is not a database, or damage at its start). The
    full `integrity_problem` then runs in the background."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(str(db_path))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None
