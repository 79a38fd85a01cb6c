"""Cards put aside until the study day ends (Anki's bury), kept across restarts.

Burying is not a change to a card's schedule (its due date and memory stay as they are),
so it is not a review-log event: it is a short-lived mark, stored as one setting
(card id -> the end of the study day it was buried on). A restart the same day keeps the
card aside; the next study day forgets it, and expired marks are dropped when read.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import closing
from datetime import datetime
from pathlib import Path

from app.storage.connection import connect, faults_as_messages
from app.storage.memory_codec import db_time, from_db_time
from app.storage.opening import in_transaction, read_setting, write_setting

BURIED_KEY = "buried_cards"


class BuriedCards:
    """The buried cards of one data folder; every change is written before it returns."""

    def __init__(self, db_path: Path, until: dict[str, datetime]) -> None:
        self.db_path = db_path
        self._until = until

    @classmethod
    def load(cls, db_path: Path, now: datetime) -> BuriedCards:
        with closing(connect(db_path)) as conn:
            stored = read_setting(conn, BURIED_KEY, {})
        until: dict[str, datetime] = {}
        if isinstance(stored, dict):
            for card, text in stored.items():
                when = from_db_time(text) if isinstance(text, str) else None
                if when is not None and when > now:
                    until[str(card)] = when
        return cls(db_path, until)

    def buried(self, now: datetime) -> Collection[str]:
        return {card for card, until in self._until.items() if until > now}

    def bury(self, card_id: str, until: datetime) -> None:
        self._until[card_id] = until
        self._save()

    def unbury(self, card_id: str) -> bool:
        """False when the card was not buried."""
        if self._until.pop(card_id, None) is None:
            return False
        self._save()
        return True

    def _save(self) -> None:
        value = {card: db_time(until) for card, until in self._until.items()}
        with (
            faults_as_messages(self.db_path),
            closing(connect(self.db_path)) as conn,
            in_transaction(conn),
        ):
            write_setting(conn, BURIED_KEY, value)
