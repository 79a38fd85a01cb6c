"""Interview mode: plan each day's new cards and reviews so the bank peaks on the interview day.

The goal is the expected recall of the bank on the interview morning: the mean, weighted by
each card's importance, of the recall FSRS predicts for it then (a card never learnt counts
0). Reviewing at a fixed retention (Anki, and the plain schedule here) optimises a different
goal, recall on every day at the least cost, and with a date it wastes effort: a card whose
next review would fall after the interview is never refreshed for it, and new cards keep
arriving on the last days although reviews would then buy more recall per minute.

Design: a small policy family, chosen by evaluating each candidate over the whole horizon.

- *Build phase* (every day but the last `peak_days`): reviews fall due when predicted recall
  drops to `retention` (only those due before the peak phase; later ones are left to it),
  most overdue first; then at most `new_per_day` new cards (None: as many as the minutes
  allow) in the given order (prerequisites first, then importance and weakness).
- *Peak phase* (the last `peak_days` days): greedy marginal gain per second. Every card
  learnt so far is a candidate review, worth importance x (expected recall on the day if
  reviewed today - recall on the day if not); every unseen card is a candidate, worth
  importance x its expected recall on the day if learnt today. The day's minutes go to the
  best gain per second first. So the last review of each card lands close to the date, and
  new cards are still learnt when they buy more than a review.

`plan_interview` scores candidates with a deterministic mean-field forward run (each review
moves a card to the probability-weighted mix of its recalled and forgotten outcomes; costs
are expected seconds; what is planned for a future day happens only with the learner's
attendance, the share of days studied, so a plan does not stake everything on one day)
and searches the family coordinate-wise: the peak length, the new-card
cap, the build retention, then the peak length again. The plain daily-limit schedule is one
member of the family (the desired retention, the daily new-card limit, no peak), so in the
model the plan is never worse than it; the simulator (`learner_sim.py`) checks that it is
better for learners whose answers are drawn at random. Re-planning every day from what
really happened (missed days, forgotten cards) is the caller's loop: day 0 of the plan is
today.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.domain.memory_model import AGAIN, EASY, GOOD, HARD, STABILITY_MIN, Memory, MemoryModel

PEAK_DAYS_TRIED = (0, 1, 2, 3, 5, 7, 10, 14, 21, 28)
RETENTIONS_TRIED = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
NEW_SHARES_TRIED = (0.25, 0.5, 0.75)  # new-card caps, as a share of a day's minutes


@dataclass(frozen=True)
class LearnerProfile:
    """How a learner answers: mean seconds and the odds of each grade.

    `new_card` covers a new card's first answer and its learning steps; `forgotten` a lapse
    and its relearning step. Defaults suit Lattice's long answers; the app measures the
    learner's own from the review log.
    """

    new_card: float = 90.0
    recalled: float = 20.0
    forgotten: float = 45.0
    first_grades: tuple[float, float, float, float] = (0.15, 0.10, 0.60, 0.15)
    recall_grades: tuple[float, float, float] = (0.10, 0.80, 0.10)  # Hard, Good, Easy
    attendance: float = 1.0  # share of days the learner studies at all

    def review_seconds(self, recall: float) -> float:
        return recall * self.recalled + (1 - recall) * self.forgotten


@dataclass(frozen=True, slots=True)
class PlanCard:
    """One card as the planner sees it today. `last_day` is the day of its last review
    relative to today (0 today, -3 three days ago); `memory` is None for an unseen card."""

    card_id: str
    memory: Memory | None = None
    last_day: float = 0.0
    weight: float = 1.0


@dataclass(frozen=True)
class Policy:
    retention: float = 0.9
    new_per_day: int | None = None
    peak_days: int = 0

    def describe(self) -> str:
        new = (
            "as many new cards as fit"
            if self.new_per_day is None
            else (f"up to {self.new_per_day} new cards a day")
        )
        peak = f"; the last {self.peak_days} days peak" if self.peak_days else ""
        return f"reviews at {self.retention:.0%} recall, {new}{peak}"


@dataclass(frozen=True)
class DayPlan:
    day: int  # 0 is today
    new: tuple[str, ...]
    reviews: tuple[str, ...]
    seconds: float  # expected

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True)
class Plan:
    policy: Policy
    days: tuple[DayPlan, ...]
    expected_recall: float  # importance-weighted mean recall on the interview morning

    @property
    def today(self) -> DayPlan | None:
        return self.days[0] if self.days else None

    @property
    def minutes_per_day(self) -> list[float]:
        return [day.minutes for day in self.days]


# -- the mean-field forward run ----------------------------------------------------------------
@dataclass(slots=True)
class _Track:
    memory: Memory | None
    last: float
    weight: float


class _Forecaster:
    """Expected outcomes under one parameter set and learner profile.

    A card's possible outcomes (the four first answers of a new card; a review recalled with
    Hard, Good or Easy, or forgotten) are folded into one memory for the forward run. Not
    their mean stability: recall is concave in stability, so that would overrate uncertain
    cards (and underrate reviewing them). The folded stability is the one whose recall on
    the interview morning equals the outcomes' expected recall then, so a card left alone
    until the day is scored exactly; the difficulty is the mean.
    """

    def __init__(self, model: MemoryModel, profile: LearnerProfile) -> None:
        self.model = model
        self.profile = profile
        learnt = [model.learn(g) for g in (AGAIN, HARD, GOOD, EASY)]
        self._learnt_outcomes = list(zip(profile.first_grades, learnt, strict=True))
        self._learnt: dict[float, Memory] = {}
        self._outcomes: dict[tuple[Memory, float], tuple[float, list[tuple[float, Memory]]]] = {}
        self._expected: dict[tuple[Memory, float, float], tuple[float, Memory]] = {}
        self._on_day: dict[tuple[Memory, float, float], tuple[float, float]] = {}

    def _fold(self, outcomes: list[tuple[float, Memory]], days_left: float) -> Memory:
        model = self.model
        recall = sum(p * model.retrievability(days_left, m.stability) for p, m in outcomes)
        return self.memory_with(recall, days_left, sum(p * m.difficulty for p, m in outcomes))

    def memory_with(self, recall: float, days_left: float, difficulty: float) -> Memory:
        """The memory whose recall `days_left` days from now is `recall`."""
        model = self.model
        recall = min(max(recall, 1e-6), 1 - 1e-9)
        stability = model.factor * days_left / (recall ** (1 / model.decay) - 1)
        return Memory(max(STABILITY_MIN, stability), difficulty)

    def learnt(self, days_left: float) -> Memory:
        """A card learnt today, folded for an interview `days_left` days away."""
        memory = self._learnt.get(days_left)
        if memory is None:
            memory = self._learnt[days_left] = self._fold(self._learnt_outcomes, days_left)
        return memory

    def recall_after_learning(self, days: float) -> float:
        r = self.model.retrievability
        return sum(p * r(days, m.stability) for p, m in self._learnt_outcomes)

    def review_outcomes(
        self, memory: Memory, elapsed: float
    ) -> tuple[float, list[tuple[float, Memory]]]:
        """Recall now and the (probability, memory) of each outcome of a review now.

        Cached: in the forward run many cards share one memory."""
        key = (memory, elapsed)
        cached = self._outcomes.get(key)
        if cached is None:
            cached = self._outcomes[key] = self._review_outcomes(memory, elapsed)
        return cached

    def _review_outcomes(
        self, memory: Memory, elapsed: float
    ) -> tuple[float, list[tuple[float, Memory]]]:
        model = self.model
        recall = model.retrievability(elapsed, memory.stability)
        outcomes = [(1 - recall, model.relearn(memory, elapsed))]
        for p, grade in zip(self.profile.recall_grades, (HARD, GOOD, EASY), strict=True):
            outcomes.append((recall * p, model.review(memory, elapsed, grade)))
        return recall, outcomes

    def expected_review(
        self, memory: Memory, elapsed: float, days_left: float
    ) -> tuple[float, Memory]:
        """Recall now and the memory after a review now, folded for `days_left`."""
        key = (memory, elapsed, days_left)
        cached = self._expected.get(key)
        if cached is None:
            recall, outcomes = self.review_outcomes(memory, elapsed)
            cached = self._expected[key] = recall, self._fold(outcomes, days_left)
        return cached

    def recall_on_day_if_reviewed(
        self, memory: Memory, elapsed: float, days_left: float
    ) -> tuple[float, float]:
        """(expected recall `days_left` after a review now, recall now).

        The hot loop of the peak phase (every learnt card, every peak day): the outcomes'
        stabilities are computed inline, without their difficulties, which it does not need
        (tests check it against `review_outcomes`)."""
        key = (memory, elapsed, days_left)
        cached = self._on_day.get(key)
        if cached is None:
            model = self.model
            w = model.w
            s, d = memory.stability, memory.difficulty
            recall = model.retrievability(elapsed, s)
            forgot = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - recall) * w[14])
            forgot = max(STABILITY_MIN, min(forgot, s / math.exp(w[17] * w[18])))
            relearnt = forgot * max(math.exp(w[17] * w[18]) * forgot ** -w[19], 1.0)
            on_day = (1 - recall) * model.retrievability(days_left, max(STABILITY_MIN, relearnt))
            growth = math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - recall) * w[10]) - 1)
            hard, good, easy = self.profile.recall_grades
            for p, bonus in ((hard, w[15]), (good, 1.0), (easy, w[16])):
                grown = max(STABILITY_MIN, s * (1 + growth * bonus))
                on_day += recall * p * model.retrievability(days_left, grown)
            cached = self._on_day[key] = (on_day, recall)
        return cached


def _run(
    policy: Policy,
    cards: Sequence[PlanCard],
    horizon: int,
    budget: float,
    forecaster: _Forecaster,
    first_budget: float | None = None,
) -> Plan:
    """Follow `policy` for `horizon` days of `budget` seconds (`first_budget` today, when
    part of today's minutes are already spent), in expectation."""
    model, profile = forecaster.model, forecaster.profile
    tracks = {c.card_id: _Track(c.memory, c.last_day, c.weight) for c in cards}
    unseen = [c.card_id for c in cards if c.memory is None]
    next_new = 0
    peak_from = horizon - min(policy.peak_days, horizon)
    days: list[DayPlan] = []
    attendance = profile.attendance
    # Build-phase due dates in a heap, (due day, card, the review it follows): an entry
    # whose card was answered since is stale and skipped.
    due_heap: list[tuple[float, str, float]] = []

    def push_due(card_id: str, track: _Track) -> None:
        if track.memory is not None:
            interval = max(1.0, round(model.interval(track.memory.stability, policy.retention)))
            heapq.heappush(due_heap, (track.last + interval, card_id, track.last))

    for card_id, track in tracks.items():
        push_due(card_id, track)

    def settle(track: _Track, after: Memory, day: int) -> None:
        """The card's memory after today's planned answer. A future day happens only with
        the learner's attendance: the memory is folded with the one left unanswered."""
        if day > 0 and attendance < 1:
            days_left = horizon - day
            answered = model.retrievability(days_left, after.stability)
            left_alone = 0.0
            if track.memory is not None:
                left_alone = model.retrievability(horizon - track.last, track.memory.stability)
            recall = attendance * answered + (1 - attendance) * left_alone
            after = forecaster.memory_with(recall, days_left, after.difficulty)
        track.memory, track.last = after, day

    for day in range(horizon):
        day_budget = budget if day or first_budget is None else first_budget
        left = day_budget
        new_ids: list[str] = []
        review_ids: list[str] = []
        if day < peak_from:
            due: list[tuple[float, str, float]] = []
            while due_heap and due_heap[0][0] <= day:
                entry = heapq.heappop(due_heap)
                if tracks[entry[1]].last == entry[2]:
                    due.append(entry)
            for at, (_due_day, card_id, _last) in enumerate(due):
                track = tracks[card_id]
                assert track.memory is not None
                recall, after = forecaster.expected_review(
                    track.memory, day - track.last, horizon - day
                )
                cost = profile.review_seconds(recall)
                if cost > left:
                    for waiting in due[at:]:  # still due tomorrow
                        heapq.heappush(due_heap, waiting)
                    break
                left -= cost
                settle(track, after, day)
                push_due(card_id, track)
                review_ids.append(card_id)
            cap = len(unseen) if policy.new_per_day is None else policy.new_per_day
            while next_new < len(unseen) and len(new_ids) < cap and profile.new_card <= left:
                card_id = unseen[next_new]
                next_new += 1
                left -= profile.new_card
                settle(tracks[card_id], forecaster.learnt(horizon - day), day)
                push_due(card_id, tracks[card_id])
                new_ids.append(card_id)
        else:
            days_left = horizon - day
            candidates: list[tuple[float, float, str, bool]] = []
            for card_id, track in tracks.items():
                if track.memory is None:
                    continue
                elapsed = day - track.last
                if elapsed < 1:
                    continue  # already seen today
                on_day, recall = forecaster.recall_on_day_if_reviewed(
                    track.memory, elapsed, days_left
                )
                gain = track.weight * (
                    on_day - model.retrievability(horizon - track.last, track.memory.stability)
                )
                cost = profile.review_seconds(recall)
                if gain > 0:
                    candidates.append((gain / cost, cost, card_id, False))
            fresh = forecaster.recall_after_learning(days_left)
            affordable = int(budget // profile.new_card) + 1
            for card_id in unseen[next_new : next_new + affordable]:
                gain = tracks[card_id].weight * fresh
                candidates.append((gain / profile.new_card, profile.new_card, card_id, True))
            candidates.sort(key=lambda c: -c[0])
            for _ratio, cost, card_id, is_new in candidates:
                if cost > left:
                    continue
                left -= cost
                if is_new:
                    # new cards keep their order (prerequisites first): take the next in line
                    track = tracks[unseen[next_new]]
                    new_ids.append(unseen[next_new])
                    next_new += 1
                    settle(track, forecaster.learnt(days_left), day)
                else:
                    track = tracks[card_id]
                    assert track.memory is not None
                    _recall, after = forecaster.expected_review(
                        track.memory, day - track.last, days_left
                    )
                    settle(track, after, day)
                    review_ids.append(card_id)
        days.append(DayPlan(day, tuple(new_ids), tuple(review_ids), day_budget - left))
    return _score(policy, tuple(days), tracks, horizon, model)


def _score(
    policy: Policy,
    days: tuple[DayPlan, ...],
    tracks: dict[str, _Track],
    horizon: int,
    model: MemoryModel,
) -> Plan:
    total = weights = 0.0
    for track in tracks.values():
        recall = 0.0
        if track.memory is not None:
            recall = model.retrievability(horizon - track.last, track.memory.stability)
        total += track.weight * recall
        weights += track.weight
    return Plan(policy, days, total / weights if weights else 0.0)


# -- the search --------------------------------------------------------------------------------
def plain_plan(
    cards: Sequence[PlanCard],
    horizon: int,
    minutes: float,
    model: MemoryModel,
    profile: LearnerProfile,
    retention: float = 0.9,
    new_per_day: int | None = None,
    minutes_today: float | None = None,
) -> Plan:
    """The plain daily-limit schedule at the same minutes, scored the same way."""
    policy = Policy(retention, new_per_day, 0)
    first = None if minutes_today is None else max(0.0, minutes_today) * 60
    return _run(policy, cards, max(0, horizon), minutes * 60, _Forecaster(model, profile), first)


def plan_interview(
    cards: Sequence[PlanCard],
    horizon: int,
    minutes: float,
    model: MemoryModel,
    profile: LearnerProfile,
    retention: float = 0.9,
    new_per_day: int | None = None,
    minutes_today: float | None = None,
) -> Plan:
    """The best plan found for an interview `horizon` days from today (day 0 is today,
    the interview is on the morning of day `horizon`), at `minutes` a day.

    `cards` come in the order new cards should be learnt; `retention` and `new_per_day`
    describe the plain schedule the search starts from (and can always fall back to);
    `minutes_today` is what is left of today's minutes, when the learner has already studied.
    """
    horizon = max(0, horizon)
    budget = minutes * 60
    first = None if minutes_today is None else max(0.0, minutes_today) * 60
    forecaster = _Forecaster(model, profile)
    seen: dict[Policy, Plan] = {}

    def score(policy: Policy) -> Plan:
        if policy not in seen:
            seen[policy] = _run(policy, cards, horizon, budget, forecaster, first)
        return seen[policy]

    best = score(Policy(retention, new_per_day, 0))
    if horizon == 0:
        return best
    best = max((score(Policy(retention, None, 0)), best), key=_value)
    fit = max(1, int(budget // profile.new_card))
    caps: list[int | None] = [None, *sorted({max(1, round(fit * s)) for s in NEW_SHARES_TRIED})]
    if new_per_day is not None:
        caps.append(new_per_day)
    peaks = [p for p in PEAK_DAYS_TRIED if p <= horizon]

    def improve(best: Plan, variants: list[Policy]) -> Plan:
        return max([best, *(score(v) for v in variants)], key=_value)

    best = improve(best, [replace(best.policy, peak_days=p) for p in peaks])
    best = improve(best, [replace(best.policy, new_per_day=c) for c in caps])
    best = improve(best, [replace(best.policy, retention=r) for r in RETENTIONS_TRIED])
    best = improve(best, [replace(best.policy, peak_days=p) for p in peaks])
    return best


def _value(plan: Plan) -> tuple[float, float]:
    """Higher recall first; at equal recall, fewer minutes."""
    return (round(plan.expected_recall, 9), -sum(d.seconds for d in plan.days))
