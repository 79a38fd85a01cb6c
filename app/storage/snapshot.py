"""Consistent copies of the database and what a copy holds, for moving to another computer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.storage.connection import fsync_path

# The user's history; `card` is only a mirror of the content and `meta` holds the version.
COUNTED_TABLES = ("progress", "review_log", "setting", "quiz_session", "quiz_answer")


def copy_database(source: Path, dest: Path) -> None:
    """A complete, consistent copy of `source` (SQLite's backup API, safe while in use)."""
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    src = sqlite3.connect(str(source))
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            out.close()
    finally:
        src.close()
    fsync_path(dest)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def schema_version(path: Path) -> int:
    """The `meta.schema_version` of a database file; 0 when it has none."""
    conn = _connect_read_only(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.DatabaseError:
        return 0
    finally:
        conn.close()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def table_counts(path: Path) -> dict[str, int]:
    """Rows per history table (tables a version lacks count as 0)."""
    conn = _connect_read_only(path)
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            table: (
                int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
                if table in present
                else 0
            )
            for table in COUNTED_TABLES
        }
    finally:
        conn.close()
