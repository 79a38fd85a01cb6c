"""The schema's declaration: every table, column and index of the database.

Start-up and the review keypress cannot wait for SQLAlchemy, so the plain-sqlite3 paths
(`migrations.py` DDL, `review_log.py` column lists) are written by hand and
tests/test_schema.py checks that they create exactly what is declared here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from app.storage.memory_codec import db_time, from_db_time, packed_float, unpacked_float


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, naive-UTC text in SQLite, through the one codec
    (`memory_codec.db_time`) the plain-sqlite3 paths use too.

    Refuses naive input, so a local time can never be written by mistake.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        return None if value is None else db_time(value)

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        return from_db_time(value)


@compiles(UTCDateTime)
def _datetime_ddl(_type: UTCDateTime, _compiler: Any, **_kw: Any) -> str:
    return "DATETIME"  # the column type the migrations have always created


class PackedFloat(TypeDecorator[float]):
    """A review-log float: single precision as the integer of its bits (4 bytes) when it is
    exactly one, else a REAL (`memory_codec.packed_float`). Declared BLOB only for its
    lack of type affinity: SQLite stores the integer or the REAL as given, both numbers."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: float | None, dialect: Any) -> float | int | None:
        return packed_float(value)

    def process_result_value(self, value: float | int | None, dialect: Any) -> float | None:
        return unpacked_float(value)


def packed_float_column() -> Any:
    return Field(default=None, sa_column=Column(PackedFloat(), nullable=True))


def utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class CardRow(SQLModel, table=True):
    """Mirror of the content's cards (id, concept, study order), refreshed when content
    changes. `key` is the compact integer the review log refers to a card by."""

    __tablename__ = "card"
    __table_args__ = (Index("ix_card_ord", "present", "ord"),)
    key: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    concept_id: str
    ord: int
    present: bool = True


class ProgressRow(SQLModel, table=True):
    """Scheduling state keyed by card id; never deleted, so history survives content edits."""

    __tablename__ = "progress"
    __table_args__ = (Index("ix_progress_state_due", "state", "due"),)
    card_id: str = Field(primary_key=True)
    state: int = 0
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = utc_column()
    last_review: datetime | None = utc_column()
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    flagged: bool = False


class ReviewLogRow(SQLModel, table=True):
    """One event of a card's schedule (see `domain/progress_events.py`), numbers only.

    `id` is the event's time in microseconds since the epoch; `card` is `card.key`; `kind`
    is the rating 1-4 of a review or another `EventKind`; intervals are whole days
    (positive) or seconds (negative); step, stability and difficulty are after the event.
    """

    __tablename__ = "review_log"
    __table_args__ = (Index("ix_review_log_card", "card"),)
    id: int | None = Field(default=None, primary_key=True)
    card: int
    kind: int
    duration_ms: int
    state_before: int
    state_after: int
    step: int | None = None
    interval_before: int | None = None
    interval_after: int | None = None
    stability: float | None = packed_float_column()
    difficulty: float | None = packed_float_column()


class ReviewLogDetailRow(SQLModel, table=True):
    """What a few rare events carry beyond the log's numbers: a SET event's whole schedule
    (due, last review, reps, lapses) or a MOVE event's source card."""

    __tablename__ = "review_log_detail"
    event_id: int | None = Field(default=None, primary_key=True)
    due: datetime | None = utc_column()
    last_review: datetime | None = utc_column()
    reps: int | None = None
    lapses: int | None = None
    from_card: int | None = None


class SettingRow(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class QuizSessionRow(SQLModel, table=True):
    """One timed quiz: its settings, the questions drawn (plan) and, while it runs, the draft
    of the current answer, so quitting mid-question loses nothing."""

    __tablename__ = "quiz_session"
    __table_args__ = (Index("ix_quiz_session_status", "status", "started_at"),)
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = utc_column(nullable=False)
    finished_at: datetime | None = utc_column()
    status: str = "active"
    settings_json: str = "{}"
    plan_json: str = "[]"
    score: float | None = None
    again_applied: bool = False
    draft_text: str = ""
    draft_seconds: float = 0.0


class QuizAnswerRow(SQLModel, table=True):
    """One answered (or timed-out, or never reached) question of a quiz."""

    __tablename__ = "quiz_answer"
    __table_args__ = (
        UniqueConstraint("session_id", "position"),
        Index("ix_quiz_answer_card", "card_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="quiz_session.id")
    position: int
    card_id: str
    concept_id: str
    typed_text: str = ""
    seconds_used: float = 0.0
    budget_seconds: int = 0
    timed_out: bool = False
    reached: bool = True
    points_total: int = 0
    points_covered: int = 0
    covered_json: str = "[]"
    graded: bool = False
    score: float = 0.0
    pauses: int = 0
    paused_seconds: float = 0.0
    answered_at: datetime = utc_column(nullable=False)


class CardSearchRow(SQLModel, table=True):
    """The FTS5 index of card text (a virtual table; its rowid is the real key). Written and
    queried with SQL in `search_store.py`; declared here so the schema test sees its columns."""

    __tablename__ = "card_search"
    card_id: str = Field(primary_key=True)
    question: str
    answer: str
    key_points: str


class StoryRehearsalRow(SQLModel, table=True):
    """One timed telling of a STAR story in a behavioural round, graded on its key points."""

    __tablename__ = "story_rehearsal"
    id: int | None = Field(default=None, primary_key=True)
    story_id: str = Field(index=True)
    question_id: str
    rehearsed_at: datetime = utc_column(nullable=False)
    typed_text: str = ""
    seconds_used: float = 0.0
    budget_seconds: int = 0
    timed_out: bool = False
    points_total: int = 0
    points_covered: int = 0
    covered_json: str = "[]"
    score: float = 0.0
