"""Interval fuzz as Anki applies it, deterministic so the grade buttons tell the truth, and
the learner's own FSRS parameters."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from app.domain.scheduling import (
    CardMemory,
    CardState,
    Grade,
    Scheduler,
    SchedulerSettings,
    fuzz_range,
)
from app.domain.study_day import StudySettings

NOW = datetime(2026, 5, 4, 9, tzinfo=UTC)


def _review_card(card_id: str, stability: float = 20.0) -> CardMemory:
    return CardMemory(
        card_id=card_id,
        state=CardState.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=NOW,
        last_review=NOW - timedelta(days=20),
        reps=4,
    )


@pytest.mark.parametrize(
    ("days", "low", "high"),
    [(3, 2, 4), (5, 4, 6), (8, 6, 10), (15, 13, 17), (30, 27, 33), (100, 93, 107)],
)
def test_fuzz_range_is_ankis(days: int, low: int, high: int) -> None:
    """Anki's bounds (the `fsrs` package computes the same bounds but rounds its draw, so it
    can give one day more than the upper bound; Anki floors it, as we do)."""
    assert fuzz_range(days) == (low, high)


def test_the_interval_on_the_button_is_the_interval_given() -> None:
    scheduler = Scheduler()
    for i in range(40):
        memory = _review_card(f"card-{i}")
        previews = scheduler.preview(memory, NOW)
        for grade in Grade:
            assert scheduler.grade(memory, grade, NOW).due - NOW == previews[grade]


def test_cards_learnt_together_spread_out() -> None:
    scheduler = Scheduler()
    unfuzzed = Scheduler(SchedulerSettings(fuzz=False))
    days = {
        (scheduler.grade(_review_card(f"c{i}"), Grade.GOOD, NOW).due - NOW).days for i in range(60)
    }
    plain = (unfuzzed.grade(_review_card("c0"), Grade.GOOD, NOW).due - NOW).days
    low, high = fuzz_range(plain)
    assert len(days) >= 4
    assert low <= min(days) and max(days) <= high


def test_fuzz_is_fixed_by_the_card_and_its_review_count() -> None:
    scheduler = Scheduler()
    memory = _review_card("same")
    first = scheduler.grade(memory, Grade.GOOD, NOW).due
    assert scheduler.grade(memory, Grade.GOOD, NOW).due == first
    later = {
        scheduler.grade(replace(memory, reps=reps), Grade.GOOD, NOW).due for reps in range(5, 25)
    }
    assert len(later) > 1  # another review count, another draw


def test_short_intervals_and_learning_steps_are_not_fuzzed() -> None:
    scheduler = Scheduler()
    new = CardMemory(card_id="fresh")
    assert scheduler.preview(new, NOW)[Grade.GOOD] == timedelta(minutes=10)
    lapse = scheduler.preview(_review_card("weak"), NOW)[Grade.AGAIN]
    assert lapse == timedelta(minutes=10)  # the relearning step
    unfuzzed = Scheduler(SchedulerSettings(fuzz=False))
    checked = 0
    for stability in (0.1, 0.2, 0.4, 0.8):
        young = replace(_review_card("young", stability), last_review=NOW - timedelta(days=1))
        for grade in (Grade.HARD, Grade.GOOD):
            interval = unfuzzed.preview(young, NOW)[grade]
            if interval < timedelta(days=2.5):
                assert scheduler.preview(young, NOW)[grade] == interval
                checked += 1
    assert checked >= 2


def test_own_parameters_change_the_intervals() -> None:
    memory = _review_card("mine")
    default = Scheduler(SchedulerSettings(fuzz=False)).preview(memory, NOW)[Grade.GOOD]
    slower = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    slower[8] *= 0.5  # stability grows less after a recall
    own = StudySettings(fsrs_parameters=tuple(slower)).scheduler_settings()
    mine = Scheduler(replace(own, fuzz=False)).preview(memory, NOW)
    assert mine[Grade.GOOD] < default


def test_parameters_saved_as_json_lists_come_back_as_tuples() -> None:
    settings = StudySettings(fsrs_parameters=[0.5] * 21, previous_fsrs_parameters=[])  # type: ignore[arg-type]
    assert settings.fsrs_parameters == (0.5,) * 21
    assert settings.previous_fsrs_parameters == ()
