"""Cards put aside until the study day ends (Anki's bury), kept across restarts.

Burying is not a change to a card's schedule (its due date and memory stay as they are),
so it is not a review-log event: it is a short-lived mark, stored as one setting
(card id -> the end of the study day it was buried on). A restart the same day keeps the
card aside; the next study day forgets it, and expired marks are dropped when read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from contextlib import closing
from datetime import datetime
from pathlib import Path

from app.storage.connection import connect, faults_as_messages
from app.storage.memory_codec import db_time, from_db_time
from app.storage.opening import in_transaction, read_setting, write_setting

BURIED_KEY = "buried_cards"


class BuriedCards:
    """The buried cards of one data folder, read from the database each time they are
    asked for (an import may bury cards too), every change written before it returns."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    def _read(self, conn: sqlite3.Connection, now: datetime | None) -> dict[str, datetime]:
        stored = read_setting(conn, BURIED_KEY, {})
        until: dict[str, datetime] = {}
        if isinstance(stored, dict):
            for card, text in stored.items():
                when = from_db_time(text) if isinstance(text, str) else None
                if when is not None and (now is None or when > now):
                    until[str(card)] = when
        return until

    def buried(self, now: datetime) -> Collection[str]:
        with closing(connect(self.db_path)) as conn:
            return set(self._read(conn, now))

    def bury(self, card_ids: Collection[str], until: datetime, now: datetime) -> None:
        """Put `card_ids` aside until `until`; marks that ran out are dropped meanwhile."""
        self._change(now, lambda marks: marks.update(dict.fromkeys(card_ids, until)))

    def unbury(self, card_id: str, now: datetime) -> bool:
        """False when the card was not buried."""
        found: list[bool] = []
        self._change(now, lambda marks: found.append(marks.pop(card_id, None) is not None))
        return found[0]

    def _change(self, now: datetime, change: Callable[[dict[str, datetime]], object]) -> None:
        with (
            faults_as_messages(self.db_path),
            closing(connect(self.db_path)) as conn,
            in_transaction(conn),
        ):
            marks = self._read(conn, now)
            change(marks)
            write_setting(conn, BURIED_KEY, {c: db_time(u) for c, u in marks.items()})
