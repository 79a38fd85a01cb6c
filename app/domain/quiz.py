"""Rules of the timed self-quiz: which questions, how much time, what counts as covered, scores.

Plain Python and an injected clock, so a whole quiz can be played in a test without waiting.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from app.domain.clock import Clock
from app.domain.content import Card

# The key-point matcher lives in the grading package; re-exported so callers see one quiz API.
from app.domain.grading import PointMatch as PointMatch
from app.domain.grading import match_key_point as match_key_point
from app.domain.grading import match_key_points as match_key_points

DEFAULT_COUNT = 10
DEFAULT_FIXED_SECONDS = 120
AMBER_BELOW = 0.25
RED_BELOW = 0.10
MIN_WEIGHT = 0.05
MISSED_BELOW = 0.5


# -- settings -----------------------------------------------------------------------------
class Timing(StrEnum):
    """How the clock is set: the card's own budget, a fixed time each, or one for the quiz."""

    CARD = "card"
    FIXED = "fixed"
    TOTAL = "total"


class ScopeKind(StrEnum):
    ALL = "all"
    AREAS = "areas"
    CONCEPT = "concept"


@dataclass(frozen=True)
class QuizSettings:
    """What the user chose on the setup page; stored with the quiz so it can be resumed."""

    count: int = DEFAULT_COUNT
    scope: ScopeKind = ScopeKind.ALL
    areas: tuple[str, ...] = ()
    concept: str | None = None
    difficulty: str | None = None  # None: any difficulty
    timing: Timing = Timing.CARD
    seconds: int = DEFAULT_FIXED_SECONDS  # per question (FIXED) or for the whole quiz (TOTAL)

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "scope": self.scope.value,
            "areas": list(self.areas),
            "concept": self.concept,
            "difficulty": self.difficulty,
            "timing": self.timing.value,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> QuizSettings:
        areas = raw.get("areas") or []
        concept = raw.get("concept")
        difficulty = raw.get("difficulty")
        return cls(
            count=int(str(raw.get("count", DEFAULT_COUNT))),
            scope=ScopeKind(str(raw.get("scope", "all"))),
            areas=tuple(str(a) for a in areas) if isinstance(areas, list) else (),
            concept=str(concept) if concept else None,
            difficulty=str(difficulty) if difficulty else None,
            timing=Timing(str(raw.get("timing", "card"))),
            seconds=int(str(raw.get("seconds", DEFAULT_FIXED_SECONDS))),
        )


# -- drawing questions --------------------------------------------------------------------
def question_weight(retrievability: float) -> float:
    """Cards the user is least likely to recall weigh most; known cards still turn up."""
    return max(0.0, 1.0 - retrievability) + MIN_WEIGHT


def draw_questions(
    card_ids: Sequence[str],
    retrievability: Mapping[str, float],
    count: int,
    rng: random.Random,
) -> list[str]:
    """`count` distinct cards, drawn with probability proportional to `question_weight`.

    Weighted sampling without replacement (Efraimidis–Spirakis): each card gets the key
    u ** (1 / weight) for a uniform u, and the largest keys win.
    """
    keyed = []
    for card_id in dict.fromkeys(card_ids):
        weight = question_weight(retrievability.get(card_id, 0.0))
        keyed.append((rng.random() ** (1.0 / weight), card_id))
    keyed.sort(reverse=True)
    return [card_id for _, card_id in keyed[: max(0, count)]]


# -- timing -------------------------------------------------------------------------------
def question_budgets(cards: Sequence[Card], timing: Timing, seconds: int) -> list[int]:
    """Seconds each question may take. Under TOTAL these are fair shares of the quiz budget,
    in proportion to the cards' own budgets, used to judge the time spent per question."""
    if timing is Timing.CARD:
        return [card.seconds for card in cards]
    if timing is Timing.FIXED:
        return [seconds for _ in cards]
    own = sum(card.seconds for card in cards) or 1
    return [max(1, round(seconds * card.seconds / own)) for card in cards]


class CountdownState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    EXPIRED = "expired"
    STOPPED = "stopped"


