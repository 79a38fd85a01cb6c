"""Plain sqlite3 connections configured like the ORM's (WAL, fsync on commit, explicit
transactions), the checks run at start, and the line between damage and a fault.

A damaged file (SQLite says CORRUPT or NOTADB, or the file is empty or cut short) is set
aside and restored from a backup. Everything else that goes wrong (another program's lock,
a read-only file or folder, a full disk) is a `StorageFault`: the file is healthy, so it is
never touched, and the user gets one sentence saying what to do.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.domain.storage_fault import StorageFault

DB_FILENAME = "lattice.sqlite3"
LOCK_WAIT_SECONDS = 5.0  # how long to wait for another program's lock before refusing
_DAMAGE = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_HEADER = 100


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


@contextmanager
def faults_as_messages(path: Path) -> Iterator[None]:
    """Turn what the disk or another program does to a write (sqlite3 or OS errors) into a
    StorageFault that says so; anything else (damage, a bug) passes through unchanged."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        fault = fault_from(exc, path)
        if fault is None:
            raise
        raise fault from exc


def fault_from(exc: BaseException, path: Path) -> StorageFault | None:
    """The StorageFault `exc` stands for, or None when it is not one (damage or a bug)."""
    if isinstance(exc, StorageFault):
        return exc
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc).lower()
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return StorageFault(StorageFault.LOCKED, path, str(exc))
        if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
            return StorageFault(StorageFault.READ_ONLY, path, str(exc))
        if name.startswith("SQLITE_FULL") or "disk is full" in text:
            return StorageFault(StorageFault.FULL, path, str(exc))
        if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_AUTH")):
            return StorageFault(StorageFault.UNAVAILABLE, path, str(exc))
        if "unable to open" in text or "disk i/o error" in text:
            return StorageFault(StorageFault.UNAVAILABLE, path, str(exc))
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return StorageFault(StorageFault.FULL, path, str(exc))
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return StorageFault(StorageFault.READ_ONLY, path, str(exc))
        return StorageFault(StorageFault.UNAVAILABLE, path, str(exc))
    return None


def configure_connection(dbapi_connection: Any) -> None:
    """WAL, full fsync per commit, and transactions started explicitly, never implicitly."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_SECONDS * 1000)}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class OwnedConnection(sqlite3.Connection):
    """A plain connection its `Database` can find (and close) through a weak reference."""

    owner: object = None  # the Database that closes it before the file is replaced


def open_connection(path: Path) -> sqlite3.Connection:
    """A configured connection on `path` (created if missing), usable from any thread.
    Raises StorageFault when the disk or another program is in the way."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(path), check_same_thread=False, timeout=LOCK_WAIT_SECONDS, factory=OwnedConnection
        )
        try:
            configure_connection(conn)
        except BaseException:
            conn.close()
            raise
    except (sqlite3.Error, OSError) as exc:
        fault = fault_from(exc, path)
        if fault is None:
            raise
        raise fault from exc
    return conn


def connect(path: Path) -> sqlite3.Connection:
    """A connection on `path` owned by the file's `Database`, which closes it before a
    restore, a recovery or an import replaces the file."""
    from app.storage.database import Database  # the owner imports this module

    return Database.at(path).connect()


def _file_problem(db_path: Path) -> str | None:
    """Damage visible without SQLite: an empty file, or one shorter than its header says
    (only when no write-ahead log could still hold the missing pages)."""
    size = db_path.stat().st_size
    if size == 0:  # even with a log beside it: SQLite would discard that log as stale
        return "the file is empty (0 bytes)"
    if size < _HEADER:
        return f"the file is cut short ({size} bytes)"
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None  # the log may hold the pages the header counts
    with open(db_path, "rb") as handle:
        header = handle.read(_HEADER)
    if not header.startswith(b"SQLite format 3\0"):
        return None  # SQLite itself says what it is
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (pages,) = struct.unpack(">I", header[28:32])
    counter, valid_for = header[24:28], header[92:96]
    if page_size and size % page_size:
        return f"the file is cut short ({size} bytes is not a whole number of pages)"
    if pages and counter == valid_for and size < pages * page_size:
        return f"the file is cut short ({size} of {pages * page_size} bytes)"
    return None


def _check(db_path: Path, statement: str, wait: float) -> str | None:
    if not db_path.exists():
        return None
    try:
        problem = _file_problem(db_path)
    except OSError as exc:
        raise StorageFault(StorageFault.UNAVAILABLE, db_path, str(exc)) from exc
    if problem is not None:
        return problem
    try:
        conn = sqlite3.connect(str(db_path), timeout=wait)
        try:
            rows = conn.execute(statement).fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") in _DAMAGE:
            return str(exc)
        fault = fault_from(exc, db_path)
        if fault is not None:
            raise fault from exc
        return str(exc)
    if statement.startswith("SELECT"):
        return None
    result = [r[0] for r in rows]
    return None if result == ["ok"] else "; ".join(result[:5])


def integrity_problem(
    db_path: Path, thorough: bool = False, wait: float = LOCK_WAIT_SECONDS
) -> str | None:
    """None if the file is a healthy SQLite database, else what is wrong with it.

    `quick_check` (the default) verifies every page and record, in time linear in the
    file's size: seconds for a database with years of reviews when the disk cache is cold.
    `integrity_check` also cross-checks every index. A lock held by another program is
    waited for (up to `wait` seconds) and then raised as a StorageFault, never reported as
    damage; so are a read-only file and a full disk.
    """
    return _check(db_path, f"PRAGMA {'integrity_check' if thorough else 'quick_check'}", wait)


def opening_problem(db_path: Path, wait: float = LOCK_WAIT_SECONDS) -> str | None:
    """None if SQLite can open the file and read its schema, else why not: the check the
    first card waits for (an empty or cut-short file, one that is not a database, or damage
    at its start). The full `integrity_problem` then runs in the background."""
    return _check(db_path, "SELECT count(*) FROM sqlite_master", wait)


def fsync_path(path: Path) -> None:
    """Make a finished file (or a folder's new entries) durable."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (IsADirectoryError, PermissionError):  # folders on Windows
        return
    try:
        os.fsync(fd)
    except OSError:
        if not path.is_dir():
            raise
    finally:
        os.close(fd)
