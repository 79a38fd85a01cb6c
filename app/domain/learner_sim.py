"""Simulated learners, to prove a schedule before a real learner trusts it.

A learner here has an FSRS memory with known parameters: each answer is drawn (recalled with
the probability FSRS predicts, then a grade from the learner's odds), each answer takes a
random time around the learner's means, and whole days are missed at random. Everything is
drawn from seeded generators, so a run is repeatable; the missed days and the answers come
from separate generators, so two schedules run with the same seed face the same missed days.

A schedule is a function from today's cards (as `PlanCard`s) to the ids to study today, in
order; the learner studies them until the day's minutes are spent. The score is the
importance-weighted expected recall of the bank on the interview morning, from the learner's
true memory (a card never learnt counts 0).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from app.domain.interview_plan import LearnerProfile, PlanCard, plan_interview
from app.domain.memory_model import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    LEARNING_STEPS_AFTER,
    Memory,
    MemoryModel,
)

Schedule = Callable[[list[PlanCard], int, int], list[str]]  # (cards, day, days left) -> ids
TIME_SPREAD = 0.35  # log-normal spread of answer times around the mean


@dataclass(frozen=True)
class SimulatedLearner:
    profile: LearnerProfile
    parameters: Sequence[float]
    miss_day_probability: float = 0.1


@dataclass(frozen=True)
class SimulationResult:
    expected_recall: float
    minutes_per_day: tuple[float, ...]
    learnt: int
    reviews: int

    @property
    def minutes(self) -> float:
        return sum(self.minutes_per_day)


@dataclass(slots=True)
class _Card:
    card_id: str
    weight: float
    memory: Memory | None = None
    last: int = 0


def simulate(
    schedule: Schedule,
    learner: SimulatedLearner,
    bank: Sequence[PlanCard],
    horizon: int,
    minutes: float,
    seed: int,
) -> SimulationResult:
    """Run `schedule` for `horizon` days at up to `minutes` a day; score the interview day."""
    model = MemoryModel(learner.parameters)
    profile = learner.profile
    days_rng = random.Random(f"days:{seed}")
    answers = random.Random(f"answers:{seed}")
    cards = {c.card_id: _Card(c.card_id, c.weight, c.memory, int(c.last_day)) for c in bank}
    spent: list[float] = []
    learnt = reviews = 0
    for day in range(horizon):
        if days_rng.random() < learner.miss_day_probability:
            spent.append(0.0)
            continue
        view = [
            PlanCard(c.card_id, c.memory, float(c.last - day), c.weight) for c in cards.values()
        ]
        left = minutes * 60
        for card_id in schedule(view, day, horizon - day):
            if left <= 0:
                break
            card = cards[card_id]
            if card.memory is None:
                grade = _draw(answers, (AGAIN, HARD, GOOD, EASY), profile.first_grades)
                card.memory = model.learn(grade)
                left -= _seconds(answers, profile.new_card)
                learnt += 1
            elif card.last < day:
                elapsed = day - card.last
                if answers.random() < model.retrievability(elapsed, card.memory.stability):
                    grade = _draw(answers, (HARD, GOOD, EASY), profile.recall_grades)
                    card.memory = model.review(card.memory, elapsed, grade)
                    left -= _seconds(answers, profile.recalled)
                else:
                    card.memory = model.relearn(card.memory, elapsed)
                    left -= _seconds(answers, profile.forgotten)
                reviews += 1
            else:
                continue  # already studied today
            card.last = day
        spent.append((minutes * 60 - left) / 60)
    total = weights = 0.0
    for card in cards.values():
        if card.memory is not None:
            total += card.weight * model.retrievability(horizon - card.last, card.memory.stability)
        weights += card.weight
    return SimulationResult(total / weights if weights else 0.0, tuple(spent), learnt, reviews)


def _draw(rng: random.Random, values: Sequence[int], odds: Sequence[float]) -> int:
    return rng.choices(values, weights=odds)[0]


def _seconds(rng: random.Random, mean: float) -> float:
    return mean * math.exp(rng.gauss(-(TIME_SPREAD**2) / 2, TIME_SPREAD))


# -- the two schedules compared --------------------------------------------------------------
def plain_schedule(
    model: MemoryModel, retention: float = 0.9, new_per_day: int | None = None
) -> Schedule:
    """Anki's daily routine: reviews due at `retention` (most overdue first), then new cards
    in order up to the daily limit (None: until the minutes run out)."""

    def today(cards: list[PlanCard], _day: int, _days_left: int) -> list[str]:
        due = []
        for card in cards:
            if card.memory is not None:
                interval = max(1.0, round(model.interval(card.memory.stability, retention)))
                if card.last_day + interval <= 0:
                    due.append((card.last_day + interval, card.card_id))
        due.sort()
        new = [c.card_id for c in cards if c.memory is None]
        if new_per_day is not None:
            new = new[:new_per_day]
        return [card_id for _d, card_id in due] + new

    return today


def interview_schedule(
    model: MemoryModel,
    profile: LearnerProfile,
    minutes: float,
    retention: float = 0.9,
    new_per_day: int | None = None,
) -> Schedule:
    """Interview mode re-planned every day from the learner's memory as it really is."""

    def today(cards: list[PlanCard], _day: int, days_left: int) -> list[str]:
        plan = plan_interview(cards, days_left, minutes, model, profile, retention, new_per_day)
        first = plan.today
        if first is None:
            return []
        # Answers run longer or shorter than expected: time left over goes to the next new
        # cards in line, as in the plain schedule.
        planned = {*first.reviews, *first.new}
        extra = [c.card_id for c in cards if c.memory is None and c.card_id not in planned]
        return [*first.reviews, *first.new, *extra]

    return today


