"""FSRS-6 memory formulas in plain floats and day units, for planning and simulation.

`Scheduler` (scheduling.py) grades real cards through the `fsrs` package, with datetimes.
Planning toward an interview and simulating learners evaluate these formulas hundreds of
thousands of times, where building `fsrs.Card` objects and datetimes would dominate; so the
same equations (fsrs 6.x, checked against it in tests) live here once, on numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# FSRS-6 default parameters (the `fsrs` package's DEFAULT_PARAMETERS).
DEFAULT_PARAMETERS: tuple[float, ...] = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
PARAMETER_COUNT = 21
STABILITY_MIN = 0.001
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@dataclass(frozen=True, slots=True)
class Memory:
    """Stability (days until recall falls to 90 %) and difficulty (1..10) of one card."""

    stability: float
    difficulty: float


class MemoryModel:
    """The FSRS-6 equations for one parameter set."""

    def __init__(self, parameters: Sequence[float] = DEFAULT_PARAMETERS) -> None:
        if len(parameters) != PARAMETER_COUNT:
            raise ValueError(f"FSRS-6 needs {PARAMETER_COUNT} parameters, got {len(parameters)}")
        self.w = tuple(float(p) for p in parameters)
        self.decay = -self.w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1

    # -- recall -------------------------------------------------------------------------------
    def retrievability(self, elapsed_days: float, stability: float) -> float:
        """Probability of recall `elapsed_days` after the last review."""
        return float((1 + self.factor * max(0.0, elapsed_days) / stability) ** self.decay)

    def interval(self, stability: float, retention: float) -> float:
        """Days until recall falls to `retention` (not rounded)."""
        return stability / self.factor * (retention ** (1 / self.decay) - 1)

    # -- updates ------------------------------------------------------------------------------
    def initial(self, grade: int) -> Memory:
        return Memory(max(STABILITY_MIN, self.w[grade - 1]), _clamp_d(self._d0(grade)))

    def _d0(self, grade: int) -> float:
        return self.w[4] - math.exp(self.w[5] * (grade - 1)) + 1

    def _next_difficulty(self, difficulty: float, grade: int) -> float:
        delta = -self.w[6] * (grade - 3)
        damped = difficulty + delta * (10.0 - difficulty) / 9.0
        return _clamp_d(self.w[7] * self._d0(EASY) + (1 - self.w[7]) * damped)

    def review(self, memory: Memory, elapsed_days: float, grade: int) -> Memory:
        """After a review at least a day after the last one (long-term update)."""
        w, s, d = self.w, memory.stability, memory.difficulty
        r = self.retrievability(elapsed_days, s)
        if grade == AGAIN:
            long_term = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14])
            new_s = min(long_term, s / math.exp(w[17] * w[18]))
        else:
            bonus = (w[15] if grade == HARD else 1.0) * (w[16] if grade == EASY else 1.0)
            new_s = s * (
                1 + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1) * bonus
            )
        return Memory(max(STABILITY_MIN, new_s), self._next_difficulty(d, grade))

    def same_day(self, memory: Memory, grade: int) -> Memory:
        """After a learning step on the same day (short-term update)."""
        w, s = self.w, memory.stability
        increase = math.exp(w[17] * (grade - 3 + w[18])) * s ** -w[19]
        if grade >= HARD:
            increase = max(increase, 1.0)
        return Memory(
            max(STABILITY_MIN, s * increase), self._next_difficulty(memory.difficulty, grade)
        )

    def learn(self, grade: int) -> Memory:
        """A new card's memory at the end of its first day: first answer `grade`, then the
        learning steps (1 and 10 minutes) answered Good until it graduates. Again repeats the
        first step and Hard stays on it (two more steps), Good takes one more, Easy graduates
        at once."""
        memory = self.initial(grade)
        for _ in range(LEARNING_STEPS_AFTER[grade]):
            memory = self.same_day(memory, GOOD)
        return memory

    def replay(self, grades: Sequence[tuple[date, int]]) -> Memory:
        """The memory a card's history gives under these parameters: (study day, grade)
        oldest first; answers on the same day are short-term steps."""
        if not grades:
            raise ValueError("a memory needs at least one grade")
        day, grade = grades[0]
        memory = self.initial(grade)
        for next_day, next_grade in grades[1:]:
            elapsed = (next_day - day).days
            if elapsed <= 0:
                memory = self.same_day(memory, next_grade)
            else:
                memory = self.review(memory, elapsed, next_grade)
            day = next_day
        return memory

    def relearn(self, memory: Memory, elapsed_days: float) -> Memory:
        """A lapse: Again after `elapsed_days`, then the 10-minute relearning step, Good."""
        return self.same_day(self.review(memory, elapsed_days, AGAIN), GOOD)


# Same-day steps after the first answer of a new card, by that answer (see `MemoryModel.learn`).
LEARNING_STEPS_AFTER = {AGAIN: 2, HARD: 2, GOOD: 1, EASY: 0}


def _clamp_d(difficulty: float) -> float:
    return min(max(difficulty, 1.0), 10.0)
