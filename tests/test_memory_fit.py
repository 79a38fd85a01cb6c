"""Personal FSRS parameters: when a fit is offered, that it beats the defaults for a learner
whose memory differs from them, and `lattice optimize` / `lattice plan` end to end."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.clock import FakeClock
from app.domain.interview_plan import LearnerProfile
from app.domain.learner_sim import SimulatedLearner, review_histories
from app.domain.memory_fit import MIN_REVIEWS, NotEnoughReviews, fit, held_out, long_term_reviews
from app.domain.memory_model import AGAIN, DEFAULT_PARAMETERS, GOOD, Memory, MemoryModel
from app.domain.scheduling import Grade
from app.domain.stats import ReviewEvent, study_date
from app.services.context import open_context
from app.services.memory_service import MemoryService, profile_from
from app.services.review_service import ReviewService
from tests.test_cli import run_app

START = date(2026, 1, 5)
# A learner who forgets much faster than FSRS's defaults assume.
FORGETFUL = tuple(
    p * {0: 0.4, 1: 0.4, 2: 0.4, 3: 0.4, 8: 0.7, 11: 0.6, 20: 2.0}.get(i, 1.0)
    for i, p in enumerate(DEFAULT_PARAMETERS)
)


def _dated(log: dict[str, list[tuple[int, int]]]) -> dict[str, list[tuple[date, int]]]:
    return {c: [(START + timedelta(days=d), r) for d, r in h] for c, h in log.items()}


def test_too_few_reviews_are_refused_with_the_count() -> None:
    learner = SimulatedLearner(LearnerProfile(), FORGETFUL)
    histories = _dated(review_histories(learner, 30, 20, seed=1, new_per_day=3))
    n = long_term_reviews(histories)
    assert 0 < n < MIN_REVIEWS
    with pytest.raises(NotEnoughReviews) as refused:
        fit(histories, DEFAULT_PARAMETERS)
    assert str(refused.value).startswith(f"not enough reviews ({n} of {MIN_REVIEWS})")


def test_learning_steps_do_not_count_as_long_term_reviews() -> None:
    same_day = {"a": [(START, 1), (START, 3), (START, 3)]}
    assert long_term_reviews(same_day) == 0
    assert long_term_reviews({"a": [(START, 3), (START + timedelta(days=2), 3)]}) == 1


def test_the_held_out_cards_are_a_fixed_fifth() -> None:
    ids = [f"card-{i}" for i in range(2000)]
    share = sum(map(held_out, ids)) / len(ids)
    assert 0.17 < share < 0.23
    assert [held_out(i) for i in ids] == [held_out(i) for i in ids]


def test_fitted_parameters_predict_a_forgetful_learners_held_out_reviews_better() -> None:
    learner = SimulatedLearner(LearnerProfile(), FORGETFUL, miss_day_probability=0.1)
    histories = _dated(review_histories(learner, 400, 120, seed=3))
    steps: list[tuple[int, int, str]] = []
    result = fit(histories, DEFAULT_PARAMETERS, lambda *step: steps.append(step))
    assert result.reviews >= 2000
    assert len(result.parameters) == 21
    assert result.better
    assert result.log_loss_after < result.log_loss_before - 0.005
    assert result.rmse_after < result.rmse_before
    assert [s[0] for s in steps] == [1, 2, 3, 4] and steps[-1][1] == 4


# -- end to end, on a real review log ---------------------------------------------------------
def _study(data: Path, days: int, seed: int) -> None:
    """Study the bundled bank for `days` days with ReviewService, answering as a forgetful
    learner would: the real log, written the way the app writes it."""
    clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    truth = MemoryModel(FORGETFUL)
    rng = random.Random(seed)
    memory: dict[str, tuple[Memory, date]] = {}
    ctx = open_context(data, clock=clock)
    try:
        for day in range(days):
            today = START + timedelta(days=day)
            service = ReviewService(ctx.bank, ctx.db_path, clock, ctx.settings)
            while (due := service.next_card()) is not None:
                card_id = due.card.id
                known = memory.get(card_id)
                if known is None:
                    grade, after = GOOD, truth.learn(GOOD)
                elif known[1] == today:
                    grade, after = GOOD, known[0]
                else:
                    elapsed = (today - known[1]).days
                    recalled = rng.random() < truth.retrievability(elapsed, known[0].stability)
                    grade = GOOD if recalled else AGAIN
                    after = (
                        truth.review(known[0], elapsed, GOOD)
                        if recalled
                        else truth.relearn(known[0], elapsed)
                    )
                memory[card_id] = (after, today)
                clock.advance(seconds=30)
                service.answer(due, Grade(grade))
            service.close()
            clock.set(datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(days=day + 1))
    finally:
        ctx.close()


def test_optimize_and_plan_on_a_real_review_log(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty = run_app("optimize", "--json", data=data)
    assert empty.returncode == 0, empty.stderr
    assert json.loads(empty.stdout)["message"].startswith(
        f"not enough reviews (0 of {MIN_REVIEWS})"
    )

    _study(data, 45, seed=5)
    result = run_app("optimize", "--apply", "--json", data=data)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "reviews",
        "parameters",
        "log_loss_before",
        "log_loss_after",
        "rmse_before",
        "rmse_after",
        "applied",
    }
    assert report["reviews"] >= MIN_REVIEWS
    assert report["applied"] == (report["log_loss_after"] < report["log_loss_before"])
    ctx = open_context(data)
    try:
        service = MemoryService(ctx)
        if report["applied"]:
            assert ctx.settings.fsrs_parameters == pytest.approx(report["parameters"])
            service.revert()
            assert open_context(data).settings.fsrs_parameters == ()
    finally:
        ctx.close()

    # The study day, not the calendar date: between midnight and the 4 am rollover it is
    # still yesterday's (as in Anki), and the plan counts its days from there.
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    today = study_date(datetime.now(UTC), local)
    interview = (today + timedelta(days=10)).isoformat()
    planned = run_app("plan", "--interview", interview, "--minutes", "20", "--json", data=data)
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert plan["today"] == today.isoformat()
    assert plan["days_left"] == len(plan["days"]) == 10
    assert plan["expected_recall"] > plan["plain_expected_recall"] > 0
    assert all(day["minutes"] <= 20 for day in plan["days"])
    assert sum(day["reviews"] for day in plan["days"]) > 0


def test_plan_refuses_a_date_that_has_passed_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    past = run_app("plan", "--interview", "2020-01-01", "--json", data=data)
    assert past.returncode == 2
    assert "is not after today" in past.stderr and past.stdout == ""
    bad = run_app("plan", "--interview", "next week", data=data)
    assert bad.returncode == 2 and "must be a date like" in bad.stderr
    minutes = run_app("plan", "--interview", "2099-01-01", "--minutes", "0", data=data)
    far = run_app("plan", "--interview", "2099-01-01", data=data)
    assert far.returncode == 2 and "more than 365 days away" in far.stderr
    assert minutes.returncode == 2 and "between 1 and 600" in minutes.stderr
    stats = json.loads(run_app("stats", "--json", data=data).stdout)
    assert stats["reviews_total"] == 0


def test_the_learners_own_answer_times_and_odds_replace_the_defaults() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    events = [ReviewEvent(at, 3, 40_000, 0) for _ in range(30)]  # first answers: 40 s
    events += [ReviewEvent(at, 3, 20_000, 1) for _ in range(30)]  # one step each: 20 s
    events += [ReviewEvent(at, 3, 10_000, 2) for _ in range(24)]  # recalled: 10 s
    events += [ReviewEvent(at, 4, 10_000, 2) for _ in range(6)]
    events += [ReviewEvent(at, 1, 30_000, 2) for _ in range(5)]  # too few lapses to tell
    profile = profile_from(events)
    assert profile.new_card == pytest.approx(60)
    assert profile.first_grades == (0, 0, 1, 0)
    assert profile.recalled == pytest.approx(10)
    assert profile.recall_grades == pytest.approx((0, 0.8, 0.2))
    assert profile.forgotten == LearnerProfile().forgotten


def test_new_parameters_reschedule_every_review_card_from_its_own_history(tmp_path: Path) -> None:
    from dataclasses import replace

    from app.domain.changes import Changes
    from app.domain.scheduling import CardState
    from app.services.application import Application

    data = tmp_path / "data"
    _study(data, 20, seed=7)
    ctx = open_context(data, clock=FakeClock(datetime(2026, 1, 26, 9, tzinfo=UTC)))
    try:
        app = Application(ctx)
        before = ctx.store.memories()
        reviews = ctx.store.review_count()
        slower = list(DEFAULT_PARAMETERS)
        slower[:4] = [w / 2 for w in slower[:4]]  # a learner who forgets faster at first
        slower[20] = 0.3  # and whose forgetting curve falls more steeply
        settings = replace(ctx.settings, fsrs_parameters=tuple(slower))
        changes = app.save_settings(settings)
        assert Changes.PROGRESS in changes
        after = ctx.store.memories()
        histories = MemoryService(ctx).histories()
        model = MemoryModel(slower)
        rescheduled = [c for c, m in before.items() if m.state is CardState.REVIEW]
        assert rescheduled
        for card_id in rescheduled:
            expected = model.replay(histories[card_id])
            assert after[card_id].stability == pytest.approx(expected.stability, rel=1e-6)
            days = max(1, round(model.interval(expected.stability, settings.desired_retention)))
            assert after[card_id].due == before[card_id].last_review + timedelta(days=days)
            assert after[card_id].reps == before[card_id].reps
        assert all(after[c] == m for c, m in before.items() if m.state is not CardState.REVIEW)
        assert ctx.store.review_count() == reviews  # no grade is lost or added
        # Every screen predicts recall with the parameters in use, as Review schedules with.
        from app.domain.scheduling import Scheduler

        own = Scheduler(settings.scheduler_settings())
        row = next(r for r in app.browse.rows() if r.card.id == rescheduled[0])
        now = ctx.clock.now()
        assert row.retrievability == pytest.approx(own.retrievability(after[row.card.id], now))
        assert row.retrievability != pytest.approx(
            Scheduler().retrievability(after[row.card.id], now)
        )
        # Reverting reschedules back with the defaults.
        app.save_settings(replace(settings, fsrs_parameters=()))
        back = ctx.store.memories()
        defaults = MemoryModel(DEFAULT_PARAMETERS)
        card = rescheduled[0]
        assert back[card].stability == pytest.approx(defaults.replay(histories[card]).stability)
    finally:
        ctx.close()
