"""Progress is the replay of the review log: every schedule change is an event, undo is
exact, ids stay unique, and a schema-3 database converts without losing a review."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.clock import FakeClock
from app.domain.progress_events import Event, EventKind, replay
from app.domain.scheduling import CardMemory, CardState, Grade, Scheduler
from app.storage.connection import connect
from app.storage.memory_codec import from_db_time, from_micros, to_micros
from app.storage.migrations import SCHEMA_VERSION, migrate
from app.storage.review_log import ProgressLog

SCHEMA3 = Path(__file__).parent / "fixtures" / "schema3-history.sqlite3"
CARDS = ("a", "b", "c")
SCHEDULER = Scheduler()


def fresh_log(path: Path) -> ProgressLog:
    migrate(path)
    conn = connect(path)
    conn.executemany(
        "INSERT INTO card (id, concept_id, ord, present) VALUES (?, 'x', ?, 1)",
        [(cid, i) for i, cid in enumerate(CARDS)],
    )
    return ProgressLog(conn)


def assert_progress_is_the_replay(log: ProgressLog, card_ids: tuple[str, ...] = CARDS) -> None:
    stored = log.all_progress()
    for card_id in card_ids:
        expected = replay(card_id, log.events(card_id))
        assert stored.get(card_id, expected) == expected, card_id


def grade(log: ProgressLog, card_id: str, rating: Grade, now: datetime, ms: int = 4000) -> int:
    event_id, stored = log.record_grade(
        card_id, lambda before: SCHEDULER.grade(before, rating, now), int(rating), now, ms
    )
    assert stored == log.memory(card_id)
    return event_id


# -- the property: any sequence of changes leaves progress equal to the replay --------------
START = datetime(2026, 3, 2, 9, 0, 0, 250000, tzinfo=UTC)
START_MS = to_micros(START) // 1000


def past_answer(rating: Grade, source_ms: int) -> Event:
    """An answer given in another app at `source_ms` (its revlog id)."""
    return Event(
        kind=EventKind(int(rating)),
        at=from_micros(source_ms * 1000),
        state_before=CardState.REVIEW,
        state_after=CardState.REVIEW if rating > Grade.AGAIN else CardState.RELEARNING,
        step=None if rating > Grade.AGAIN else 0,
        stability=2.5,
        difficulty=5.0,
        interval_before=timedelta(days=2),
        interval_after=timedelta(days=3) if rating > Grade.AGAIN else timedelta(minutes=10),
        duration_ms=3000,
    )


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            (
                "grade",
                "grade",
                "grade",
                "undo",
                "reset",
                "suspend",
                "flag",
                "batch",
                "move",
                "set",
                "past",
            )
        ),
        st.sampled_from(CARDS),
        st.sampled_from(list(Grade)),
        st.sampled_from([0, 0, 1, 59, 600, 3600 * 5, 86400 * 3, -30]),  # 0: same instant
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(OPERATIONS)
def test_replaying_the_log_gives_the_stored_progress(tmp_path_factory, operations) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("log") / "lattice.sqlite3"
    log = fresh_log(path)
    clock = FakeClock(START)
    grades: list[tuple[int, str, object]] = []  # (event id, card, progress before it or None)
    try:
        for op, card_id, rating, step in operations:
            clock.advance(seconds=step)  # -30: a clock set back must not break the order
            now = clock.now()
            if op == "grade":
                before = log.progress(card_id)
                grades.append((grade(log, card_id, rating, now), card_id, before))
            elif op == "undo" and grades:
                event_id, undone, before = grades.pop()
                if before is not None and to_micros(log.events(undone)[-1].at) == event_id:
                    log.undo(event_id)  # the newest event of its card: exactly as before
                    assert log.progress(undone) == before
                else:
                    log.undo(event_id)  # later changes stay; the fold still holds
            elif op == "reset":
                log.reset([card_id], now)
                assert log.memory(card_id).is_new
            elif op == "suspend":
                log.set_suspended([card_id], not log.progress(card_id).suspended, now)
            elif op == "flag":
                log.set_flagged([card_id], not log.progress(card_id).flagged, now)
            elif op == "batch":  # the quiz's Rate Again: several grades at one instant
                with log.transaction():
                    for other in CARDS:
                        grade(log, other, Grade.AGAIN, now)
                grades.clear()
            elif op == "move":
                target = CARDS[(CARDS.index(card_id) + 1) % len(CARDS)]
                log.move_card_history(card_id, target, now)
                assert log.events(card_id) == []
                grades.clear()
            elif op == "past":  # another app's answer, at a time of its own (maybe taken)
                source_ms = START_MS - {0: 0, 1: 1}.get(step, abs(step) * 1000)
                event = past_answer(rating, source_ms)
                added, progress = log.insert_past_events(card_id, [(source_ms, event)])
                again, _ = log.insert_past_events(card_id, [(source_ms, event)])
                assert again == 0 and progress == log.progress(card_id)
                assert any(  # at its own millisecond, the first microsecond free
                    e.kind == event.kind
                    and timedelta(0) <= e.at - event.at < timedelta(milliseconds=1)
                    for e in log.events(card_id)
                )
                # An older answer now sits under the card's grades: undoing one of them gives
                # the replay of what is left (checked below), no longer the state before it.
                grades = [(e, c, None if c == card_id else b) for e, c, b in grades]
            elif op == "set":
                memory = CardMemory(
                    card_id=card_id,
                    state=CardState.REVIEW,
                    stability=3.5,
                    difficulty=5.25,
                    due=now + timedelta(days=3, microseconds=17),
                    last_review=now - timedelta(hours=2),
                    reps=7,
                    lapses=2,
                )
                log.set_schedule(card_id, memory, now)
                assert log.memory(card_id) == memory
            assert_progress_is_the_replay(log)
    finally:
        log.conn.close()


# -- undo, ids, numbers only -----------------------------------------------------------------
def test_undo_restores_the_exact_state_before_the_grade(tmp_path: Path) -> None:
    log = fresh_log(tmp_path / "lattice.sqlite3")
    now = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
    grade(log, "a", Grade.GOOD, now)
    log.set_flagged(["a"], True, now + timedelta(seconds=5))
    before = log.progress("a")
    event_id = grade(log, "a", Grade.AGAIN, now + timedelta(minutes=10, microseconds=3))
    assert log.memory("a") != before.memory
    assert log.undo(event_id) == before.memory
    assert log.progress("a") == before
    assert [r.rating for r in log.reviews("a")] == [3]
    assert log.undo(event_id) is None  # already undone: nothing happens


def test_same_instant_events_get_unique_increasing_ids(tmp_path: Path) -> None:
    log = fresh_log(tmp_path / "lattice.sqlite3")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ids = [grade(log, card_id, Grade.AGAIN, now) for card_id in CARDS]
    ids.append(grade(log, "a", Grade.GOOD, now - timedelta(hours=1)))  # clock went back
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert ids[0] == int((now - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))
    assert log.reviews("a")[0].reviewed_at == now  # the time is the id, to the microsecond


def test_a_log_row_is_numbers_only(tmp_path: Path) -> None:
    log = fresh_log(tmp_path / "lattice.sqlite3")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for rating in Grade:
        grade(log, "a", rating, now)
        now += timedelta(days=2)
    log.reset(["a"], now)
    log.set_suspended(["a", "b"], True, now)
    columns = [row[1] for row in log.conn.execute("PRAGMA table_info(review_log)")]
    kinds = {
        value
        for column in columns
        for (value,) in log.conn.execute(f"SELECT DISTINCT typeof({column}) FROM review_log")
    }
    assert kinds <= {"integer", "real", "null"}
    assert [r.rating for r in log.reviews("a")] == [1, 2, 3, 4]
    assert log.review_count() == 4  # resets and suspensions are events, not reviews


def test_move_card_history_gives_the_retired_cards_history_to_its_replacement(
    tmp_path: Path,
) -> None:
    log = fresh_log(tmp_path / "lattice.sqlite3")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    grade(log, "b", Grade.AGAIN, now - timedelta(minutes=1))  # the kept duplicate, studied too
    grade(log, "a", Grade.GOOD, now)
    grade(log, "a", Grade.GOOD, now + timedelta(minutes=10))
    latest_a = log.memory("a")
    log.set_suspended(["a"], True, now + timedelta(minutes=12))
    assert log.move_card_history("a", "b", now + timedelta(hours=1))
    assert log.reviews("a") == [] and log.memory("a") == CardMemory(card_id="a")
    assert [r.rating for r in log.reviews("b")] == [1, 3, 3]
    moved = log.progress("b")
    assert moved.memory.reps == 3 and moved.suspended  # the counts of both, the latest marks
    assert moved.memory.stability == latest_a.stability  # "a"'s newer grade is the schedule
    assert log.events("b")[-1].kind is EventKind.MOVE
    (source,) = log.conn.execute("SELECT from_card FROM review_log_detail").fetchone()
    assert source == log.conn.execute("SELECT key FROM card WHERE id = 'a'").fetchone()[0]
    assert_progress_is_the_replay(log)
    assert not log.move_card_history("a", "b", now)  # nothing left to move
    assert not log.move_card_history("b", "b", now)
    assert not log.move_card_history("never-studied", "c", now)


# -- the migration from schema 3 -------------------------------------------------------------
def _legacy(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        reviews = conn.execute(
            "SELECT card_id, rating, reviewed_at, duration_ms, state_before, state_after, "
            "after_json FROM review_log ORDER BY reviewed_at, id"
        ).fetchall()
        progress = conn.execute("SELECT * FROM progress ORDER BY card_id").fetchall()
    finally:
        conn.close()
    return reviews, progress


def test_a_schema_3_database_converts_every_review_and_keeps_the_progress(tmp_path: Path) -> None:
    """tests/fixtures/schema3-history.sqlite3 was written by schema 3's code: grades with
    an undo, a quiz's Rate Again, a suspension, flags set and cleared, a reset followed by
    a new grade (see tests/fixtures/README.md)."""
    path = tmp_path / "lattice.sqlite3"
    shutil.copy(SCHEMA3, path)
    reviews, progress = _legacy(path)
    assert len(reviews) == 21 and len(progress) == 4
    assert migrate(path) == (3, SCHEMA_VERSION)
    conn = connect(path)
    log = ProgressLog(conn)
    try:
        converted = sorted(
            (r.reviewed_at, r.card_id, r.rating, r.duration_ms, r.state_before, r.state_after, r)
            for cid in {row[0] for row in reviews}
            for r in log.reviews(str(cid))
        )
        assert len(converted) == len(reviews)
        for (card_id, rating, at, ms, s_before, s_after, after_json), new in zip(
            reviews, converted, strict=True
        ):
            assert new[:6] == (from_db_time(str(at)), card_id, rating, ms, s_before, s_after)
            after = json.loads(str(after_json))
            gap = datetime.fromisoformat(after["due"]) - datetime.fromisoformat(
                after["last_review"]
            )
            assert new[6].interval_after == gap
        # The stored progress is untouched, byte for byte, and is the replay of the log.
        assert conn.execute("SELECT * FROM progress ORDER BY card_id").fetchall() == progress
        assert_progress_is_the_replay(log, tuple(str(row[0]) for row in progress))
        kinds = {cid: [e.kind for e in log.events(cid)] for cid in ("alpha-why", "gamma-what")}
        assert EventKind.SUSPEND in kinds["alpha-why"]
        assert EventKind.RESET in kinds["gamma-what"]  # the reset the old log never recorded
        assert kinds["gamma-what"][-1] is EventKind.GOOD
        (flagged,) = conn.execute("SELECT count(*) FROM progress WHERE flagged").fetchone()
        assert flagged == 1
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "review_log_json" not in tables and "ix_review_log_time" not in tables
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_a_progress_row_without_any_review_becomes_a_set_event(tmp_path: Path) -> None:
    path = tmp_path / "lattice.sqlite3"
    migrate(path, target=3)
    with sqlite3.connect(path) as old:
        old.execute(
            "INSERT INTO progress (card_id, state, stability, difficulty, due, last_review, "
            "reps, lapses, suspended, flagged) VALUES "
            "('kept', 2, 4.5, 6.0, '2026-03-09 10:00:00.000001', '2026-03-01 10:00:00.000000', "
            "5, 1, 1, 0)"
        )
    old.close()
    migrate(path)
    conn = connect(path)
    log = ProgressLog(conn)
    try:
        assert [e.kind for e in log.events("kept")] == [EventKind.SET, EventKind.SUSPEND]
        memory = log.memory("kept")
        assert (memory.reps, memory.lapses, memory.stability) == (5, 1, 4.5)
        assert memory.due == datetime(2026, 3, 9, 10, 0, 0, 1, tzinfo=UTC)
        assert_progress_is_the_replay(log, ("kept",))
        assert log.review_count() == 0
    finally:
        conn.close()


def test_content_merges_move_a_retired_cards_history_through_the_store(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    """What content-tools calls when two duplicate cards become one (`ctx.store`)."""
    from app.services.review_service import ReviewService

    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    due = service.next_card()
    assert due is not None and due.card.id == "alpha-what"
    service.answer(due, Grade.GOOD)
    service.close()
    graded = ctx.store.memory("alpha-what")
    clock.advance(hours=1)
    assert ctx.store.move_card_history("alpha-what", "beta-what")
    assert ctx.store.review_history("alpha-what") == []
    assert [r.rating for r in ctx.store.review_history("beta-what")] == [3]
    assert ctx.store.memory("beta-what") == replace(graded, card_id="beta-what")
    assert ctx.store.memory("alpha-what").is_new
    assert not ctx.store.move_card_history("alpha-what", "beta-what")  # nothing left


def test_a_conversion_that_fails_leaves_the_schema_3_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "lattice.sqlite3"
    shutil.copy(SCHEMA3, path)
    with sqlite3.connect(path) as old:
        old.execute("UPDATE review_log SET after_json = 'not json' WHERE id = 5")
    old.close()
    reviews, progress = _legacy(path)
    with pytest.raises(ValueError):
        migrate(path)
    assert _legacy(path) == (reviews, progress)
    conn = sqlite3.connect(path)
    try:
        # The steps before the log's conversion (schema 4) went through, each on its own.
        (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == str(SCHEMA_VERSION - 1)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(review_log)")}
        assert "after_json" in columns
    finally:
        conn.close()


def test_past_events_keep_their_time_and_are_never_added_twice(tmp_path: Path) -> None:
    log = fresh_log(tmp_path / "lattice.sqlite3")
    now = START
    grade(log, "a", Grade.GOOD, now)  # studied in Lattice first
    answers = [
        (START_MS - 86_400_000 * d, past_answer(Grade.GOOD, START_MS - 86_400_000 * d))
        for d in (9, 4)
    ]
    added, progress = log.insert_past_events("a", answers)
    assert added == 2
    times = [r.reviewed_at for r in log.reviews("a")]
    assert times == sorted(times) and times[:2] == [e.at for _, e in answers]
    assert progress.memory.reps == 3  # the fold counts every answer, in time order
    assert log.insert_past_events("a", answers)[0] == 0  # the same package again
    # another card's answer in the same millisecond takes the next free microsecond
    added, _ = log.insert_past_events("b", answers[:1])
    assert added == 1 and log.reviews("b")[0].reviewed_at == answers[0][1].at + timedelta(
        microseconds=1
    )
    # the grade path still gives ids after the newest event
    later = grade(log, "c", Grade.GOOD, now)
    assert later > max(to_micros(r.reviewed_at) for r in log.reviews("a"))
    assert_progress_is_the_replay(log)
