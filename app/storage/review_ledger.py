"""The review loop's own connection: the few queries a study session needs, in plain SQL.

A session keeps one connection for its lifetime, so its statements stay prepared and
`PRAGMA data_version` tells it when another part of the app (quiz, browse, import) has
committed progress, which is its cue to rebuild today's queue. Plain sqlite3, no ORM: this
is the path from a keypress to the disk, and from start-up to the first card.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from app.domain.scheduling import CardMemory, CardState
from app.storage.connection import connect
from app.storage.memory_codec import db_time, from_db_time, memory_from_json, memory_to_json
from app.storage.wal_sync import WalSync

LEARNING_STATES = (int(CardState.LEARNING), int(CardState.RELEARNING))
_MEMORY_COLUMNS = (
    "p.card_id, p.state, p.step, p.stability, p.difficulty, p.due, p.last_review, p.reps, p.lapses"
)


def _memory(row: Sequence[Any]) -> CardMemory:
    return CardMemory(
        card_id=row[0],
        state=CardState(row[1]),
        step=row[2],
        stability=row[3],
        difficulty=row[4],
        due=from_db_time(row[5]),
        last_review=from_db_time(row[6]),
        reps=row[7],
        lapses=row[8],
    )


class ReviewLedger:
    """Reads today's queue and writes grades; every grade and undo is one transaction."""

    def __init__(self, db_path: Path, scope: Collection[str] | None = None) -> None:
        # Its own connection, outside the ORM's pool: a session may live for hours.
        self._conn = connect(db_path)
        # Commits reach the log before answer() returns; the fsync and the checkpoints
        # happen on the WalSync worker, so no keypress waits for the disk (see wal_sync).
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self.durability = WalSync(db_path)
        self._stop_sync = weakref.finalize(self, self.durability.close)
        self.scoped = scope is not None
        if scope is not None:
            self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS scope (id TEXT PRIMARY KEY)")
            self._conn.execute("DELETE FROM scope")
            self._conn.executemany("INSERT OR IGNORE INTO scope VALUES (?)", [(i,) for i in scope])
        self._in_scope = " AND c.id IN (SELECT id FROM scope)" if self.scoped else ""

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

    def wait_durable(self) -> None:
        """Block until every grade and undo so far is on disk (fsync'd)."""
        self.durability.wait()

    def data_version(self) -> int:
        """Changes whenever another connection commits to the database."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    # -- reading the queue ----------------------------------------------------------------
    def done_since(self, since: datetime) -> dict[int, int]:
        rows = self._conn.execute(
            "SELECT state_before, count(*) FROM review_log WHERE reviewed_at >= ? GROUP BY state_before",
            (db_time(since),),
        ).fetchall()
        return {int(state): int(n) for state, n in rows}

    def _due(self, states: Sequence[int], until: datetime, limit: int) -> list[CardMemory]:
        marks = ",".join("?" * len(states))
        rows = self._conn.execute(
            f"SELECT {_MEMORY_COLUMNS} FROM progress p JOIN card c ON c.id = p.card_id "
            f"WHERE c.present AND NOT p.suspended AND p.state IN ({marks}) AND p.due <= ?"
            f"{self._in_scope} ORDER BY p.due LIMIT ?",
            (*states, db_time(until), limit),
        ).fetchall()
        return [_memory(row) for row in rows]

    def learning_due(self, until: datetime) -> list[CardMemory]:
        return self._due(LEARNING_STATES, until, -1)

    def reviews_due(self, until: datetime, limit: int) -> list[CardMemory]:
        return self._due((int(CardState.REVIEW),), until, limit)

    def new_ids(self, limit: int) -> list[str]:
        """Never-studied cards in study order (suspended ones left out)."""
        rows = self._conn.execute(
            "SELECT c.id FROM card c LEFT JOIN progress p ON p.card_id = c.id "
            "WHERE c.present AND (p.card_id IS NULL OR (p.state = 0 AND NOT p.suspended))"
            f"{self._in_scope} ORDER BY c.ord LIMIT ?",
            (limit,),
        ).fetchall()
        return [row[0] for row in rows]

    def earliest_due(self) -> datetime | None:
        row = self._conn.execute(
            "SELECT min(p.due) FROM progress p JOIN card c ON c.id = p.card_id "
            f"WHERE c.present AND NOT p.suspended AND p.state > 0{self._in_scope}"
        ).fetchone()
        return from_db_time(row[0]) if row else None

    def memory(self, card_id: str) -> CardMemory:
        row = self._conn.execute(
            f"SELECT {_MEMORY_COLUMNS} FROM progress p WHERE p.card_id = ?", (card_id,)
        ).fetchone()
        return _memory(row) if row else CardMemory(card_id=card_id)

    # -- writing --------------------------------------------------------------------------
    def record_grade(
        self,
        before: CardMemory,
        after: CardMemory,
        rating: int,
        reviewed_at: datetime,
        duration_ms: int,
    ) -> int:
        """Save the new memory and its review log in one transaction; returns the log id."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._write_memory(after)
            cursor = conn.execute(
                "INSERT INTO review_log (card_id, rating, reviewed_at, duration_ms, state_before, "
                "state_after, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    before.card_id,
                    rating,
                    db_time(reviewed_at),
                    max(0, int(duration_ms)),
                    int(before.state),
                    int(after.state),
                    memory_to_json(before),
                    memory_to_json(after),
                ),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite already rolled back on a full disk
                conn.execute("ROLLBACK")
            raise
        self.durability.request()
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def undo_review(self, log_id: int) -> CardMemory | None:
        """Delete one review record and put the card back as it was before it."""
        conn = self._conn
        row = conn.execute("SELECT before_json FROM review_log WHERE id = ?", (log_id,)).fetchone()
        if row is None:
            return None
        before = memory_from_json(row[0])
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._write_memory(before)
            conn.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite already rolled back on a full disk
                conn.execute("ROLLBACK")
            raise
        self.durability.request()
        return before

    def _write_memory(self, memory: CardMemory) -> None:
        self._conn.execute(
            "INSERT INTO progress (card_id, state, step, stability, difficulty, due, last_review, "
            "reps, lapses, suspended, flagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) "
            "ON CONFLICT(card_id) DO UPDATE SET state = excluded.state, step = excluded.step, "
            "stability = excluded.stability, difficulty = excluded.difficulty, due = excluded.due, "
            "last_review = excluded.last_review, reps = excluded.reps, lapses = excluded.lapses",
            (
                memory.card_id,
                int(memory.state),
                memory.step,
                memory.stability,
                memory.difficulty,
                db_time(memory.due) if memory.due else None,
                db_time(memory.last_review) if memory.last_review else None,
                memory.reps,
                memory.lapses,
            ),
        )


__all__ = ["ReviewLedger", "db_time"]
