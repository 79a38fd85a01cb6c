"""Schema versions and the upgrade path between them.

Each migration is plain DDL applied in its own transaction, so an old database upgrades
step by step and a failed upgrade leaves the file as it was. They run on a plain sqlite3
connection, so opening the database does not have to wait for the ORM to import.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.storage.connection import connect

SCHEMA_VERSION = 5


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Lattice; opening it could lose data."""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in (
        "CREATE TABLE meta (key VARCHAR NOT NULL PRIMARY KEY, value VARCHAR NOT NULL)",
        """CREATE TABLE card (
            id VARCHAR NOT NULL PRIMARY KEY,
            concept_id VARCHAR NOT NULL,
            ord INTEGER NOT NULL,
            present BOOLEAN NOT NULL)""",
        "CREATE INDEX ix_card_ord ON card (present, ord)",
        """CREATE TABLE progress (
            card_id VARCHAR NOT NULL PRIMARY KEY,
            state INTEGER NOT NULL,
            step INTEGER,
            stability FLOAT,
            difficulty FLOAT,
            due DATETIME,
            last_review DATETIME,
            reps INTEGER NOT NULL,
            lapses INTEGER NOT NULL,
            suspended BOOLEAN NOT NULL,
            flagged BOOLEAN NOT NULL)""",
        "CREATE INDEX ix_progress_state_due ON progress (state, due)",
        """CREATE TABLE review_log (
            id INTEGER NOT NULL PRIMARY KEY,
            card_id VARCHAR NOT NULL,
            rating INTEGER NOT NULL,
            reviewed_at DATETIME NOT NULL,
            duration_ms INTEGER NOT NULL,
            state_before INTEGER NOT NULL,
            state_after INTEGER NOT NULL,
            before_json VARCHAR NOT NULL,
            after_json VARCHAR NOT NULL)""",
        "CREATE INDEX ix_review_log_card ON review_log (card_id)",
        "CREATE INDEX ix_review_log_time ON review_log (reviewed_at)",
        "CREATE TABLE setting (key VARCHAR NOT NULL PRIMARY KEY, value VARCHAR NOT NULL)",
    ):
        conn.execute(statement)


def _v2(conn: sqlite3.Connection) -> None:
    """Timed quizzes: one row per quiz, one per answer, each answer saved as it is given."""
    for statement in (
        """CREATE TABLE quiz_session (
            id INTEGER NOT NULL PRIMARY KEY,
            started_at DATETIME NOT NULL,
            finished_at DATETIME,
            status VARCHAR NOT NULL,
            settings_json VARCHAR NOT NULL,
            plan_json VARCHAR NOT NULL,
            score FLOAT,
            again_applied BOOLEAN NOT NULL,
            draft_text VARCHAR NOT NULL,
            draft_seconds FLOAT NOT NULL)""",
        "CREATE INDEX ix_quiz_session_status ON quiz_session (status, started_at)",
        """CREATE TABLE quiz_answer (
            id INTEGER NOT NULL PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES quiz_session (id),
            position INTEGER NOT NULL,
            card_id VARCHAR NOT NULL,
            concept_id VARCHAR NOT NULL,
            typed_text VARCHAR NOT NULL,
            seconds_used FLOAT NOT NULL,
            budget_seconds INTEGER NOT NULL,
            timed_out BOOLEAN NOT NULL,
            reached BOOLEAN NOT NULL,
            points_total INTEGER NOT NULL,
            points_covered INTEGER NOT NULL,
            covered_json VARCHAR NOT NULL,
            graded BOOLEAN NOT NULL,
            score FLOAT NOT NULL,
            pauses INTEGER NOT NULL,
            paused_seconds FLOAT NOT NULL,
            answered_at DATETIME NOT NULL,
            UNIQUE (session_id, position))""",
        "CREATE INDEX ix_quiz_answer_card ON quiz_answer (card_id)",
    ):
        conn.execute(statement)


def _v3(conn: sqlite3.Connection) -> None:
    """Full-text search over cards (FTS5): filled from the content, ranked with bm25.

    Weights: question 8, answer 1, key points 3 (card_id is stored, not searched).
    Prefix indexes make search-as-you-type on 2-4 letter prefixes fast.
    """
    conn.execute(
        "CREATE VIRTUAL TABLE card_search USING fts5("
        "card_id UNINDEXED, question, answer, key_points, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
    )
    conn.execute("INSERT INTO card_search (card_search, rank) VALUES ('rank', 'bm25(0, 8, 1, 3)')")


