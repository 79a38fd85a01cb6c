"""Table definitions. The DDL that creates them lives in `migrations.py`; a test keeps both equal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware UTC datetimes in SQLite (which keeps them naive) and gives them back aware.

    Refuses naive input, so a local time can never be written by mistake.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store naive datetime {value!r}")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class CardRow(SQLModel, table=True):
    """Mirror of the content's cards (id, concept, study order), refreshed when content changes."""

    __tablename__ = "card"
    id: str = Field(primary_key=True)
    concept_id: str
    ord: int
    present: bool = True


class ProgressRow(SQLModel, table=True):
    """Scheduling state keyed by card id; never deleted, so history survives content edits."""

    __tablename__ = "progress"
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
    __tablename__ = "review_log"
    id: int | None = Field(default=None, primary_key=True)
    card_id: str
    rating: int
    reviewed_at: datetime = utc_column(nullable=False)
    duration_ms: int
    state_before: int
    state_after: int
    before_json: str
    after_json: str


class SettingRow(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class QuizSessionRow(SQLModel, table=True):
    """One timed quiz: its settings, the questions drawn (plan) and, while it runs, the draft
    of the current answer, so quitting mid-question loses nothing."""

    __tablename__ = "quiz_session"
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
