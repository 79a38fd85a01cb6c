"""The one writer of progress and the review log, and the queries of both.

Every change to a card's schedule is an event appended to `review_log` (see
`domain/progress_events.py`), and in the same transaction the card's `progress` row is set
to the fold of its events: grades from the Review screen and the quiz's "Rate Again",
Browse's suspend, flag and reset, imports, and moving a retired card's history to its
replacement. Undo deletes the event and folds the card's remaining events again, so it is
exact. Plain sqlite3 on whatever connection the caller owns (the review session's own, or
one of the ORM engine's): this is the path from a keypress to the disk and from start-up to
the first card, so it never imports SQLAlchemy. Its column lists follow the SQLModel
declaration in `models.py` (a test compares them).

A log row is numbers only (Anki's `revlog` is the model): the event id is its time in
integer microseconds since the epoch, the card is the integer key of the `card` table,
intervals are whole days or negative seconds. Ids never repeat within a database (an id
already used, or a clock that went back, moves the new one just past the newest) and two
machines' logs collide only on events written in the same microsecond, so they can be
merged (Anki's ids are milliseconds).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.domain.scheduling import CARD_STATES, CardMemory, CardState
from app.storage.memory_codec import (
    MEMORY_COLUMNS,
    MEMORY_SELECT,
    db_time,
    from_db_time,
    from_micros,
    interval_code,
    interval_from_code,
    memory_from_row,
    memory_to_row,
    packed_float,
    to_micros,
    unpacked_float,
)

if TYPE_CHECKING:  # the write side is imported on first use, after the first card
    from app.domain.progress_events import CardProgress, Event, ReviewRecord

LEARNING_STATES = (int(CardState.LEARNING), int(CardState.RELEARNING))
REVIEW_STATES = (int(CardState.REVIEW),)
IS_GRADE = "kind <= 4"  # EventKind.AGAIN..EASY: the events that are reviews
CREDIT = 13  # EventKind.CREDIT (the domain module is imported on first write only)

# Column lists of the fast path; tests/test_schema.py checks them against models.py.
LOG_COLUMNS = (
    "id",
    "card",
    "kind",
    "duration_ms",
    "state_before",
    "state_after",
    "step",
    "interval_before",
    "interval_after",
    "stability",
    "difficulty",
)
DETAIL_COLUMNS = ("event_id", "due", "last_review", "reps", "lapses", "from_card")
PROGRESS_COLUMNS = (*MEMORY_COLUMNS, "suspended", "flagged")

_INSERT_LOG = (
    f"INSERT INTO review_log ({', '.join(LOG_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(LOG_COLUMNS))})"
)
_INSERT_DETAIL = (
    f"INSERT INTO review_log_detail ({', '.join(DETAIL_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(DETAIL_COLUMNS))})"
)
_UPSERT_PROGRESS = (
    f"INSERT INTO progress ({', '.join(PROGRESS_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(PROGRESS_COLUMNS))}) ON CONFLICT(card_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in PROGRESS_COLUMNS[1:])
)
# A grade's one read: the card's progress (NULLs when it has none), the newest event id,
# the connection's `data_version` (whether another connection has committed) and the card's
# integer key (NULL when the card is not in the mirror).
_SELECT_FOR_GRADE = (
    f"SELECT {MEMORY_SELECT}, p.suspended, p.flagged, (SELECT max(id) FROM review_log), "
    "(SELECT data_version FROM pragma_data_version()), "
    "(SELECT key FROM card WHERE id = q.card_id) "
    "FROM (SELECT ? AS card_id) q LEFT JOIN progress p ON p.card_id = q.card_id"
)
_UPDATE_PROGRESS = (
    f"UPDATE progress SET {', '.join(f'{name} = ?' for name in PROGRESS_COLUMNS[1:])} "
    "WHERE card_id = ?"
)
_SELECT_EVENTS = (
    "SELECT l.id, l.kind, l.duration_ms, l.state_before, l.state_after, l.step, "
    "l.interval_before, l.interval_after, l.stability, l.difficulty, "
    "d.due, d.last_review, d.reps, d.lapses "
    "FROM review_log l LEFT JOIN review_log_detail d ON d.event_id = l.id "
)


def event_from_row(row: Sequence[Any]) -> Event:
    """An `Event` from a `_SELECT_EVENTS` row."""
    from app.domain.progress_events import EVENT_KINDS, Event, EventKind

    kind = EVENT_KINDS[row[1]]
    schedule = None
    if kind is EventKind.SET:
        schedule = CardMemory(
            card_id="",
            state=CARD_STATES[row[4]],
            step=row[5],
            stability=unpacked_float(row[8]),
            difficulty=unpacked_float(row[9]),
            due=from_db_time(row[10]),
            last_review=from_db_time(row[11]),
            reps=row[12] or 0,
            lapses=row[13] or 0,
        )
    return Event(
        kind=kind,
        at=from_micros(row[0]),
        state_before=CARD_STATES[row[3]],
        state_after=CARD_STATES[row[4]],
        step=row[5],
        stability=unpacked_float(row[8]),
        difficulty=unpacked_float(row[9]),
        interval_before=interval_from_code(row[6]),
        interval_after=interval_from_code(row[7]),
        duration_ms=row[2],
        schedule=schedule,
    )


def insert_event(
    conn: sqlite3.Connection,
    event_id: int,
    card_key: int,
    event: Event,
    from_card: int | None = None,
) -> None:
    """Append one event row (and its detail row, for the kinds that have one)."""
    conn.execute(
        _INSERT_LOG,
        (
            event_id,
            card_key,
            int(event.kind),
            event.duration_ms,
            int(event.state_before),
            int(event.state_after),
            event.step,
            interval_code(event.interval_before, exact=False),  # for the statistics only
            interval_code(event.interval_after),
            packed_float(event.stability),
            packed_float(event.difficulty),
        ),
    )
    if event.schedule is not None or from_card is not None:
        schedule = event.schedule
        conn.execute(
            _INSERT_DETAIL,
            (
                event_id,
                db_time(schedule.due) if schedule and schedule.due else None,
                db_time(schedule.last_review) if schedule and schedule.last_review else None,
                schedule.reps if schedule else None,
                schedule.lapses if schedule else None,
                from_card,
            ),
        )


def write_progress(conn: sqlite3.Connection, progress: CardProgress) -> None:
    conn.execute(
        _UPSERT_PROGRESS,
        (*memory_to_row(progress.memory), int(progress.suspended), int(progress.flagged)),
    )


class ProgressLog:
    """Reads and writes progress and the review log on one plain sqlite3 connection.

    Each public write is one transaction of its own, or part of the caller's when called
    inside `transaction()`. `scope` is an SQL condition on the card table `c` that limits
    the queue queries (a study session over some cards).
    """

    def __init__(self, conn: sqlite3.Connection, scope: str = "") -> None:
        self.conn = conn
        self._scope = scope
        self._keys: dict[str, int] = {}
        # The grade path's memo of decoded progress rows: card id -> (the row as stored,
        # its CardProgress). Used only when the row read back is exactly the same, so it is
        # never stale; it spares a keypress turning the row into objects again.
        self._decoded: dict[str, tuple[tuple[Any, ...], CardProgress]] = {}
        # `PRAGMA data_version` as the last grade's transaction saw it (None: no grade yet).
        self.version_at_grade: int | None = None

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction around everything inside; nested uses join the outer one."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # SQLite already rolled back on a full disk
                conn.execute("ROLLBACK")
            self._keys.clear()  # a card added in the rolled-back transaction is gone
            raise
        conn.execute("COMMIT")

    # -- progress -------------------------------------------------------------------------
    def memory(self, card_id: str) -> CardMemory:
        row = self.conn.execute(
            f"SELECT {MEMORY_SELECT} FROM progress p WHERE p.card_id = ?", (card_id,)
        ).fetchone()
        return memory_from_row(row) if row else CardMemory(card_id=card_id)

    def progress(self, card_id: str) -> CardProgress:
        from app.domain.progress_events import CardProgress

        row = self.conn.execute(
            f"SELECT {MEMORY_SELECT}, p.suspended, p.flagged FROM progress p WHERE p.card_id = ?",
            (card_id,),
        ).fetchone()
        if row is None:
            return CardProgress(CardMemory(card_id=card_id))
        return CardProgress(memory_from_row(row), bool(row[9]), bool(row[10]))

    def all_progress(self, card_ids: Iterable[str] | None = None) -> dict[str, CardProgress]:
        """Every progress row, or those of `card_ids`."""
        from app.domain.progress_events import CardProgress

        sql = f"SELECT {MEMORY_SELECT}, p.suspended, p.flagged FROM progress p"
        if card_ids is None:
            rows = self.conn.execute(sql).fetchall()
        else:
            ids = list(card_ids)
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows += self.conn.execute(
                    f"{sql} WHERE p.card_id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
        return {
            row[0]: CardProgress(memory_from_row(row), bool(row[9]), bool(row[10])) for row in rows
        }

    # -- the study queue ------------------------------------------------------------------
    def done_since(self, since: datetime) -> dict[int, int]:
        """Reviews since `since`, by the card's state before the review."""
        rows = self.conn.execute(
            "SELECT state_before, count(*) FROM review_log "
            f"WHERE id >= ? AND {IS_GRADE} GROUP BY state_before",
            (to_micros(since),),
        ).fetchall()
        return {int(state): int(n) for state, n in rows}

    def _due_where(self, states: Sequence[int]) -> str:
        marks = ",".join("?" * len(states))
        return (
            "FROM progress p JOIN card c ON c.id = p.card_id WHERE c.present "
            f"AND NOT p.suspended AND p.state IN ({marks}) AND p.due <= ?{self._scope}"
        )

    def due(self, states: Sequence[int], until: datetime, limit: int = -1) -> list[CardMemory]:
        rows = self.conn.execute(
            f"SELECT {MEMORY_SELECT} {self._due_where(states)} ORDER BY p.due LIMIT ?",
            (*states, db_time(until), limit),
        ).fetchall()
        return [memory_from_row(row) for row in rows]

    def count_due(self, states: Sequence[int], until: datetime) -> int:
        row = self.conn.execute(
            f"SELECT count(*) {self._due_where(states)}", (*states, db_time(until))
        ).fetchone()
        return int(row[0])

    def learning_due(self, until: datetime) -> list[CardMemory]:
        return self.due(LEARNING_STATES, until)

    def reviews_due(self, until: datetime, limit: int) -> list[CardMemory]:
        return self.due(REVIEW_STATES, until, limit)

    def new_ids(self, limit: int) -> list[str]:
        """Never-studied cards in study order (suspended ones left out)."""
        rows = self.conn.execute(
            "SELECT c.id FROM card c LEFT JOIN progress p ON p.card_id = c.id "
            "WHERE c.present AND (p.card_id IS NULL OR (p.state = 0 AND NOT p.suspended))"
            f"{self._scope} ORDER BY c.ord LIMIT ?",
            (limit,),
        ).fetchall()
        return [row[0] for row in rows]

    def earliest_due(self) -> datetime | None:
        row = self.conn.execute(
            "SELECT min(p.due) FROM progress p JOIN card c ON c.id = p.card_id "
            f"WHERE c.present AND NOT p.suspended AND p.state > 0{self._scope}"
        ).fetchone()
        return from_db_time(row[0]) if row else None

    def due_dates(self) -> list[datetime]:
        """Due times of studied, unsuspended cards present in the content."""
        rows = self.conn.execute(
            "SELECT p.due FROM progress p JOIN card c ON c.id = p.card_id "
            "WHERE c.present AND NOT p.suspended AND p.state > 0 AND p.due IS NOT NULL"
        ).fetchall()
        return [from_db_time(row[0]) for row in rows]  # type: ignore[misc]

    def state_counts(self) -> dict[int, int]:
        """Cards present in the content by state (new includes never-seen cards)."""
        rows = self.conn.execute(
            "SELECT coalesce(p.state, 0), count(*) FROM card c "
            "LEFT JOIN progress p ON p.card_id = c.id WHERE c.present "
            "GROUP BY coalesce(p.state, 0)"
        ).fetchall()
        return {int(state): int(n) for state, n in rows}

    # -- the review history ---------------------------------------------------------------
    def review_count(self) -> int:
        return int(
            self.conn.execute(f"SELECT count(*) FROM review_log WHERE {IS_GRADE}").fetchone()[0]
        )

    def review_events(self, since: datetime) -> list[tuple[datetime, int, int, int, float | None]]:
        """(reviewed at, rating, duration ms, state before, interval before in days) of every
        review since `since`, oldest first."""
        rows = self.conn.execute(
            "SELECT id, kind, duration_ms, state_before, interval_before FROM review_log "
            f"WHERE id >= ? AND {IS_GRADE} ORDER BY id",
            (to_micros(since),),
        ).fetchall()
        result = []
        for event_id, kind, ms, state, code in rows:
            before = interval_from_code(code)
            days = before / timedelta(days=1) if before is not None else None
            result.append((from_micros(event_id), int(kind), int(ms), int(state), days))
        return result

    def reviews(self, card_id: str) -> list[ReviewRecord]:
        """A card's reviews (grade events), oldest first."""
        from app.domain.progress_events import ReviewRecord

        key = self._existing_key(card_id)
        if key is None:
            return []
        rows = self.conn.execute(
            "SELECT id, kind, duration_ms, state_before, state_after, interval_after "
            f"FROM review_log WHERE card = ? AND {IS_GRADE} ORDER BY id",
            (key,),
        ).fetchall()
        return [
            ReviewRecord(
                event_id=row[0],
                card_id=card_id,
                rating=row[1],
                reviewed_at=from_micros(row[0]),
                duration_ms=row[2],
                state_before=row[3],
                state_after=row[4],
                interval_after=interval_from_code(row[5]),
            )
            for row in rows
        ]

    def events(self, card_id: str) -> list[Event]:
        """Every event of a card, oldest first."""
        key = self._existing_key(card_id)
        if key is None:
            return []
        return self._events(key)

    def _events(self, key: int) -> list[Event]:
        rows = self.conn.execute(f"{_SELECT_EVENTS} WHERE l.card = ? ORDER BY l.id", (key,))
        return [event_from_row(row) for row in rows]

    def replayed(self, card_id: str) -> CardProgress:
        """The card's progress as its events give it (what `progress` must hold)."""
        from app.domain.progress_events import replay

        return replay(card_id, self.events(card_id))

    # -- writing --------------------------------------------------------------------------
    def record_grade(
        self,
        card_id: str,
        schedule: Callable[[CardMemory], CardMemory],
        rating: int,
        reviewed_at: datetime,
        duration_ms: int,
    ) -> tuple[int, CardMemory]:
        """Grade a card in one transaction: `schedule` gets the card's memory as stored (read
        inside the transaction, so nothing can change it between the read and the write)
        and returns the memory after the grade; the event is logged and the progress set.

        Returns the event id (for undo) and the memory as stored: the scheduled one, with
        the review time moved to the event's time in the rare case that time was taken.
        """
        from app.domain.progress_events import CardProgress, apply, grade_event

        # The path of every keypress in Review: one read (the progress and the newest id
        # together), one insert into the log, one write of the progress row.
        with self.transaction() as conn:
            row = conn.execute(_SELECT_FOR_GRADE, (card_id,)).fetchone()
            self.version_at_grade = row[12]
            stored = row[:11]
            known = self._decoded.get(card_id)
            if known is not None and known[0] == stored:
                before = known[1]
            elif row[0] is None:
                before = CardProgress(CardMemory(card_id=card_id))
            else:
                before = CardProgress(memory_from_row(row), bool(row[9]), bool(row[10]))
            wanted, newest = to_micros(reviewed_at), row[11]
            event_id = wanted if newest is None or wanted > newest else newest + 1
            at = from_micros(event_id)
            event = grade_event(before.memory, schedule(before.memory), rating, at, duration_ms)
            progress = apply(before, event)
            key = row[13] if row[13] is not None else self._key(card_id)
            insert_event(conn, event_id, key, event)
            written = (
                *memory_to_row(progress.memory),
                int(progress.suspended),
                int(progress.flagged),
            )
            if row[0] is None:
                conn.execute(_UPSERT_PROGRESS, written)
            else:
                conn.execute(_UPDATE_PROGRESS, (*written[1:], card_id))
        self._decoded[card_id] = (written, progress)
        return event_id, progress.memory

    def undo(self, event_id: int) -> CardMemory | None:
        """Delete one event and put its card back as its remaining events give it; the
        prerequisite credits the event gave go with it."""
        from app.domain.progress_events import replay

        with self.transaction() as conn:
            row = conn.execute(
                "SELECT c.id, l.card FROM review_log l JOIN card c ON c.key = l.card "
                "WHERE l.id = ?",
                (event_id,),
            ).fetchone()
            if row is None:
                return None
            card_id, key = row
            self._undo_credits(event_id, key)
            conn.execute("DELETE FROM review_log_detail WHERE event_id = ?", (event_id,))
            conn.execute("DELETE FROM review_log WHERE id = ?", (event_id,))
            progress = replay(card_id, self._events(key))
            write_progress(conn, progress)
        return progress.memory

    # -- prerequisite credit --------------------------------------------------------------
    def record_credits(
        self,
        source_id: str,
        targets: Sequence[str],
        credit: Callable[[CardMemory, bool], CardMemory | None],
        at: datetime,
        day_start: datetime,
    ) -> list[CardMemory]:
        """Credit the prerequisites' cards of a card just answered (`domain/
        prerequisite_credit.py`): `credit` gets each target's memory and whether it was
        credited since `day_start`, and returns its memory after the credit or None. Each
        credit is a CREDIT event naming `source_id` as its source, logged right after the
        grade (call it in the grade's transaction), so undoing the grade undoes them.
        Returns the memories credited."""
        from app.domain.progress_events import credit_event

        credited = []
        with self.transaction() as conn:
            source = self._key(source_id)
            for card_id in targets:
                key = self._existing_key(card_id)
                if key is None:
                    continue  # never studied
                before = self.progress(card_id)
                already = conn.execute(
                    "SELECT 1 FROM review_log WHERE card = ? AND kind = ? AND id >= ? LIMIT 1",
                    (key, CREDIT, to_micros(day_start)),
                ).fetchone()
                after = credit(before.memory, already is not None)
                if after is None:
                    continue
                event_id = self._next_id(at)
                event = credit_event(before.memory, after, from_micros(event_id))
                insert_event(conn, event_id, key, event, from_card=source)
                progress = self._fold(before, event)
                credited.append(progress.memory)
        return credited

    def credits(self, card_id: str) -> list[tuple[datetime, str]]:
        """When a card was credited and the card whose answer credited it, oldest first."""
        key = self._existing_key(card_id)
        if key is None:
            return []
        rows = self.conn.execute(
            "SELECT l.id, c.id FROM review_log l JOIN review_log_detail d ON d.event_id = l.id "
            "JOIN card c ON c.key = d.from_card WHERE l.card = ? AND l.kind = ? ORDER BY l.id",
            (key, CREDIT),
        ).fetchall()
        return [(from_micros(row[0]), row[1]) for row in rows]

    def _fold(self, before: CardProgress, event: Event) -> CardProgress:
        from app.domain.progress_events import apply

        progress = apply(before, event)
        write_progress(self.conn, progress)
        return progress

    def _undo_credits(self, event_id: int, source_key: int) -> None:
        """Delete the credits a grade gave (the CREDIT events from its card logged right
        after it) and fold each credited card again."""
        from app.domain.progress_events import replay

        conn = self.conn
        rows = conn.execute(
            "SELECT l.id, l.kind, l.card, d.from_card, c.id FROM review_log l "
            "LEFT JOIN review_log_detail d ON d.event_id = l.id JOIN card c ON c.key = l.card "
            "WHERE l.id > ? ORDER BY l.id",
            (event_id,),
        )
        mine = []
        for credit_id, kind, key, source, card_id in rows:
            if kind != CREDIT or source != source_key:
                break
            mine.append((credit_id, key, card_id))
        for credit_id, key, card_id in mine:
            conn.execute("DELETE FROM review_log_detail WHERE event_id = ?", (credit_id,))
            conn.execute("DELETE FROM review_log WHERE id = ?", (credit_id,))
            write_progress(conn, replay(card_id, self._events(key)))

    def reset(self, card_ids: Sequence[str], at: datetime) -> None:
        """Make cards new again; their history, suspension and flag are kept."""
        from app.domain.progress_events import EventKind

        self._mark(card_ids, at, lambda p: None if p.memory.is_new else EventKind.RESET)

    def set_suspended(self, card_ids: Sequence[str], suspended: bool, at: datetime) -> None:
        from app.domain.progress_events import EventKind

        kind = EventKind.SUSPEND if suspended else EventKind.UNSUSPEND
        self._mark(card_ids, at, lambda p: None if p.suspended == suspended else kind)

    def set_flagged(self, card_ids: Sequence[str], flagged: bool, at: datetime) -> None:
        from app.domain.progress_events import EventKind

        kind = EventKind.FLAG if flagged else EventKind.UNFLAG
        self._mark(card_ids, at, lambda p: None if p.flagged == flagged else kind)

    def set_schedule(self, card_id: str, memory: CardMemory, at: datetime) -> None:
        """Set a card's whole schedule (an import from elsewhere): a SET event."""
        from app.domain.progress_events import set_event

        with self.transaction():
            event_id = self._next_id(at)
            self._append(card_id, event_id, set_event(memory, from_micros(event_id)))

    def insert_past_events(
        self, card_id: str, events: Sequence[tuple[int, Event]]
    ) -> tuple[int, CardProgress]:
        """Add events that happened elsewhere and earlier (another app's answers) to a card's
        history, then set its progress to the fold of all its events, in one transaction.

        Each event comes with its source id in milliseconds (Anki's revlog id); it is stored
        at the first free id of that millisecond, so it keeps its time to the millisecond,
        and one already stored for this card in that millisecond with the same kind is the
        same event imported before and is skipped: importing a package twice adds nothing.
        Returns how many were added and the card's progress now. The grade path is not
        involved: ids here are the events' own times, not the next free one.
        """
        from app.domain.progress_events import replay

        added = 0
        with self.transaction() as conn:
            key = self._key(card_id)
            known = {
                (event_id // 1000, kind)
                for event_id, kind in conn.execute(
                    "SELECT id, kind FROM review_log WHERE card = ?", (key,)
                )
            }
            for source_ms, event in events:
                if (source_ms, int(event.kind)) in known:
                    continue  # imported before
                event_id = source_ms * 1000
                while True:  # another card's event in that microsecond: the next one
                    try:
                        insert_event(conn, event_id, key, event)  # its time is its id
                        break
                    except sqlite3.IntegrityError:
                        if event_id % 1000 == 999:
                            raise
                        event_id += 1
                known.add((source_ms, int(event.kind)))
                added += 1
            progress = replay(card_id, self._events(key))
            write_progress(conn, progress)
        return added, progress

    def move_card_history(self, old_id: str, new_id: str, at: datetime) -> bool:
        """Give a retired card's history to the card that replaces it (duplicates merged).

        The old card's events become the new card's, a MOVE event records where they came
        from, and the new card's progress is their fold with its own events, in time order
        (the latest grade's schedule, reps and lapses of both). The old card is left with
        no history and no progress. Returns False (and changes nothing) when the old card
        has no history or the two ids are the same.
        """
        from app.domain.progress_events import Event, EventKind, replay

        if old_id == new_id:
            return False
        with self.transaction() as conn:
            old_key = self._existing_key(old_id)
            if (
                old_key is None
                or not conn.execute(
                    "SELECT 1 FROM review_log WHERE card = ? LIMIT 1", (old_key,)
                ).fetchone()
            ):
                return False
            new_key = self._key(new_id)
            conn.execute("UPDATE review_log SET card = ? WHERE card = ?", (new_key, old_key))
            event_id = self._next_id(at)
            insert_event(
                conn, event_id, new_key, Event(EventKind.MOVE, from_micros(event_id)), old_key
            )
            write_progress(conn, replay(new_id, self._events(new_key)))
            conn.execute("DELETE FROM progress WHERE card_id = ?", (old_id,))
        return True

    def _mark(self, card_ids: Sequence[str], at: datetime, kind_for: Any) -> None:
        """One event per card whose mark changes, all in one transaction."""
        from app.domain.progress_events import Event

        with self.transaction():
            for card_id in card_ids:
                kind = kind_for(self.progress(card_id))
                if kind is not None:
                    event_id = self._next_id(at)
                    self._append(card_id, event_id, Event(kind, from_micros(event_id)))

    def _append(self, card_id: str, event_id: int, event: Event) -> CardProgress:
        """Insert the event and set the progress to the fold so far plus this event."""
        from app.domain.progress_events import apply

        insert_event(self.conn, event_id, self._key(card_id), event)
        progress = apply(self.progress(card_id), event)
        write_progress(self.conn, progress)
        return progress

    def _next_id(self, at: datetime) -> int:
        """`at` in microseconds, or just past the newest event if that is later."""
        wanted = to_micros(at)
        newest = self.conn.execute("SELECT max(id) FROM review_log").fetchone()[0]
        return wanted if newest is None or wanted > newest else newest + 1

    def _existing_key(self, card_id: str) -> int | None:
        key = self._keys.get(card_id)
        if key is None:
            row = self.conn.execute("SELECT key FROM card WHERE id = ?", (card_id,)).fetchone()
            if row is None:
                return None
            key = self._keys[card_id] = int(row[0])
        return key

    def _key(self, card_id: str) -> int:
        """The card's integer key; a card not in the mirror is added to it, absent."""
        key = self._existing_key(card_id)
        if key is None:
            cursor = self.conn.execute(
                "INSERT INTO card (id, concept_id, ord, present) VALUES (?, '', 0, 0)", (card_id,)
            )
            assert cursor.lastrowid is not None
            key = self._keys[card_id] = cursor.lastrowid
        return key
