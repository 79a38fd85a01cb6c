"""The review session's own connection: today's queue, grades and undo, `data_version`.

A session keeps one connection for its lifetime, so its statements stay prepared and
`PRAGMA data_version` tells it when another part of the app (quiz, browse, import) has
committed progress, which is its cue to rebuild today's queue. The queries and writes are
those of `review_log.ProgressLog` (the one writer of progress and the log), on this
connection: plain sqlite3, no ORM, the path from a keypress to the disk.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from app.domain.scheduling import CardMemory
from app.storage.connection import connect, fault_from
from app.storage.review_log import ProgressLog
from app.storage.wal_sync import WalSync


class ReviewLedger:
    """Reads today's queue and writes grades; every grade and undo is one transaction."""

    def __init__(self, db_path: Path, scope: Collection[str] | None = None) -> None:
        # Its own connection, outside the ORM's pool: a session may live for hours.
        self._path = db_path
        self._conn = connect(db_path)
        # Commits reach the log before answer() returns; the fsync and the checkpoints
        # happen on the WalSync worker, so no keypress waits for the disk (see wal_sync).
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self.durability = WalSync(db_path)
        self._stop_sync = weakref.finalize(self, self.durability.close)
        self._after_commit: Callable[[], object] = self.durability.request
        self.scoped = scope is not None
        if scope is not None:
            self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS scope (id TEXT PRIMARY KEY)")
            self._conn.execute("DELETE FROM scope")
            self._conn.executemany("INSERT OR IGNORE INTO scope VALUES (?)", [(i,) for i in scope])
        self.log = ProgressLog(
            self._conn, " AND c.id IN (SELECT id FROM scope)" if self.scoped else ""
        )

    def close(self) -> None:
        self._stop_sync()  # every pending fsync finishes first
        self._conn.close()

    def fsync_in_commit(self) -> None:
        """Wait for the disk inside every commit from now on (`synchronous=FULL`), as most
        databases do by default: slower per grade, for callers that want the fsync inside
        the call, such as the benchmark's like-for-like comparison with Anki."""
        self._stop_sync()
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA wal_autocheckpoint=1000")  # SQLite's default
        self._after_commit = _nothing  # the commit itself was fsynced: no second fsync

    def wait_durable(self) -> None:
        """Block until every grade and undo so far is on disk (fsync'd)."""
        self.durability.wait()

    def data_version(self) -> int:
        """Changes whenever another connection commits to the database."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def version_at_grade(self) -> int | None:
        """`data_version` as the last grade's own transaction read it (None before the
        first grade): what it was just before that grade was saved, at no extra query."""
        return self.log.version_at_grade

    # -- reading the queue ----------------------------------------------------------------
    def done_since(self, since: datetime) -> dict[int, int]:
        return self.log.done_since(since)

    def learning_due(self, until: datetime) -> list[CardMemory]:
        return self.log.learning_due(until)

    def reviews_due(self, until: datetime, limit: int) -> list[CardMemory]:
        return self.log.reviews_due(until, limit)

    def new_ids(self, limit: int) -> list[str]:
        return self.log.new_ids(limit)

    def earliest_due(self) -> datetime | None:
        return self.log.earliest_due()

    def memory(self, card_id: str) -> CardMemory:
        return self.log.memory(card_id)

    # -- writing --------------------------------------------------------------------------
    def record_grade(
        self,
        card_id: str,
        schedule: Callable[[CardMemory], CardMemory],
        rating: int,
        reviewed_at: datetime,
        duration_ms: int,
    ) -> tuple[int, CardMemory]:
        """Log the grade and save the new memory in one transaction (see
        `ProgressLog.record_grade`); returns the event id and the memory as stored. A write
        the disk or another program refuses raises StorageFault; nothing is changed."""
        try:
            result = self.log.record_grade(card_id, schedule, rating, reviewed_at, duration_ms)
        except (sqlite3.Error, OSError) as exc:
            self._raise_fault(exc)
        self._after_commit()
        return result

    def record_grade_with_credits(
        self,
        card_id: str,
        schedule: Callable[[CardMemory], CardMemory],
        rating: int,
        reviewed_at: datetime,
        duration_ms: int,
        targets: Sequence[str],
        credit: Callable[[CardMemory, bool], CardMemory | None],
        day_start: datetime,
    ) -> tuple[int, CardMemory, list[CardMemory]]:
        """`record_grade` and the prerequisite credits it gives (`ProgressLog.record_credits`)
        in one transaction, so one undo takes back both; also returns the credited memories.
        Refused writes raise StorageFault, as `record_grade`'s do."""
        try:
            with self.log.transaction():
                event_id, after = self.log.record_grade(
                    card_id, schedule, rating, reviewed_at, duration_ms
                )
                credited = self.log.record_credits(card_id, targets, credit, reviewed_at, day_start)
        except (sqlite3.Error, OSError) as exc:
            self._raise_fault(exc)
        self._after_commit()
        return event_id, after, credited

    def _raise_fault(self, exc: sqlite3.Error | OSError) -> NoReturn:
        """What the disk or another program refused, as a StorageFault that says so
        (anything else, damage or a bug, as it came)."""
        fault = fault_from(exc, self._path)
        if fault is None:
            raise exc
        raise fault from exc

    def undo_review(self, event_id: int) -> CardMemory | None:
        """Delete one review event and put the card back as its other events give it."""
        try:
            memory = self.log.undo(event_id)
        except (sqlite3.Error, OSError) as exc:
            self._raise_fault(exc)
        self._after_commit()
        return memory


def _nothing() -> None:
    pass


__all__ = ["ReviewLedger"]
