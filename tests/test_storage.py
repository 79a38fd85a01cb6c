"""Progress is never lost: UTC round trips, restarts, content edits, schema versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from app.domain.scheduling import CardState, Grade
from app.domain.study_day import StudySettings
from app.services.context import open_context
from app.services.review_service import ReviewService
from app.storage.database import database_path, open_engine
from app.storage.migrations import SCHEMA_VERSION, SchemaTooNewError
from app.storage.progress_store import ProgressStore


def grade_next(ctx, grade: Grade = Grade.GOOD) -> str:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    due = service.next_card()
    assert due is not None
    service.answer(due, grade)
    return due.card.id


def test_fsrs_card_survives_the_sqlite_round_trip(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    card_id = grade_next(ctx, Grade.GOOD)
    clock.advance(minutes=10)
    grade_next(ctx, Grade.GOOD)  # graduates to review
    memory = ctx.store.memory(card_id)
    assert memory.state is CardState.REVIEW
    for value in (memory.due, memory.last_review):
        assert value is not None and value.tzinfo is not None and value.utcoffset() == timedelta(0)
    assert memory.last_review == clock.now()
    # The raw column is naive UTC text, as SQLite keeps it.
    with ctx.store.engine.connect() as conn:
        raw = conn.execute(
            text("SELECT due FROM progress WHERE card_id = :c"), {"c": card_id}
        ).scalar()
    assert str(raw).startswith(memory.due.strftime("%Y-%m-%d %H:%M"))
    # And the scheduler accepts what storage hands back.
    again = ctx.store.memory(card_id)
    ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings).scheduler.grade(
        again, Grade.GOOD, memory.due
    )


def test_naive_datetime_is_refused(ctx) -> None:  # type: ignore[no-untyped-def]
    from app.domain.scheduling import CardMemory

    with pytest.raises(ValueError, match="aware UTC"):
        CardMemory(card_id="x", due=datetime(2026, 1, 1))


def test_restart_keeps_every_review(data_dir: Path, content_root: Path, clock) -> None:  # type: ignore[no-untyped-def]
    ctx = open_context(data_dir, content=content_root, clock=clock)
    graded = [grade_next(ctx, g) for g in (Grade.AGAIN, Grade.GOOD, Grade.EASY)]
    ctx.store.engine.dispose()
    reopened = open_context(data_dir, content=content_root, clock=clock)
    assert reopened.store.review_count() == 3
    assert {log.card_id for cid in graded for log in reopened.store.review_history(cid)} == set(
        graded
    )
    assert reopened.store.memory("alpha-what").state is CardState.LEARNING


def test_progress_survives_content_edit_and_removal(
    data_dir: Path, content_root: Path, clock
) -> None:  # type: ignore[no-untyped-def]
    ctx = open_context(data_dir, content=content_root, clock=clock)
    grade_next(ctx, Grade.EASY)  # alpha-what
    before = ctx.store.memory("alpha-what")
    ctx.store.engine.dispose()

    alpha = content_root / "basics" / "alpha.md"
    original = alpha.read_text()
    alpha.write_text(original.replace("What is alpha?", "What, exactly, is alpha?"))
    edited = open_context(data_dir, content=content_root, clock=clock)
    assert edited.bank.cards["alpha-what"].question == "What, exactly, is alpha?"
    assert edited.store.memory("alpha-what") == before
    edited.store.engine.dispose()

    alpha.unlink()
    (content_root / "basics" / "beta.md").write_text(
        (content_root / "basics" / "beta.md").read_text().replace("requires: [alpha]", "")
    )
    removed = open_context(data_dir, content=content_root, clock=clock)
    assert "alpha-what" not in removed.bank.cards
    from app.storage.review_ledger import ReviewLedger

    ledger = ReviewLedger(removed.db_path)
    assert ledger.new_ids(10) == ["beta-what", "gamma-what"]  # the removed cards are not offered
    ledger.close()
    assert len(removed.store.review_history("alpha-what")) == 1
    removed.store.engine.dispose()

    alpha.write_text(original)
    back = open_context(data_dir, content=content_root, clock=clock)
    assert back.store.memory("alpha-what") == before
    assert len(back.store.review_history("alpha-what")) == 1


def test_new_cards_per_day_limit(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    ctx.settings = StudySettings(new_per_day=2)
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    assert service.counts().new == 2
    for _ in range(2):
        due = service.next_card()
        assert due is not None and due.memory.is_new
        service.answer(due, Grade.EASY)
    assert service.counts().new == 0
    assert service.next_card() is None
    clock.advance(days=1)
    assert service.counts().new == 2


def test_schema_is_versioned_and_matches_the_models(tmp_path: Path) -> None:
    engine = open_engine(database_path(tmp_path))
    with engine.connect() as conn:
        version = conn.execute(text("SELECT value FROM meta WHERE key='schema_version'")).scalar()
        journal = conn.execute(text("PRAGMA journal_mode")).scalar()
    assert int(version) == SCHEMA_VERSION
    assert journal == "wal"
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        in_db = {c["name"] for c in inspector.get_columns(table.name)}
        assert in_db == {c.name for c in table.columns}, table.name


def test_a_newer_schema_is_refused_not_overwritten(tmp_path: Path) -> None:
    engine = open_engine(database_path(tmp_path))
    ProgressStore(engine).set_setting("keep", 1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(SchemaTooNewError, match="version 99"):
        open_engine(database_path(tmp_path))
    from sqlmodel import create_engine

    with create_engine(f"sqlite:///{database_path(tmp_path)}").connect() as conn:
        assert conn.execute(text("SELECT value FROM setting WHERE key='keep'")).scalar() == "1"


def test_study_day_rolls_over_at_4am_local(clock) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from app.domain.study_day import study_day_end, study_day_start

    tz = ZoneInfo("Europe/Berlin")
    late = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 02:30 in Berlin: still the previous day
    assert study_day_start(late, tz).astimezone(tz).day == 1
    assert study_day_start(late, tz).astimezone(tz).hour == 4
    assert study_day_end(late, tz) == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def test_an_old_database_upgrades_step_by_step_keeping_progress(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from app.storage.migrations import migrate

    path = database_path(tmp_path)
    assert migrate(path, target=1) == (0, 1)
    with sqlite3.connect(path) as old:
        old.execute(
            "INSERT INTO progress (card_id, state, reps, lapses, suspended, flagged) "
            "VALUES ('kept', 2, 5, 1, 0, 0)"
        )
    old.close()
    upgraded = open_engine(path)
    with upgraded.connect() as conn:
        assert conn.execute(
            text("SELECT value FROM meta WHERE key='schema_version'")
        ).scalar() == str(SCHEMA_VERSION)
        assert conn.execute(text("SELECT reps FROM progress WHERE card_id='kept'")).scalar() == 5
    assert SCHEMA_VERSION >= 2  # the upgrade above really crossed a migration
