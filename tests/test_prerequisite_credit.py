"""Review credit for prerequisites: the rule, and its effect on simulated learners."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.interview_plan import LearnerProfile, PlanCard
from app.domain.learner_sim import (
    SimulatedLearner,
    minutes_for_recall,
    plain_schedule,
    simulate,
    synthetic_concepts,
)
from app.domain.memory_model import DEFAULT_PARAMETERS, GOOD, Memory, MemoryModel
from app.domain.prerequisite_credit import (
    CreditRule,
    card_targets,
    credit_card,
    credited,
    credited_today,
    gives_credit,
)
from app.domain.scheduling import CardMemory, CardState

MODEL = MemoryModel()
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
DAY_START = datetime(2026, 3, 2, 4, tzinfo=UTC)
REQUIRES = {"attention": ("softmax", "linear-algebra"), "softmax": ("calculus",)}


def _in_review(days_ago: int = 6, interval: int = 8) -> CardMemory:
    last = NOW - timedelta(days=days_ago)
    return CardMemory(
        card_id="softmax-1",
        state=CardState.REVIEW,
        stability=7.0,
        difficulty=5.5,
        due=last + timedelta(days=interval),
        last_review=last,
        reps=3,
    )


def _credit(memory: CardMemory, already: bool = False, share: float = 0.2) -> CardMemory | None:
    return credit_card(memory, share, NOW, DAY_START, already, MODEL, 0.9)


# -- the rule ----------------------------------------------------------------------------------
def test_direct_prerequisites_get_the_share_and_deeper_ones_a_decayed_one() -> None:
    assert CreditRule(0.2).concept_shares(REQUIRES, "attention") == {
        "softmax": 0.2,
        "linear-algebra": 0.2,
    }
    deep = CreditRule(0.2, depth=2).concept_shares(REQUIRES, "attention")
    assert deep == {"softmax": 0.2, "linear-algebra": 0.2, "calculus": pytest.approx(0.1)}
    assert CreditRule(0.2).concept_shares(REQUIRES, "calculus") == {}


def test_every_card_of_a_prerequisite_is_a_target() -> None:
    concept_of = {"a1": "attention", "s1": "softmax", "s2": "softmax", "c1": "calculus"}
    targets = card_targets(CreditRule(0.3), REQUIRES, concept_of)
    assert targets["a1"] == (("s1", 0.3), ("s2", 0.3))
    assert targets["s1"] == (("c1", 0.3),)
    assert targets["c1"] == ()


def test_only_good_and_easy_answers_give_credit() -> None:
    assert [gives_credit(r) for r in (1, 2, 3, 4)] == [False, False, True, True]


def test_a_credit_is_a_share_of_a_good_review_and_moves_the_due_date_later() -> None:
    before = _in_review()
    after = _credit(before)
    assert after is not None
    good = MODEL.review(Memory(7.0, 5.5), 6, GOOD).stability
    assert after.stability == pytest.approx(7.0 + 0.2 * (good - 7.0))
    assert before.stability is not None and after.stability > before.stability
    assert after.due is not None and before.due is not None and after.due > before.due
    # not an answer: its last review, difficulty and counters stay
    assert (after.last_review, after.difficulty, after.reps, after.lapses, after.state) == (
        before.last_review,
        before.difficulty,
        before.reps,
        before.lapses,
        CardState.REVIEW,
    )


def test_a_credit_never_brings_a_due_date_forward() -> None:
    long_fuzzed = _in_review(interval=40)
    after = _credit(long_fuzzed)
    assert after is not None and after.due == long_fuzzed.due


@pytest.mark.parametrize(
    "memory",
    [
        CardMemory(card_id="new"),
        replace(_in_review(), state=CardState.LEARNING, step=1),
        replace(_in_review(), state=CardState.RELEARNING, step=0),
        replace(_in_review(), last_review=DAY_START + timedelta(hours=1)),  # answered today
    ],
    ids=["new", "learning", "relearning", "answered today"],
)
def test_no_credit_for_new_learning_or_cards_answered_today(memory: CardMemory) -> None:
    assert _credit(memory) is None


def test_at_most_one_credit_a_study_day() -> None:
    assert _credit(_in_review(), already=True) is None
    yesterday = DAY_START - timedelta(hours=2)
    assert not credited_today([yesterday], DAY_START)
    assert credited_today([yesterday, DAY_START + timedelta(minutes=5)], DAY_START)


def test_a_share_of_zero_is_off() -> None:
    assert _credit(_in_review(), share=0.0) is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        CreditRule(1.5)


def test_a_credit_right_after_a_review_is_worth_almost_nothing() -> None:
    fresh = credited(MODEL, Memory(7.0, 5.5), 0.1, 0.5)
    late = credited(MODEL, Memory(7.0, 5.5), 7.0, 0.5)
    assert fresh.stability - 7.0 < 0.05 * (late.stability - 7.0)


# -- minutes at equal recall -------------------------------------------------------------------
def test_minutes_for_recall_follows_the_cheapest_frontier() -> None:
    runs = [(100.0, 0.5), (200.0, 0.7), (150.0, 0.4), (300.0, 0.9)]  # (150, 0.4) is dominated
    assert minutes_for_recall(runs, 0.6) == pytest.approx(150.0)
    assert minutes_for_recall(runs, 0.3) == 100.0
    assert minutes_for_recall(runs, 0.95) is None


# -- simulated learners (fixed seeds) ----------------------------------------------------------
LEARNER = SimulatedLearner(LearnerProfile(), DEFAULT_PARAMETERS)
BANK = [PlanCard(f"c{i:03d}") for i in range(120)]
CONCEPT_OF, PREREQUISITES = synthetic_concepts([c.card_id for c in BANK], seed=1)


def _run(transfer: float, share: float, retention: float = 0.9, seed: int = 3):  # type: ignore[no-untyped-def]
    truth = card_targets(CreditRule(transfer), PREREQUISITES, CONCEPT_OF) if transfer else None
    credit = card_targets(CreditRule(share), PREREQUISITES, CONCEPT_OF) if share else None
    schedule = plain_schedule(MODEL, retention, 20)
    return simulate(schedule, LEARNER, BANK, 28, 40, seed, truth, credit)


def test_the_synthetic_graph_is_shaped_like_the_bank() -> None:
    assert len(set(CONCEPT_OF.values())) == 30
    assert all(1 <= len(needed) <= 2 for needed in PREREQUISITES.values())
    assert all(needed < concept for concept, needed_all in PREREQUISITES.items()
               for needed in needed_all)  # fmt: skip


def test_without_transfer_or_credit_the_schedule_sees_the_truth() -> None:
    assert _run(0.0, 0.0) == simulate(plain_schedule(MODEL, 0.9, 20), LEARNER, BANK, 28, 40, 3)


def test_real_transfer_raises_recall_on_the_day() -> None:
    assert _run(0.4, 0.0).expected_recall > _run(0.0, 0.0).expected_recall


def test_credit_saves_reviews_but_without_transfer_it_costs_recall() -> None:
    off, on = _run(0.0, 0.0), _run(0.0, 0.2)
    assert on.reviews < off.reviews
    assert on.minutes < off.minutes
    assert on.expected_recall < off.expected_recall - 0.02


def test_with_strong_transfer_credit_keeps_recall_for_fewer_minutes() -> None:
    off, on = _run(0.4, 0.0), _run(0.4, 0.2)
    assert on.minutes < off.minutes
    assert on.expected_recall > off.expected_recall - 0.01
