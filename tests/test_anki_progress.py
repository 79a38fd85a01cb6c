"""Anki's scheduling becomes Lattice's: answers, memory, due dates, suspension and flags, with
anything left out counted and named."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.anki_progress import (
    MAX_ANSWER_MS,
    AnkiCard,
    AnkiReview,
    difficulty_from_ease,
    progress_of,
    reviews_of,
    summary,
)
from app.domain.scheduling import CardState, Grade

FAST = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
CRT = int(datetime(2025, 1, 1, 4, tzinfo=UTC).timestamp())
T0 = int(datetime(2025, 3, 1, 9, tzinfo=UTC).timestamp() * 1000)


def review_card(**changes: object) -> AnkiCard:
    base = dict(
        card_id=1,
        note_guid="g",
        ord=0,
        type=2,
        queue=2,
        due=90,
        interval=10,
        factor=2500,
        reps=3,
        lapses=0,
    )
    return AnkiCard(**(base | changes))  # type: ignore[arg-type]


revlog_rows = st.lists(
    st.builds(
        AnkiReview,
        card_id=st.just(1),
        at_ms=st.integers(T0, T0 + 10**11),
        ease=st.integers(-1, 5),
        duration_ms=st.integers(-5, 10**8),
        kind=st.integers(0, 5),
    ),
    max_size=30,
)


@given(revlog_rows)
@FAST
def test_every_revlog_row_is_kept_as_an_answer_or_counted_as_dropped(
    rows: list[AnkiReview],
) -> None:
    kept, dropped = reviews_of(rows)
    assert len(kept) + sum(dropped.values()) == len(rows)
    assert [r.reviewed_at for r in kept] == sorted(r.reviewed_at for r in kept)
    assert all(0 <= r.duration_ms <= MAX_ANSWER_MS and r.grade in Grade for r in kept)


def test_anki_fsrs_memory_is_taken_as_is() -> None:
    card = review_card(data=json.dumps({"s": 12.5, "d": 6.25, "dr": 0.9}), flags=3, queue=-1)
    rows = [AnkiReview(1, T0, 3, 4000, 0), AnkiReview(1, T0 + 86_400_000, 3, 3000, 1)]
    progress = progress_of(card, "deck-1", rows, CRT)
    memory = progress.memory
    assert (memory.stability, memory.difficulty, memory.state) == (12.5, 6.25, CardState.REVIEW)
    assert memory.due == datetime(2025, 1, 1, 4, tzinfo=UTC) + timedelta(days=90)
    assert memory.last_review == datetime.fromtimestamp((T0 + 86_400_000) / 1000, UTC)
    assert progress.suspended and progress.flagged and progress.memory_from == "anki-fsrs"
    assert [r.grade for r in progress.reviews] == [Grade.GOOD, Grade.GOOD]


def test_sm2_cards_get_memory_from_their_answers() -> None:
    rows = [AnkiReview(1, T0 + i * 3 * 86_400_000, 3, 5000, 1) for i in range(4)]
    progress = progress_of(review_card(), "deck-1", rows, CRT)
    assert progress.memory_from == "history"
    assert progress.memory.stability and progress.memory.stability > 1
    assert progress.memory.difficulty and 1 <= progress.memory.difficulty <= 10
    assert not progress.suspended and not progress.flagged


def test_sm2_card_without_answers_gets_fsrs_memory_for_its_interval_and_ease() -> None:
    hard = progress_of(review_card(interval=40, factor=1300), "deck-1", [], CRT)
    easy = progress_of(review_card(interval=40, factor=3000), "deck-1", [], CRT)
    assert hard.memory_from == "sm2-interval"
    # at SM-2's 90 % retention an interval is the stability; a low ease is a hard card
    assert hard.memory.stability == pytest.approx(40, rel=0.01)
    assert hard.memory.difficulty > easy.memory.difficulty  # type: ignore[operator]
    assert 1 <= easy.memory.difficulty <= 10 <= hard.memory.difficulty + 0.5  # type: ignore[operator]
    progress = hard
    assert progress.memory.last_review == progress.memory.due - timedelta(days=40)  # type: ignore[operator]


def test_learning_cards_are_due_at_their_minute_and_filtered_decks_use_the_kept_date() -> None:
    at = int(datetime(2025, 3, 2, 10, 30, tzinfo=UTC).timestamp())
    learning = progress_of(review_card(type=1, queue=1, due=at, interval=0), "x", [], CRT)
    assert learning.memory.due == datetime(2025, 3, 2, 10, 30, tzinfo=UTC)
    filtered = progress_of(review_card(due=-100_000, original_due=95), "x", [], CRT)
    assert filtered.memory.due == datetime(2025, 1, 1, 4, tzinfo=UTC) + timedelta(days=95)


def test_new_cards_stay_new_and_a_summary_names_what_was_dropped() -> None:
    fresh = progress_of(review_card(type=0, queue=0, due=7), "a", [AnkiReview(1, T0, 3, 1, 0)], CRT)
    assert fresh.memory.is_new and len(fresh.reviews) == len(fresh.events) == 1
    studied = progress_of(
        review_card(), "b", [AnkiReview(1, T0, 0, 0, 4), AnkiReview(1, T0 + 1, 3, 1, 1)], CRT
    )
    lines = summary([fresh, studied], orphan_reviews=2)
    assert lines[0].startswith("Progress: 2 answers and 1 studied cards came over (1 new)")
    assert (
        "1 reschedules by hand in Anki (set due date, forget) are kept in the history; "
        "they are not answers." in lines
    )
    assert "Not imported: 2 answers of cards not in the package (deleted in Anki)." in lines
    assert any(
        line.startswith("1 answers are of cards Anki has since reset to new") for line in lines
    )


@given(st.integers(0, 10_000))
def test_difficulty_from_ease_is_a_valid_fsrs_difficulty(factor: int) -> None:
    assert 1 <= difficulty_from_ease(factor) <= 10


def test_a_deck_never_studied_adds_no_progress_lines() -> None:
    fresh = progress_of(review_card(type=0, queue=0, due=7), "a", [], CRT)
    assert summary([fresh]) == []


def test_a_history_cut_short_is_replayed_from_the_sm2_memory_it_had() -> None:
    """Its first answer left is a review 20 days after the one before (deleted in Anki)."""
    cut = [
        AnkiReview(1, T0, 3, 4000, 1, interval=50, last_interval=20, factor=2500),
        AnkiReview(1, T0 + 50 * 86_400_000, 3, 4000, 1, interval=120, last_interval=50),
    ]
    whole = [AnkiReview(1, T0, 3, 4000, 0, interval=1)]
    progress = progress_of(review_card(interval=120, reps=2), "c", cut, CRT)
    fresh = progress_of(review_card(interval=1, reps=1), "f", whole, CRT)
    first_cut, first_whole = progress.events[0][1], fresh.events[0][1]
    assert first_cut.state_before is CardState.REVIEW and first_whole.state_before is CardState.NEW
    assert first_cut.interval_before == timedelta(days=20)
    assert first_cut.stability > 20 > 3 > first_whole.stability  # type: ignore[operator]
    assert progress.memory_from == "history" and progress.memory.reps == 2


@pytest.mark.parametrize("answered_hour", [5, 12, 16, 23])
def test_an_exported_review_card_keeps_anki_s_interval_whatever_the_hour_it_was_answered(
    answered_hour: int,
) -> None:
    """Anki counts an interval in its days: answered on day 100 at any hour and due on day
    104, the card has 4, though fewer than 96 hours lie between the answer and day 104."""
    from app.domain.anki_progress import anki_schedule
    from app.domain.scheduling import CardMemory

    day_start = 4  # the study day starts at 04:00, as Anki's does

    def day_number(when: datetime) -> int:
        return (when - timedelta(hours=day_start)).date().toordinal() - datetime(
            2025, 1, 1
        ).date().toordinal()

    answered = datetime(2025, 3, 1, answered_hour, 30, tzinfo=UTC)
    due = datetime(2025, 3, 5, day_start, tzinfo=UTC)  # the start of the day four days on
    memory = CardMemory(
        "c1",
        state=CardState.REVIEW,
        stability=4.2,
        difficulty=5.0,
        due=due,
        last_review=answered,
        reps=3,
    )
    schedule = anki_schedule(memory, False, False, 0, day_number, 0.9, 0.5)
    assert schedule.due - day_number(answered) == schedule.interval == 4
