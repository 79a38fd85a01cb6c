"""Review credit for prerequisites: the rule, and its effect on simulated learners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
from app.domain.progress_events import EventKind
from app.domain.scheduling import CardMemory, CardState, Grade
from app.services.review_service import DueCard, ReviewService
from app.storage.review_log import ProgressLog
from tests.test_review_log import assert_progress_is_the_replay, fresh_log, grade

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


# -- in the review log: explainable, at most once a day, undone with its grade -----------------
def _log_with_history(tmp_path: Path) -> tuple[ProgressLog, datetime]:
    """Cards a (requires b) and b, c; b learnt a week ago and reviewed since."""
    log = fresh_log(tmp_path / "lattice.sqlite3")
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for card_id in ("a", "b", "c"):
        grade(log, card_id, Grade.GOOD, start)
        grade(log, card_id, Grade.GOOD, start + timedelta(minutes=11))
    for card_id in ("a", "b"):
        grade(log, card_id, Grade.GOOD, start + timedelta(days=3))
    return log, start + timedelta(days=9)


def _credit_rule(now: datetime) -> Callable[[CardMemory, bool], CardMemory | None]:
    day_start = now.replace(hour=4)
    return lambda memory, already: credit_card(memory, 0.2, now, day_start, already, MODEL, 0.9)


def _grade_with_credit(
    log: ProgressLog, now: datetime, targets=("b", "c")
) -> tuple[int, list[CardMemory]]:  # type: ignore[no-untyped-def]
    with log.transaction():
        event_id = grade(log, "a", Grade.GOOD, now)
        credited = log.record_credits(
            "a", list(targets), _credit_rule(now), now, now.replace(hour=4)
        )
    return event_id, credited


def test_a_credit_is_an_event_that_names_its_source_and_replays_exactly(tmp_path: Path) -> None:
    log, now = _log_with_history(tmp_path)
    before = log.progress("b")
    _event_id, credited = _grade_with_credit(log, now)
    assert [m.card_id for m in credited] == ["b", "c"]
    after = log.progress("b")
    assert after.memory.stability > before.memory.stability
    assert after.memory.due > before.memory.due
    assert (after.memory.last_review, after.memory.reps) == (
        before.memory.last_review,
        before.memory.reps,
    )
    assert log.credits("b") == [(log.events("b")[-1].at, "a")]
    assert log.events("b")[-1].kind is EventKind.CREDIT
    assert [r.rating for r in log.reviews("b")] == [3, 3, 3]  # a credit is not a review
    assert_progress_is_the_replay(log)


def test_a_card_is_credited_at_most_once_a_study_day(tmp_path: Path) -> None:
    log, now = _log_with_history(tmp_path)
    _grade_with_credit(log, now)
    once = log.progress("b")
    _, again = _grade_with_credit(log, now + timedelta(hours=2))
    assert again == [] and log.progress("b") == once
    _, next_day = _grade_with_credit(log, now + timedelta(days=1))
    assert [m.card_id for m in next_day] == ["b", "c"]
    assert len(log.credits("b")) == 2


def test_no_credit_for_a_new_or_learning_card(tmp_path: Path) -> None:
    log, now = _log_with_history(tmp_path)
    log.reset(["c"], now - timedelta(hours=1))
    grade(log, "b", Grade.AGAIN, now - timedelta(minutes=30))  # b relearning
    _, credited = _grade_with_credit(log, now)
    assert credited == []
    assert log.credits("b") == log.credits("c") == []


def test_undoing_the_grade_takes_back_its_credits_exactly(tmp_path: Path) -> None:
    log, now = _log_with_history(tmp_path)
    before = log.all_progress()
    events_before = {c: log.events(c) for c in ("a", "b", "c")}
    event_id, _ = _grade_with_credit(log, now)
    log.undo(event_id)
    assert log.all_progress() == before
    assert {c: log.events(c) for c in ("a", "b", "c")} == events_before


def test_undo_leaves_an_earlier_grades_credits_alone(tmp_path: Path) -> None:
    log, now = _log_with_history(tmp_path)
    _grade_with_credit(log, now, targets=("b",))
    credited = log.progress("b")
    later = grade(log, "c", Grade.GOOD, now + timedelta(minutes=5))
    log.undo(later)
    assert log.progress("b") == credited


# -- in Review, with the setting on ------------------------------------------------------------
def _learn_everything(ctx, settings) -> None:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, settings)
    while (due := service.next_card()) is not None:
        ctx.clock.advance(seconds=30)
        service.answer(due, Grade.GOOD)
    service.close()


def _review_beta_when_all_are_due(ctx, credit: bool):  # type: ignore[no-untyped-def]
    settings = replace(ctx.settings, prerequisite_credit=credit)
    _learn_everything(ctx, settings)
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, settings)
    dues = [service.ledger.memory(c).due for c in ctx.bank.cards]
    ctx.clock.advance(seconds=(max(dues) - ctx.clock.now()).total_seconds() + 3600)  # all due
    before = {c: service.ledger.memory(c) for c in ("alpha-what", "alpha-why", "gamma-what")}
    # beta's card, answered from today's queue whatever its place in it
    due = DueCard(ctx.bank.cards["beta-what"], service.ledger.memory("beta-what"))
    in_line = service.counts().review
    service.answer(due, Grade.GOOD)
    return service, before, in_line


def test_with_credit_on_a_good_answer_refreshes_the_prerequisites_cards(ctx) -> None:  # type: ignore[no-untyped-def]
    service, before, in_line = _review_beta_when_all_are_due(ctx, credit=True)
    for card_id in ("alpha-what", "alpha-why"):  # beta requires alpha
        after = service.ledger.memory(card_id)
        assert after.stability > before[card_id].stability
        assert after.due > before[card_id].due
        assert service.ledger.log.credits(card_id)[0][1] == "beta-what"
    assert service.ledger.memory("gamma-what") == before["gamma-what"]  # gamma needs beta
    # alpha's cards are no longer due today: they left today's queue at once
    assert in_line == 4 and service.counts().review == 1
    service.close()


def test_undo_in_review_takes_back_the_grade_and_its_credits(ctx) -> None:  # type: ignore[no-untyped-def]
    service, before, in_line = _review_beta_when_all_are_due(ctx, credit=True)
    service.undo()
    for card_id in ("alpha-what", "alpha-why"):
        assert service.ledger.memory(card_id) == before[card_id]
        assert service.ledger.log.credits(card_id) == []
    service.close()


def test_credit_is_off_by_default(ctx) -> None:  # type: ignore[no-untyped-def]
    assert ctx.settings.prerequisite_credit is False
    service, before, in_line = _review_beta_when_all_are_due(ctx, credit=False)
    for card_id in ("alpha-what", "alpha-why"):
        assert service.ledger.memory(card_id) == before[card_id]
    service.close()


def test_the_settings_dialog_turns_credit_on_and_it_persists(
    qtbot, window, ctx, data_dir, content_root, clock
) -> None:  # type: ignore[no-untyped-def]
    from app.services.context import open_context
    from app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx.settings, window)
    qtbot.addWidget(dialog)
    assert not dialog.prerequisite_credit.isChecked()
    assert "only if answering a concept really exercises its" in (
        dialog.prerequisite_credit.toolTip()
    )
    dialog.prerequisite_credit.setChecked(True)
    window.apply_settings(dialog.settings())
    assert window.review.service.settings.prerequisite_credit
    reopened = open_context(data_dir, content=content_root, clock=clock)
    assert reopened.settings.prerequisite_credit


def test_the_logs_credit_kind_is_the_domains() -> None:
    from app.storage import review_log

    assert review_log.CREDIT == EventKind.CREDIT
