"""Schema 5's conversion of the old review log (JSON snapshots) into events, losslessly.

Schema 3 kept each review with the card's whole state before and after as JSON, and
changed progress without any log row for a reset, a suspension or a flag. Here every old
review becomes a grade event at exactly its old time (microseconds), and whatever the old
rows imply but did not log becomes an event too, so that replaying the new log gives
exactly the progress the database held:

- a review whose state before is not what the card's events so far give (a reset between
  two reviews) gets a RESET event (or, for any other state, a SET event) just before it;
- a review whose state after the grade event cannot reproduce exactly gets a SET event
  right after it;
- a progress row that differs from the replay of its card's events, and every suspension
  and flag, gets the event that makes it so, just after the newest event of the database.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from app.domain.progress_events import (
    CardProgress,
    Event,
    EventKind,
    apply,
    grade_event,
    set_event,
)
from app.domain.scheduling import CardMemory, CardState
from app.storage.memory_codec import (
    EPOCH,
    from_db_time,
    from_micros,
    interval_code,
    memory_from_row,
    to_micros,
)
from app.storage.review_log import insert_event, write_progress


def _legacy_memory(raw: str) -> CardMemory:
    """A card state as schema 3 wrote it in `before_json` / `after_json`."""
    data = json.loads(raw)
    data["state"] = CardState(data["state"])
    for key in ("due", "last_review"):
        if data[key]:
            data[key] = datetime.fromisoformat(data[key]).astimezone(UTC)
    return CardMemory(**data)


class _Writer:
    """Appends events with ids in time order, each id unique and later than the last."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.last_id = 0
        self.keys = dict(conn.execute("SELECT id, key FROM card"))
        self.state: dict[str, CardProgress] = {}

    def progress(self, card_id: str) -> CardProgress:
        return self.state.get(card_id) or CardProgress(CardMemory(card_id=card_id))

    def add(self, card_id: str, event: Event, wanted: int) -> CardProgress:
        """Append `event` at `wanted` microseconds, or just after the last event if that
        is taken (its time then moves by that much)."""
        event_id = self.last_id = max(wanted, self.last_id + 1)
        event = replace(event, at=from_micros(event_id))
        insert_event(self.conn, event_id, self.keys[card_id], event)
        progress = self.state[card_id] = apply(self.progress(card_id), event)
        return progress

    def bring_to(self, card_id: str, memory: CardMemory, at: datetime, wanted: int) -> None:
        """Add the event that sets the card's memory to `memory`, if it differs."""
        if self.progress(card_id).memory == memory:
            return
        kind_event = (
            Event(EventKind.RESET, at)
            if memory == CardMemory(card_id=card_id)
            else set_event(memory, at)
        )
        self.add(card_id, kind_event, wanted)
        _check(self.progress(card_id).memory == memory, card_id)


def compact_review_log(conn: sqlite3.Connection) -> None:
    """Fill the new `review_log` from `review_log_json` and the progress rows."""
    writer = _Writer(conn)
    rows = conn.execute(
        "SELECT card_id, rating, reviewed_at, duration_ms, before_json, after_json "
        "FROM review_log_json ORDER BY reviewed_at, id"
    ).fetchall()
    for card_id, rating, reviewed_at, duration_ms, before_json, after_json in rows:
        at = from_db_time(reviewed_at)
        assert at is not None
        wanted = to_micros(at)
        before, after = _legacy_memory(before_json), _legacy_memory(after_json)
        writer.bring_to(card_id, before, at, wanted - 1)
        event = grade_event(before, after, rating, at, duration_ms, exact=True)
        if not _fits(event.interval_after):  # the SET below keeps the exact due time
            event = replace(event, interval_after=None)
        writer.add(card_id, event, wanted)
        writer.bring_to(card_id, after, at, writer.last_id + 1)
    stored = conn.execute(
        "SELECT card_id, state, step, stability, difficulty, due, last_review, reps, lapses, "
        "suspended, flagged FROM progress ORDER BY card_id"
    ).fetchall()
    for row in stored:
        card_id = row[0]
        target = CardProgress(memory_from_row(row), bool(row[9]), bool(row[10]))
        writer.bring_to(card_id, target.memory, EPOCH, writer.last_id + 1)
        if target.suspended:
            writer.add(card_id, Event(EventKind.SUSPEND, EPOCH), writer.last_id + 1)
        if target.flagged:
            writer.add(card_id, Event(EventKind.FLAG, EPOCH), writer.last_id + 1)
        _check(writer.progress(card_id) == target, card_id)
    for progress in writer.state.values():
        write_progress(conn, progress)  # unchanged values; rows for cards only in the log


class LogConversionError(RuntimeError):
    """The old log could not be converted exactly; the upgrade is rolled back."""


def _check(exact: bool, card_id: str) -> None:
    """Refuse (and so roll back) rather than store a log whose replay is not the progress."""
    if not exact:
        raise LogConversionError(f"the review history of card {card_id!r} did not convert exactly")


def _fits(value: timedelta | None) -> bool:
    """Whether the log's compact interval form holds `value` exactly."""
    try:
        interval_code(value)
    except ValueError:
        return False
    return True