# -- review logs, for fitting parameters -------------------------------------------------------
def review_histories(
    learner: SimulatedLearner,
    cards: int,
    days: int,
    seed: int,
    scheduled_by: MemoryModel | None = None,
    new_per_day: int = 10,
) -> dict[str, list[tuple[int, int]]]:
    """The review log a learner would leave after `days` of the plain schedule (scheduled
    with `scheduled_by`, default FSRS's defaults, as a new user's app would): per card, its
    (day, rating) answers, learning steps included, oldest first."""
    truth = MemoryModel(learner.parameters)
    planner = scheduled_by or MemoryModel()
    rng = random.Random(f"log:{seed}")
    log: dict[str, list[tuple[int, int]]] = {}
    known: dict[str, tuple[Memory, Memory, int]] = {}  # true memory, scheduler's memory, last
    unseen = [f"card-{i:05d}" for i in range(cards)]
    for day in range(days):
        if rng.random() < learner.miss_day_probability:
            continue
        for card_id, (true, believed, last) in list(known.items()):
            elapsed = day - last
            if last + max(1.0, round(planner.interval(believed.stability, 0.9))) > day:
                continue
            recalled = rng.random() < truth.retrievability(elapsed, true.stability)
            if recalled:
                grade = _draw(rng, (HARD, GOOD, EASY), learner.profile.recall_grades)
                true = truth.review(true, elapsed, grade)
                believed = planner.review(believed, elapsed, grade)
                log[card_id].append((day, grade))
            else:
                true, believed = truth.relearn(true, elapsed), planner.relearn(believed, elapsed)
                log[card_id] += [(day, AGAIN), (day, GOOD)]
            known[card_id] = (true, believed, day)
        for card_id in unseen[:new_per_day]:
            first = _draw(rng, (AGAIN, HARD, GOOD, EASY), learner.profile.first_grades)
            steps = LEARNING_STEPS_AFTER[first]
            log[card_id] = [(day, first)] + [(day, GOOD)] * steps
            known[card_id] = (truth.learn(first), planner.learn(first), day)
        del unseen[:new_per_day]
    return log


@dataclass(frozen=True)
class Comparison:
    plain_limit: SimulationResult  # reviews at the desired retention, new cards up to a limit
    plain_fill: SimulationResult  # the same with as many new cards as the minutes allow
    interview: SimulationResult


def compare_at_equal_minutes(
    learner: SimulatedLearner,
    bank: Sequence[PlanCard],
    horizon: int,
    minutes: float,
    seed: int,
    new_per_day: int = 20,
    retention: float = 0.9,
) -> Comparison:
    """Both plain schedules at `minutes` a day, then interview mode at no more minutes in
    all than the fuller of them really spent (same learner, same seed, same missed days).

    A plain schedule can run out of work (a small bank all learnt) and then spends less than
    its budget; interview mode always has a useful review left. So its daily budget starts
    at the plain schedule's real minutes per study day and comes down 2 % at a time until
    its total is no more than the plain schedule's.
    """
    model = MemoryModel(learner.parameters)
    # The planner knows how often this learner misses a day, as the app learns from the log.
    profile = replace(learner.profile, attendance=1 - learner.miss_day_probability)
    plain_limit = simulate(
        plain_schedule(model, retention, new_per_day), learner, bank, horizon, minutes, seed
    )
    plain_fill = simulate(
        plain_schedule(model, retention, None), learner, bank, horizon, minutes, seed
    )
    target = max(plain_limit.minutes, plain_fill.minutes)
    studied = sum(1 for m in plain_fill.minutes_per_day if m > 0) or 1
    start = min(minutes, target / studied)
    for step in range(20):  # 2 % less each time: the first run within the target is kept
        budget = start * (1 - 0.02 * step)
        interview = simulate(
            interview_schedule(model, profile, budget, retention, new_per_day),
            learner,
            bank,
            horizon,
            budget,
            seed,
        )
        if interview.minutes <= target:
            break
    return Comparison(plain_limit, plain_fill, interview)
