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

The learner's true memory and what the schedule sees can differ: answering a concept may
really refresh its prerequisites (the *transfer*, which no review log shows), and the
schedule may credit them (`prerequisite_credit.py`) or not. Without either they are equal.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
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
from app.domain.prerequisite_credit import credited

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


Targets = Mapping[str, tuple[tuple[str, float], ...]]  # card -> (prerequisite card, share)


@dataclass(slots=True)
class _Card:
    card_id: str
    weight: float
    memory: Memory | None = None  # the learner's true memory
    last: int = 0
    believed: Memory | None = None  # what the schedule knows: answers seen, credits given
    transferred: int = -1  # the last day a review of a dependent refreshed the true memory
    credited: int = -1  # the last day the schedule credited it


def simulate(
    schedule: Schedule,
    learner: SimulatedLearner,
    bank: Sequence[PlanCard],
    horizon: int,
    minutes: float,
    seed: int,
    transfer: Targets | None = None,
    credit: Targets | None = None,
) -> SimulationResult:
    """Run `schedule` for `horizon` days at up to `minutes` a day; score the interview day.

    `transfer` is the truth about prerequisites: a Good or Easy answer to a card really
    refreshes each listed card's memory by its share of a Good review (at most once a day,
    only cards learnt before today). `credit` is what the schedule believes, by the same
    rule (`prerequisite_credit.py`). The schedule sees only its belief: the memories its
    answers give, with its credits; with neither, belief and truth are the same.
    """
    model = MemoryModel(learner.parameters)
    profile = learner.profile
    days_rng = random.Random(f"days:{seed}")
    answers = random.Random(f"answers:{seed}")
    cards = {
        c.card_id: _Card(c.card_id, c.weight, c.memory, int(c.last_day), c.memory) for c in bank
    }
    spent: list[float] = []
    learnt = reviews = 0
    for day in range(horizon):
        if days_rng.random() < learner.miss_day_probability:
            spent.append(0.0)
            continue
        view = [
            PlanCard(c.card_id, c.believed, float(c.last - day), c.weight) for c in cards.values()
        ]
        left = minutes * 60
        for card_id in schedule(view, day, horizon - day):
            if left <= 0:
                break
            card = cards[card_id]
            if card.memory is None:
                grade = _draw(answers, (AGAIN, HARD, GOOD, EASY), profile.first_grades)
                card.memory = card.believed = model.learn(grade)
                left -= _seconds(answers, profile.new_card)
                learnt += 1
                good = True  # the learning steps end with Good
            elif card.last < day:
                assert card.believed is not None
                elapsed = day - card.last
                if answers.random() < model.retrievability(elapsed, card.memory.stability):
                    grade = _draw(answers, (HARD, GOOD, EASY), profile.recall_grades)
                    card.memory = model.review(card.memory, elapsed, grade)
                    card.believed = model.review(card.believed, elapsed, grade)
                    left -= _seconds(answers, profile.recalled)
                    good = grade >= GOOD
                else:
                    card.memory = model.relearn(card.memory, elapsed)
                    card.believed = model.relearn(card.believed, elapsed)
                    left -= _seconds(answers, profile.forgotten)
                    good = True  # the relearning step ends with Good
                reviews += 1
            else:
                continue  # already studied today
            card.last = day
            if good:
                _refresh_prerequisites(model, cards, card_id, day, transfer, credit)
        spent.append((minutes * 60 - left) / 60)
    total = weights = 0.0
    for card in cards.values():
        if card.memory is not None:
            total += card.weight * model.retrievability(horizon - card.last, card.memory.stability)
        weights += card.weight
    return SimulationResult(total / weights if weights else 0.0, tuple(spent), learnt, reviews)


def _refresh_prerequisites(
    model: MemoryModel,
    cards: dict[str, _Card],
    card_id: str,
    day: int,
    transfer: Targets | None,
    credit: Targets | None,
) -> None:
    """A good answer's effect on the prerequisites: the true one and the credited one."""
    for target_id, share in transfer.get(card_id, ()) if transfer else ():
        target = cards[target_id]
        if target.memory is not None and target.last < day and target.transferred < day:
            target.memory = credited(model, target.memory, day - target.last, share)
            target.transferred = day
    for target_id, share in credit.get(card_id, ()) if credit else ():
        target = cards[target_id]
        if target.believed is not None and target.last < day and target.credited < day:
            target.believed = credited(model, target.believed, day - target.last, share)
            target.credited = day


def _draw(rng: random.Random, values: Sequence[int], odds: Sequence[float]) -> int:
    return rng.choices(values, weights=odds)[0]


def _seconds(rng: random.Random, mean: float) -> float:
    return mean * math.exp(rng.gauss(-(TIME_SPREAD**2) / 2, TIME_SPREAD))


def synthetic_concepts(
    card_ids: Sequence[str], seed: int, cards_per_concept: int = 4, requires_mean: float = 1.5
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """A concept graph over cards in study order, shaped like the bundled bank (about 3.6
    cards and 1.45 prerequisites per concept): consecutive cards share a concept, and each
    concept but the first requires one or two earlier ones, mostly recent. Returns the
    concept of each card and the prerequisites of each concept."""
    rng = random.Random(f"concepts:{seed}")
    concept_of = {card_id: f"c{i // cards_per_concept:04d}" for i, card_id in enumerate(card_ids)}
    concepts = sorted(set(concept_of.values()))
    requires: dict[str, tuple[str, ...]] = {}
    two = requires_mean - 1  # share of concepts that need two
    for i, concept in enumerate(concepts):
        if i == 0:
            continue
        wanted = min(i, 2 if rng.random() < two else 1)
        earlier = concepts[max(0, i - 12) : i]
        requires[concept] = tuple(sorted(rng.sample(earlier, min(wanted, len(earlier)))))
    return concept_of, requires


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


# -- minutes at equal recall -----------------------------------------------------------------
def minutes_for_recall(points: Sequence[tuple[float, float]], recall: float) -> float | None:
    """The fewest minutes that reach `recall`, from (minutes, recall) runs of one schedule
    under different settings: along the cheapest-first frontier (each point beats every
    cheaper one), interpolated linearly between neighbours. None when no run reached it;
    the cheapest run's minutes when every run did (a bound: fewer might still do)."""
    frontier: list[tuple[float, float]] = []
    for point in sorted(points):
        if not frontier or point[1] > frontier[-1][1]:
            frontier.append(point)
    if not frontier or recall > frontier[-1][1]:
        return None
    if recall <= frontier[0][1]:
        return frontier[0][0]
    for (m0, r0), (m1, r1) in zip(frontier, frontier[1:], strict=False):
        if r0 < recall <= r1:
            return m0 + (m1 - m0) * (recall - r0) / (r1 - r0)
    raise AssertionError("unreachable: the frontier covers the recall")


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
