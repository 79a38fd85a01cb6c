"""Progress, the review history and settings for the screens that use the ORM engine.

Every read and write of progress and the review log goes through `review_log.ProgressLog`
(the one writer), here on one of the engine's connections; each write is one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from app.domain.anki_progress import ScheduleImport
from app.domain.clock import Clock, SystemClock
from app.domain.progress_events import CardProgress, Event, ReviewRecord
from app.domain.scheduling import CardMemory
from app.storage.connection import faults_as_messages
from app.storage.opening import read_setting, write_setting
from app.storage.review_log import LEARNING_STATES, ProgressLog

__all__ = ["LEARNING_STATES", "ProgressStore", "ReviewRecord", "plain_sqlite", "raw_connection"]


def raw_connection(conn: Connection) -> sqlite3.Connection:
    """The plain sqlite3 connection under one of the engine's."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


@contextmanager
def plain_sqlite(engine: Engine) -> Iterator[sqlite3.Connection]:
    """One of the engine's connections as plain sqlite3, with faults as `StorageFault`s
    (the engine's own hook does not see statements run on the plain connection)."""
    with faults_as_messages(Path(engine.url.database or "")), engine.connect() as conn:
        yield raw_connection(conn)


@dataclass
class ScheduleOutcome:
    """What `import_schedules` did: cards set, cards that kept their Lattice progress, and
    answers added to the history."""

    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    answers: int = 0


