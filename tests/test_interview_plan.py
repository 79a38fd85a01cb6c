"""Interview mode: the memory model, the simulated learner and the plan that peaks on the day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from app.domain.interview_plan import (
    LearnerProfile,
    PlanCard,
    Policy,
    plain_plan,
    plan_interview,
)
from app.domain.learner_sim import (
    SimulatedLearner,
    compare_at_equal_minutes,
    plain_schedule,
    simulate,
)
from app.domain.memory_model import (
    DEFAULT_PARAMETERS,
    EASY,
    GOOD,
    Memory,
    MemoryModel,
)

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
MODEL = MemoryModel()
PROFILE = LearnerProfile()


def _bank(size: int) -> list[PlanCard]:
    return [PlanCard(f"c{i:03d}") for i in range(size)]


# -- the memory model is FSRS-6 ---------------------------------------------------------------
def test_parameters_are_fsrs_defaults() -> None:
    assert pytest.approx(fsrs.scheduler.DEFAULT_PARAMETERS) == DEFAULT_PARAMETERS


@pytest.mark.parametrize("grade", [1, 2, 3, 4])
@pytest.mark.parametrize("elapsed", [1, 3, 12, 60])
def test_review_matches_the_fsrs_package(grade: int, elapsed: int) -> None:
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(
        state=fsrs.State.Review,
        stability=7.5,
        difficulty=6.2,
        due=NOW,
        last_review=NOW - timedelta(days=elapsed),
    )
    after, _log = scheduler.review_card(card, fsrs.Rating(grade), review_datetime=NOW)
    ours = MODEL.review(Memory(7.5, 6.2), elapsed, grade)
    assert ours.stability == pytest.approx(after.stability, rel=1e-9)
    assert ours.difficulty == pytest.approx(after.difficulty, rel=1e-9)
    assert MODEL.retrievability(elapsed, 7.5) == pytest.approx(
        scheduler.get_card_retrievability(card, NOW), rel=1e-9
    )


@pytest.mark.parametrize("first", [1, 2, 3, 4])
def test_first_day_matches_the_fsrs_package(first: int) -> None:
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(due=NOW)
    at = NOW
    card, _ = scheduler.review_card(card, fsrs.Rating(first), review_datetime=at)
    while card.state is fsrs.State.Learning:  # the learning steps, answered Good
        at = card.due
        card, _ = scheduler.review_card(card, fsrs.Rating.Good, review_datetime=at)
    learnt = MODEL.learn(first)
    assert learnt.stability == pytest.approx(card.stability, rel=1e-9)
    assert learnt.difficulty == pytest.approx(card.difficulty, rel=1e-9)


# -- the simulated learner ----------------------------------------------------------------------
LEARNER = SimulatedLearner(PROFILE, DEFAULT_PARAMETERS, miss_day_probability=0.2)


def test_a_simulation_is_repeatable_by_seed() -> None:
    run = [simulate(plain_schedule(MODEL), LEARNER, _bank(60), 10, 15, seed) for seed in (7, 7, 8)]
    assert run[0] == run[1]
    assert run[0] != run[2]


def test_a_learner_who_misses_every_day_learns_nothing() -> None:
    absent = SimulatedLearner(PROFILE, DEFAULT_PARAMETERS, miss_day_probability=1.0)
    result = simulate(plain_schedule(MODEL), absent, _bank(30), 7, 20, 1)
    assert result.expected_recall == 0.0
    assert result.minutes_per_day == (0.0,) * 7
    assert result.learnt == result.reviews == 0


def test_a_day_stops_when_its_minutes_are_spent() -> None:
    result = simulate(plain_schedule(MODEL), LEARNER, _bank(500), 5, 10, 3)
    # the last card may run over, never by more than one long answer
    assert all(m < 10 + 5 * PROFILE.new_card / 60 for m in result.minutes_per_day)
    assert result.learnt < 500


# -- the plan -------------------------------------------------------------------------------
def test_the_plan_keeps_each_days_minutes_and_the_order_of_new_cards() -> None:
    bank = _bank(120)
    plan = plan_interview(bank, 14, 20, MODEL, PROFILE)
    assert len(plan.days) == 14
    assert all(day.seconds <= 20 * 60 for day in plan.days)
    learnt = [card_id for day in plan.days for card_id in day.new]
    assert learnt == [c.card_id for c in bank[: len(learnt)]]  # prerequisites stay first
    for day in plan.days:
        assert len(set(day.reviews)) == len(day.reviews)
        assert not set(day.reviews) & set(day.new)


def test_the_plan_is_never_worse_than_the_plain_schedule_in_its_own_model() -> None:
    for size, horizon, minutes in [(30, 5, 10), (120, 14, 20), (300, 21, 15)]:
        bank = _bank(size)
        plan = plan_interview(bank, horizon, minutes, MODEL, PROFILE, 0.9, 20)
        plain = plain_plan(bank, horizon, minutes, MODEL, PROFILE, 0.9, 20)
        assert plan.expected_recall > plain.expected_recall


def test_reviews_land_just_before_the_interview() -> None:
    """A bank learnt weeks ago: the plain schedule would leave most cards between reviews
    on the day; the plan refreshes them in the last days."""
    learnt = [
        PlanCard(f"c{i}", MODEL.learn(GOOD if i % 3 else EASY), last_day=-(i % 9) - 3)
        for i in range(60)
    ]
    plan = plan_interview(learnt, 10, 15, MODEL, PROFILE)
    last_review = {c: day.day for day in plan.days for c in day.reviews}
    assert sum(day >= 7 for day in last_review.values()) > 0.8 * len(learnt)
    assert plan.expected_recall > plain_plan(learnt, 10, 15, MODEL, PROFILE).expected_recall


def test_an_interview_today_has_an_empty_plan_scored_as_memory_stands() -> None:
    cards = [PlanCard("a", Memory(10.0, 5.0), last_day=-10), PlanCard("b")]
    plan = plan_interview(cards, 0, 30, MODEL, PROFILE)
    assert plan.days == ()
    assert plan.expected_recall == pytest.approx(0.9 / 2, rel=1e-3)


def test_important_cards_weigh_more_in_the_expected_recall() -> None:
    cards = [PlanCard("known", Memory(30.0, 5.0), 0, weight=3.0), PlanCard("unseen", weight=1.0)]
    plan = plan_interview(cards, 0, 30, MODEL, PROFILE)
    assert plan.expected_recall == pytest.approx(0.75)


def test_policy_descriptions_read_as_sentences() -> None:
    assert Policy(0.8, None, 3).describe() == (
        "reviews at 80% recall, as many new cards as fit; the last 3 days peak"
    )
    assert Policy(0.9, 20, 0).describe() == "reviews at 90% recall, up to 20 new cards a day"


# -- proof by simulation, small cases (the benchmark runs the full table) ---------------------
@pytest.mark.parametrize(("size", "horizon", "minutes"), [(60, 7, 10), (80, 14, 12)])
def test_interview_mode_beats_the_plain_schedule_at_equal_minutes(
    size: int, horizon: int, minutes: float
) -> None:
    """Expected recall on the day, over four runs (same missed days for every schedule),
    with interview mode never given more minutes than the plain schedule spent."""
    bank = _bank(size)
    runs = [compare_at_equal_minutes(LEARNER, bank, horizon, minutes, seed) for seed in range(4)]
    for run in runs:
        assert run.interview.minutes <= max(run.plain_fill.minutes, run.plain_limit.minutes)
    interview = sum(r.interview.expected_recall for r in runs)
    plain = sum(r.plain_fill.expected_recall for r in runs)
    limit = sum(r.plain_limit.expected_recall for r in runs)
    assert interview > max(plain, limit) + 0.04  # by over a percentage point on average


def test_the_peak_phases_fast_recall_matches_the_full_review_outcomes() -> None:
    from app.domain.interview_plan import _Forecaster

    forecaster = _Forecaster(MODEL, PROFILE)
    for s, d, elapsed, days_left in [(0.3, 8.0, 1, 1), (4.0, 5.0, 3, 6), (40.0, 2.0, 20, 14)]:
        memory = Memory(s, d)
        fast, recall = forecaster.recall_on_day_if_reviewed(memory, elapsed, days_left)
        now, outcomes = forecaster.review_outcomes(memory, elapsed)
        slow = sum(p * MODEL.retrievability(days_left, m.stability) for p, m in outcomes)
        assert fast == pytest.approx(slow, rel=1e-12) and recall == now
