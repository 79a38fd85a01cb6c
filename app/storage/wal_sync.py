"""Durability of the review loop's commits, off the thread that shows the next card.

The review connection commits each grade with `synchronous=NORMAL`: the transaction is in
the write-ahead log, safe from an application crash, before `answer()` returns. This
worker then fsyncs the log, so the grade also survives a power cut, typically a fraction
of a millisecond later, while the next card is already being drawn. A person cannot press
another key inside that window, so nothing they saw acknowledged goes unsaved; `close()`
makes every pending sync happen before it returns, and `wait()` makes one at once.

The worker also runs the checkpoints that copy the log into the database file. SQLite
would otherwise run them inside a commit, now and then stalling one keypress for as long
as it takes to write a thousand pages and fsync a large file.

If the log file is deleted while the app runs (by a cleaning tool, or a person), the grades
in it live only in a file no longer on disk, and a crash would lose them. The worker notices
(the log it holds open has no name any more), copies every grade into the database file at
once and after every grade from then on, and says so in `problem` for the screen to show.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from queue import SimpleQueue

CHECKPOINT_EVERY = 64  # grades between checkpoints: a few hundred pages of log
LOG_LOST = (
    "The review log file ({name}) was deleted while Lattice was open. Your grades are being "
    "copied straight into the database file instead; restart Lattice to go back to normal."
)


class WalSync:
    """One worker per review connection: fsyncs the log after each grade, checkpoints it."""

    def __init__(
        self,
        db_path: Path,
        *,
        checkpoint_every: int = CHECKPOINT_EVERY,
        fsync: Callable[[int], None] = os.fsync,
    ) -> None:
        self.db_path = db_path
        self.wal_path = f"{db_path}-wal"
        self.checkpoint_every = checkpoint_every
        self.checkpoints = 0
        self._fsync = fsync
        self._fd: int | None = None
        self._inode: int | None = None
        self._requested = 0
        self._done = 0
        # The review thread only puts a number on a C-level queue: no Python-level locking
        # on the path of a keypress.
        self._tickets: SimpleQueue[int | None] = SimpleQueue()
        self._thread: threading.Thread | None = None  # started by the first request
        self._closed = False
        self._checkpointed_at = 0  # the ticket of the last checkpoint
        self.problem: str | None = None  # set (once) when the log file was deleted
        # The checkpoints' connection is opened now, while the log exists: one opened after
        # the log is deleted could not read the grades it holds.
        self._checkpointer = self._open_checkpointer()
        with suppress(OSError):
            self._wal_fd()  # held from now on: if the log is deleted, its inode tells
        from app.storage.database import Database  # the owner imports this module

        self._owner = Database.at(db_path)  # kept alive while this worker is
        self._owner.track_sync(self)

    def request(self) -> int:
        """Ask for the log to be made durable (by the worker, a moment later)."""
        if self._closed:  # after close: sync here and now, never skip one
            self._sync()
            return self._requested
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lattice-wal-sync", daemon=True)
            self._thread.start()
        elif not self._thread.is_alive():  # the worker died: sync here rather than never
            self._sync()
            return self._requested
        self._requested += 1
        self._tickets.put(self._requested)
        return self._requested

    def wait(self) -> None:
        """Make every commit so far durable now: one fsync in the caller's thread (the
        worker's own, if still to come, is then merely redundant)."""
        if self._done >= self._requested:
            return
        try:
            fd = os.open(self.wal_path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            return
        try:
            self._fsync(fd)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Finish every pending sync, then stop the worker. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self._tickets.put(None)
            self._thread.join()
        else:
            self._close_checkpointer()
        self._close_fd()

    # -- the worker thread ----------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                ticket = self._tickets.get()
                stop = ticket is None
                while not self._tickets.empty():  # one fsync covers every commit before it
                    more = self._tickets.get()
                    stop = stop or more is None
                    ticket = more if more is not None else ticket
                if ticket is not None:
                    self._sync()
                    self._done = ticket
                    # Counted in grades, not in syncs: how many grades one sync covers
                    # depends on thread timing, the checkpoints must not.
                    if self.problem or ticket - self._checkpointed_at >= self.checkpoint_every:
                        self._checkpoint()
                        self._checkpointed_at = ticket
                if stop:
                    return
        finally:
            self._close_checkpointer()

    def _sync(self) -> None:
        try:
            fd = self._wal_fd()
            if fd is not None:
                self._fsync(fd)
        except OSError as exc:  # a failing disk: say so, keep the app running
            print(f"Lattice: could not flush the review log to disk: {exc}", file=sys.stderr)

    def _wal_fd(self) -> int | None:
        """An open descriptor on the current log file (SQLite may have replaced it)."""
        try:
            inode: int | None = os.stat(self.wal_path).st_ino
        except FileNotFoundError:
            inode = None
        if self._fd is not None and inode != self._inode and os.fstat(self._fd).st_nlink == 0:
            self._log_lost()  # the log we hold has no name left: it was deleted
            return self._fd
        if inode is None:
            return None
        if self._fd is None or inode != self._inode:
            self._close_fd()
            self._fd = os.open(self.wal_path, os.O_RDWR | getattr(os, "O_BINARY", 0))
            self._inode = inode
        return self._fd

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _log_lost(self) -> None:
        if self.problem is None:
            self.problem = LOG_LOST.format(name=os.path.basename(self.wal_path))
            print(f"Lattice: {self.problem}", file=sys.stderr)

    def _open_checkpointer(self) -> sqlite3.Connection | None:
        try:
            uri = f"{Path(self.db_path).absolute().as_uri()}?mode=rw"  # never creates it
            conn = sqlite3.connect(uri, uri=True, timeout=5, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the log
            return conn
        except sqlite3.Error:
            return None  # opened on first use instead

    def _close_checkpointer(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None

    def _checkpoint(self) -> None:
        """Copy the log into the database file. PASSIVE never waits for, or blocks, the
        review connection; pages it cannot copy yet are copied next time."""
        try:
            self._checkpointer = self._checkpointer or self._open_checkpointer()
            if self._checkpointer is None:
                raise sqlite3.OperationalError("cannot open the database")
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except sqlite3.Error as exc:
            print(f"Lattice: checkpoint postponed: {exc}", file=sys.stderr)
