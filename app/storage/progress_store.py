"""Queries and writes of study progress. Every grade and every undo is one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, text
from sqlmodel import Session, col, select

from app.domain.scheduling import CardMemory, CardState
from app.storage.memory_codec import db_time
from app.storage.models import CardRow, ProgressRow, ReviewLogRow
from app.storage.opening import read_setting, write_setting

LEARNING_STATES = (int(CardState.LEARNING), int(CardState.RELEARNING))


def _sqlite(conn: Connection) -> sqlite3.Connection:
    """The plain sqlite3 connection under one of the engine's."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _to_memory(row: ProgressRow) -> CardMemory:
    return CardMemory(
        card_id=row.card_id,
        state=CardState(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
        reps=row.reps,
        lapses=row.lapses,
    )


def _apply(row: ProgressRow, memory: CardMemory) -> None:
    row.state = int(memory.state)
    row.step = memory.step
    row.stability = memory.stability
    row.difficulty = memory.difficulty
    row.due = memory.due
    row.last_review = memory.last_review
    row.reps = memory.reps
    row.lapses = memory.lapses


class ProgressStore:
    """The one place that reads and writes progress, review history and settings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- content mirror -------------------------------------------------------------------
    def known_card_ids(self) -> set[str]:
        """Every card id ever mirrored, present or not: a new card must not reuse one, or it
        would inherit that card's progress."""
        with Session(self.engine) as session:
            return set(session.exec(select(CardRow.id)))

    # -- progress -------------------------------------------------------------------------
    def memory(self, card_id: str) -> CardMemory:
        with Session(self.engine) as session:
            row = session.get(ProgressRow, card_id)
            return _to_memory(row) if row else CardMemory(card_id=card_id)

    def memories(self, card_ids: Iterable[str] | None = None) -> dict[str, CardMemory]:
        with Session(self.engine) as session:
            query = select(ProgressRow)
            if card_ids is not None:
                query = query.where(col(ProgressRow.card_id).in_(list(card_ids)))
            return {row.card_id: _to_memory(row) for row in session.exec(query)}

    def flags(self, card_ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """(suspended, flagged) of the given cards that have a progress row."""
        with Session(self.engine) as session:
            query = select(ProgressRow).where(col(ProgressRow.card_id).in_(list(card_ids)))
            return {row.card_id: (row.suspended, row.flagged) for row in session.exec(query)}

    def all_progress(self) -> dict[str, tuple[CardMemory, bool, bool]]:
        """Every progress row: (memory, suspended, flagged), for the Browse table."""
        with Session(self.engine) as session:
            return {
                row.card_id: (_to_memory(row), row.suspended, row.flagged)
                for row in session.exec(select(ProgressRow))
            }

    def _set_flag(self, card_ids: Sequence[str], name: str, value: bool) -> None:
        with Session(self.engine) as session:
            for card_id in card_ids:
                row = session.get(ProgressRow, card_id) or ProgressRow(card_id=card_id)
                setattr(row, name, value)
                session.add(row)
            session.commit()

    def set_suspended(self, card_ids: Sequence[str], suspended: bool) -> None:
        """Suspend or unsuspend cards, in one transaction."""
        self._set_flag(card_ids, "suspended", suspended)

    def set_flagged(self, card_ids: Sequence[str], flagged: bool) -> None:
        self._set_flag(card_ids, "flagged", flagged)

    def reset_progress(self, card_ids: Sequence[str]) -> None:
        """Make cards new again (one transaction). Their review history is kept, so the
        statistics of what was studied stay true; suspension and flags are kept too."""
        with Session(self.engine) as session:
            for card_id in card_ids:
                row = session.get(ProgressRow, card_id)
                if row is not None:
                    _apply(row, CardMemory(card_id=card_id))
                    session.add(row)
            session.commit()

    # -- queue queries --------------------------------------------------------------------
    def count_due(self, states: Sequence[int], until: datetime) -> int:
        with Session(self.engine) as session:
            query = (
                select(func.count())
                .select_from(ProgressRow)
                .join(CardRow, col(CardRow.id) == col(ProgressRow.card_id))
                .where(col(CardRow.present))
                .where(col(ProgressRow.suspended).is_(False))
                .where(col(ProgressRow.state).in_(states))
                .where(col(ProgressRow.due) <= until)
            )
            return int(session.exec(query).one())

    def reviews_since(self, since: datetime) -> dict[int, int]:
        """Number of reviews since `since`, by the card's state before the review."""
        with Session(self.engine) as session:
            query = (
                select(ReviewLogRow.state_before, func.count())
                .where(col(ReviewLogRow.reviewed_at) >= since)
                .group_by(col(ReviewLogRow.state_before))
            )
            return {int(state): int(n) for state, n in session.exec(query)}

    def review_count(self) -> int:
        with Session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(ReviewLogRow)).one())

    def review_history(self, card_id: str) -> list[ReviewLogRow]:
        with Session(self.engine) as session:
            query = (
                select(ReviewLogRow)
                .where(ReviewLogRow.card_id == card_id)
                .order_by(col(ReviewLogRow.reviewed_at))
            )
            return list(session.exec(query))

    def state_counts(self) -> dict[int, int]:
        """Cards present in the content by state (new includes never-seen cards)."""
        with Session(self.engine) as session:
            query = (
                select(func.coalesce(ProgressRow.state, 0), func.count())
                .select_from(CardRow)
                .outerjoin(ProgressRow, col(ProgressRow.card_id) == col(CardRow.id))
                .where(col(CardRow.present))
                .group_by(func.coalesce(ProgressRow.state, 0))
            )
            return {int(state): int(n) for state, n in session.exec(query)}

    def review_events(self, since: datetime) -> list[tuple[datetime, int, int, int, float | None]]:
        """(reviewed at, rating, duration ms, state before, interval before in days) since
        `since`. The interval is the scheduled one (due minus last review) before the review."""
        sql = text(
            "SELECT reviewed_at, rating, duration_ms, state_before, "
            "julianday(json_extract(before_json, '$.due')) "
            "- julianday(json_extract(before_json, '$.last_review')) "
            "FROM review_log WHERE reviewed_at >= :since ORDER BY reviewed_at"
        )
        raw_since = db_time(since)
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"since": raw_since}).all()
        return [
            (
                datetime.fromisoformat(at).replace(tzinfo=UTC),
                int(rating),
                int(ms),
                int(state),
                float(interval) if interval is not None else None,
            )
            for at, rating, ms, state, interval in rows
        ]

    def due_dates(self) -> list[datetime]:
        """Due times of studied, unsuspended cards present in the content, for the forecast."""
        with Session(self.engine) as session:
            query = (
                select(ProgressRow.due)
                .join(CardRow, col(CardRow.id) == col(ProgressRow.card_id))
                .where(col(CardRow.present))
                .where(col(ProgressRow.suspended).is_(False))
                .where(col(ProgressRow.state) > 0)
                .where(col(ProgressRow.due).is_not(None))
            )
            return [due for due in session.exec(query) if due is not None]

    # -- settings -------------------------------------------------------------------------
    # Settings are read and written by the same functions start-up uses on its own
    # connection (storage/opening.py), here on one of the engine's.
    def get_setting(self, key: str, default: object = None) -> object:
        with self.engine.connect() as conn:
            return read_setting(_sqlite(conn), key, default)

    def set_setting(self, key: str, value: object) -> None:
        with self.engine.begin() as conn:
            write_setting(_sqlite(conn), key, value)