def _v4(conn: sqlite3.Connection) -> None:
    """Behavioural rounds: one row per timed telling of a STAR story."""
    conn.execute(
        """CREATE TABLE story_rehearsal (
            id INTEGER NOT NULL PRIMARY KEY,
            story_id VARCHAR NOT NULL,
            question_id VARCHAR NOT NULL,
            rehearsed_at DATETIME NOT NULL,
            typed_text VARCHAR NOT NULL,
            seconds_used FLOAT NOT NULL,
            budget_seconds INTEGER NOT NULL,
            timed_out BOOLEAN NOT NULL,
            points_total INTEGER NOT NULL,
            points_covered INTEGER NOT NULL,
            covered_json VARCHAR NOT NULL,
            score FLOAT NOT NULL)"""
    )
    conn.execute("CREATE INDEX ix_story_rehearsal_story_id ON story_rehearsal (story_id)")


def _v5(conn: sqlite3.Connection) -> None:
    """The compact review log: numbers only, every schedule change an event, cards referred
    to by an integer key (see `log_migration.py` for the conversion of the old rows)."""
    for statement in (
        """CREATE TABLE card_v5 (
            "key" INTEGER NOT NULL PRIMARY KEY,
            id VARCHAR NOT NULL UNIQUE,
            concept_id VARCHAR NOT NULL,
            ord INTEGER NOT NULL,
            present BOOLEAN NOT NULL)""",
        "INSERT INTO card_v5 (id, concept_id, ord, present) "
        "SELECT id, concept_id, ord, present FROM card ORDER BY present DESC, ord, id",
        "INSERT INTO card_v5 (id, concept_id, ord, present) SELECT card_id, '', 0, 0 FROM "
        "(SELECT card_id FROM progress UNION SELECT card_id FROM review_log) "
        "WHERE card_id NOT IN (SELECT id FROM card) ORDER BY card_id",
        "DROP TABLE card",
        "ALTER TABLE card_v5 RENAME TO card",
        "CREATE INDEX ix_card_ord ON card (present, ord)",
        "ALTER TABLE review_log RENAME TO review_log_json",
        "DROP INDEX ix_review_log_card",
        "DROP INDEX ix_review_log_time",
        """CREATE TABLE review_log (
            id INTEGER NOT NULL PRIMARY KEY,
            card INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            state_before INTEGER NOT NULL,
            state_after INTEGER NOT NULL,
            step INTEGER,
            interval_before INTEGER,
            interval_after INTEGER,
            stability BLOB,
            difficulty BLOB)""",
        """CREATE TABLE review_log_detail (
            event_id INTEGER NOT NULL PRIMARY KEY,
            due DATETIME,
            last_review DATETIME,
            reps INTEGER,
            lapses INTEGER,
            from_card INTEGER)""",
    ):
        conn.execute(statement)
    history = conn.execute(
        "SELECT 1 FROM review_log_json UNION ALL SELECT 1 FROM progress LIMIT 1"
    ).fetchone()
    if history:  # a new database has none: no need to load the converter
        from app.storage.log_migration import compact_review_log

        compact_review_log(conn)
    conn.execute("DROP TABLE review_log_json")
    conn.execute("CREATE INDEX ix_review_log_card ON review_log (card)")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1,
    2: _v2,
    3: _v3,
    4: _v4,
    5: _v5,
}


def current_version(conn: sqlite3.Connection) -> int:
    has_meta = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(
    path: Path, target: int = SCHEMA_VERSION, conn: sqlite3.Connection | None = None
) -> tuple[int, int]:
    """Bring the database at `path` to `target` (through `conn` when given, else a
    connection of its own); returns (version before, version after)."""
    own = conn is None
    conn = connect(path) if conn is None else conn
    try:
        before = current_version(conn)
        if before > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"this database has schema version {before}, newer than this Lattice "
                f"understands ({SCHEMA_VERSION}); update Lattice to open it"
            )
        steps = list(range(before + 1, target + 1))
        # A new database is made in one transaction (one fsync, not one per step); an
        # existing one moves a step per transaction, each step kept once it is done.
        for group in [steps] if before == 0 and steps else [[step] for step in steps]:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for step in group:
                    MIGRATIONS[step](conn)
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(group[-1]),),
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # a full disk has already rolled it back
                    conn.execute("ROLLBACK")
                raise
        return before, max(before, target)
    finally:
        if own:
            conn.close()
