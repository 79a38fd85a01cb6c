"""What opening the data folder reads and writes, in plain sqlite3.

These run before the first card is shown, so they avoid the ORM (whose import alone takes
longer than the rest of start-up): settings, the mirror of the content's cards that the
review queries join against, and the full-text index.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

ACTIVE_QUIZ = "active"  # quiz_session.status of a quiz started and not yet finished


def read_setting(conn: sqlite3.Connection, key: str, default: object = None) -> object:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else default


def write_setting(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )


def mirror_cards(conn: sqlite3.Connection, ordered: Sequence[tuple[str, str]]) -> None:
    """Mirror the content's cards (id, concept) in study order; absent ones stay, marked.

    Progress is keyed by card id and never deleted here: a card that leaves the content and
    comes back later finds its history again.
    """
    conn.execute("UPDATE card SET present = 0")
    conn.executemany(
        "INSERT INTO card (id, concept_id, ord, present) VALUES (?, ?, ?, 1) "
        "ON CONFLICT(id) DO UPDATE SET concept_id = excluded.concept_id, "
        "ord = excluded.ord, present = 1",
        [(cid, concept, i) for i, (cid, concept) in enumerate(ordered)],
    )


def rebuild_search(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """Replace the whole FTS index with (card id, question, answer, key points)."""
    conn.execute("DELETE FROM card_search")
    conn.executemany(
        "INSERT INTO card_search (card_id, question, answer, key_points) VALUES (?, ?, ?, ?)",
        rows,
    )


def has_active_quiz(conn: sqlite3.Connection) -> bool:
    """Whether a quiz was interrupted (the app offers to resume it at start)."""
    row = conn.execute("SELECT 1 FROM quiz_session WHERE status = ? LIMIT 1", (ACTIVE_QUIZ,))
    return row.fetchone() is not None


def in_transaction(conn: sqlite3.Connection) -> _Transaction:
    return _Transaction(conn)


class _Transaction:
    """`with in_transaction(conn):` commits on success and rolls back on any error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:  # a full disk has already rolled it back
            self.conn.execute("ROLLBACK")