class ProgressStore:
    """Progress, review history and settings on the ORM engine's connections."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()

    @contextmanager
    def _log(self) -> Iterator[ProgressLog]:
        """The one writer on one of the engine's connections; what the disk or another
        program does to it (read-only, full, locked) is raised as a `StorageFault`."""
        with plain_sqlite(self.engine) as conn:
            yield ProgressLog(conn)

    # -- content mirror -------------------------------------------------------------------
    def known_card_ids(self) -> set[str]:
        """Every card id ever mirrored, present or not: a new card must not reuse one, or it
        would inherit that card's progress."""
        with self._log() as log:
            return {row[0] for row in log.conn.execute("SELECT id FROM card")}

    # -- progress -------------------------------------------------------------------------
    def memory(self, card_id: str) -> CardMemory:
        with self._log() as log:
            return log.memory(card_id)

    def memories(self, card_ids: Iterable[str] | None = None) -> dict[str, CardMemory]:
        with self._log() as log:
            return {cid: p.memory for cid, p in log.all_progress(card_ids).items()}

    def flags(self, card_ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """(suspended, flagged) of the given cards that have a progress row."""
        with self._log() as log:
            return {cid: (p.suspended, p.flagged) for cid, p in log.all_progress(card_ids).items()}

    def all_progress(self) -> dict[str, tuple[CardMemory, bool, bool]]:
        """Every progress row: (memory, suspended, flagged), for the Browse table."""
        with self._log() as log:
            return {
                cid: (p.memory, p.suspended, p.flagged) for cid, p in log.all_progress().items()
            }

    # -- writes (each one transaction, each change an event) ------------------------------
    def set_suspended(self, card_ids: Sequence[str], suspended: bool) -> None:
        """Suspend or unsuspend cards, in one transaction."""
        with self._log() as log:
            log.set_suspended(card_ids, suspended, self.clock.now())

    def import_schedules(self, schedules: Sequence[ScheduleImport]) -> ScheduleOutcome:
        """Another app's progress, all in one transaction: each card's answers become past
        events of its history (an answer imported before is not added again), then its
        schedule is set as that app holds it (a SET event) with its suspension and flag,
        unless the card's history here is newer than the app's newest answer (it was
        studied in Lattice, or imported, since): then it keeps its Lattice progress."""
        outcome = ScheduleOutcome()
        at = self.clock.now()
        with self._log() as log, log.transaction():
            for item in schedules:
                card_id = item.memory.card_id
                before = log.events(card_id)
                if item.events:
                    added, _ = log.insert_past_events(card_id, item.events)
                    outcome.answers += added
                newest_anki = max((event.at for _, event in item.events), default=None)
                if before and (newest_anki is None or newest_anki <= before[-1].at):
                    outcome.kept.append(card_id)
                    continue
                if item.events or not item.memory.is_new:
                    log.set_schedule(card_id, item.memory, at)
                log.set_suspended([card_id], item.suspended, at)
                log.set_flagged([card_id], item.flagged, at)
                outcome.done.append(card_id)
        return outcome

    def set_schedules(self, memories: Sequence[CardMemory]) -> None:
        """New schedules for cards that keep their history (rescheduled after the FSRS
        parameters changed), in one transaction, as SET events."""
        at = self.clock.now()
        with self._log() as log, log.transaction():
            for memory in memories:
                log.set_schedule(memory.card_id, memory, at)

    def set_flagged(self, card_ids: Sequence[str], flagged: bool) -> None:
        with self._log() as log:
            log.set_flagged(card_ids, flagged, self.clock.now())

    def reset_progress(self, card_ids: Sequence[str]) -> None:
        """Make cards new again (one transaction). Their review history is kept, so the
        statistics of what was studied stay true; suspension and flags are kept too."""
        with self._log() as log:
            log.reset(card_ids, self.clock.now())

    def move_card_history(self, old_id: str, new_id: str) -> bool:
        """Give a retired card's history and progress to the card replacing it (content
        merged two duplicates); see `ProgressLog.move_card_history`."""
        with self._log() as log:
            return log.move_card_history(old_id, new_id, self.clock.now())

    # -- queue queries --------------------------------------------------------------------
    def count_due(self, states: Sequence[int], until: datetime) -> int:
        with self._log() as log:
            return log.count_due(states, until)

    def reviews_since(self, since: datetime) -> dict[int, int]:
        """Number of reviews since `since`, by the card's state before the review."""
        with self._log() as log:
            return log.done_since(since)

    def review_count(self) -> int:
        with self._log() as log:
            return log.review_count()

    def review_history(self, card_id: str) -> list[ReviewRecord]:
        with self._log() as log:
            return log.reviews(card_id)

    def progress_with_history(
        self, card_ids: Sequence[str]
    ) -> dict[str, tuple[CardProgress, list[Event]]]:
        """Each studied (or marked) card's progress and its reviews and reschedules, oldest
        first, on one connection (export with progress)."""
        from app.domain.progress_events import EventKind

        kept = {EventKind.RESCHEDULED}
        with self._log() as log:
            found = log.all_progress(card_ids)
            return {
                cid: (p, [e for e in log.events(cid) if e.kind.is_grade or e.kind in kept])
                for cid, p in found.items()
            }

    def state_counts(self) -> dict[int, int]:
        """Cards present in the content by state (new includes never-seen cards)."""
        with self._log() as log:
            return log.state_counts()

    def review_events(self, since: datetime) -> list[tuple[datetime, int, int, int, float | None]]:
        """(reviewed at, rating, duration ms, state before, interval before in days) since
        `since`. The interval is the scheduled one (due minus last review) before the review."""
        with self._log() as log:
            return log.review_events(since)

    def due_dates(self) -> list[datetime]:
        """Due times of studied, unsuspended cards present in the content, for the forecast."""
        with self._log() as log:
            return log.due_dates()

    # -- settings -------------------------------------------------------------------------
    # Settings are read and written by the same functions start-up uses on its own
    # connection (storage/opening.py), here on one of the engine's.
    def get_setting(self, key: str, default: object = None) -> object:
        with self.engine.connect() as conn:
            return read_setting(raw_connection(conn), key, default)

    def set_setting(self, key: str, value: object) -> None:
        with self.engine.begin() as conn:
            write_setting(raw_connection(conn), key, value)