@dataclass
class Countdown:
    """One question's clock: start, pause, resume, stop (submitted) or expire at zero.

    It never keeps time itself; every answer is computed from the injected clock, so a UI
    timer only asks "how long is left?" and a test moves a FakeClock. `used_before` is time
    already spent (earlier questions under a whole-quiz budget, or before a restart).
    """

    clock: Clock
    budget: float
    used_before: float = 0.0
    state: CountdownState = CountdownState.READY
    pauses: int = 0
    paused_seconds: float = 0.0
    _run_started: datetime | None = field(default=None, repr=False)
    _elapsed_before_run: float = field(default=0.0, repr=False)
    _paused_at: datetime | None = field(default=None, repr=False)

    def start(self) -> None:
        if self.state is CountdownState.READY:
            self.state = CountdownState.RUNNING
            self._run_started = self.clock.now()
            self.poll()

    def elapsed(self) -> float:
        """Seconds spent on this question, pauses excluded, never beyond the budget."""
        running = 0.0
        if self.state is CountdownState.RUNNING and self._run_started is not None:
            running = (self.clock.now() - self._run_started).total_seconds()
        return min(self._elapsed_before_run + running, self.available())

    def available(self) -> float:
        return max(0.0, self.budget - self.used_before)

    def remaining(self) -> float:
        return max(0.0, self.available() - self.elapsed())

    def fraction_left(self) -> float:
        return self.remaining() / self.budget if self.budget > 0 else 0.0

    def poll(self) -> CountdownState:
        """Move to EXPIRED once the time is up; returns the state after the check."""
        if self.state is CountdownState.RUNNING and self.remaining() <= 0:
            self._freeze()
            self.state = CountdownState.EXPIRED
        return self.state

    def pause(self) -> None:
        if self.poll() is CountdownState.RUNNING:
            self._freeze()
            self.state = CountdownState.PAUSED
            self.pauses += 1
            self._paused_at = self.clock.now()

    def resume(self) -> None:
        if self.state is CountdownState.PAUSED:
            if self._paused_at is not None:
                self.paused_seconds += (self.clock.now() - self._paused_at).total_seconds()
            self._paused_at = None
            self.state = CountdownState.RUNNING
            self._run_started = self.clock.now()

    def stop(self) -> None:
        """The answer was submitted: freeze the clock (unless it already ran out)."""
        if self.poll() in (CountdownState.RUNNING, CountdownState.PAUSED):
            if self.state is CountdownState.PAUSED:
                self.resume()
            self._freeze()
            self.state = CountdownState.STOPPED

    @property
    def expired(self) -> bool:
        return self.poll() is CountdownState.EXPIRED

    def _freeze(self) -> None:
        self._elapsed_before_run = self.elapsed()
        self._run_started = None


def urgency(fraction_left: float) -> str:
    """Colour band of the countdown bar: normal, then amber at 25 % left, red at 10 %."""
    if fraction_left <= RED_BELOW:
        return "red"
    if fraction_left <= AMBER_BELOW:
        return "amber"
    return "normal"


def format_clock(seconds: float) -> str:
    """mm:ss, rounding up so 0:00 only shows when the time is really over."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


# -- scoring ------------------------------------------------------------------------------
def question_score(covered: Sequence[bool]) -> float:
    """The share of key points covered, 0..1."""
    return sum(1 for c in covered if c) / len(covered) if covered else 0.0


def quiz_score(scores: Sequence[float]) -> float:
    """Every question weighs the same; unanswered questions count as 0."""
    return sum(scores) / len(scores) if scores else 0.0


def is_missed(score: float) -> bool:
    return score < MISSED_BELOW


@dataclass(frozen=True)
class ConceptScore:
    concept: str
    questions: int
    score: float


def concept_breakdown(results: Iterable[tuple[str, float]]) -> list[ConceptScore]:
    """Mean score per concept from (concept id, question score) pairs, weakest first."""
    totals: dict[str, list[float]] = {}
    for concept, score in results:
        totals.setdefault(concept, []).append(score)
    rows = [ConceptScore(c, len(s), sum(s) / len(s)) for c, s in totals.items()]
    return sorted(rows, key=lambda row: (row.score, -row.questions, row.concept))


WEAKEST_SHOWN = 3


def weakest_concepts(concepts: Sequence[ConceptScore], limit: int = WEAKEST_SHOWN) -> list[str]:
    """The concepts to study after a quiz: the weakest few (`concepts` is weakest first),
    leaving out any whose every key point was covered."""
    return [row.concept for row in concepts if row.score < 1.0][:limit]


class AnswerFacts(Protocol):
    """What the totals read from one stored answer."""

    @property
    def seconds_used(self) -> float: ...
    @property
    def budget(self) -> int: ...
    @property
    def timed_out(self) -> bool: ...
    @property
    def reached(self) -> bool: ...
    @property
    def pauses(self) -> int: ...


@dataclass(frozen=True)
class QuizTotals:
    """A finished quiz summed up: time used of the budget, clocks run out, pauses."""

    questions: int
    seconds_used: float
    budget: int
    timed_out: int
    unreached: int
    pauses: int


def quiz_totals(answers: Sequence[AnswerFacts]) -> QuizTotals:
    return QuizTotals(
        questions=len(answers),
        seconds_used=sum(a.seconds_used for a in answers),
        budget=sum(a.budget for a in answers),
        timed_out=sum(1 for a in answers if a.timed_out),
        unreached=sum(1 for a in answers if not a.reached),
        pauses=sum(a.pauses for a in answers),
    )


def trend(scores: Sequence[float], window: int = 5) -> float | None:
    """Mean of the latest quizzes minus the mean of as many before them (up to `window`)."""
    half = min(window, len(scores) // 2)
    if half == 0:
        return None
    recent, earlier = scores[-half:], scores[-2 * half : -half]
    return sum(recent) / half - sum(earlier) / half
