"""FSRS scheduling of one card, independent of how progress is stored.

FSRS wants aware UTC datetimes; `CardMemory` always holds aware UTC values and the
storage layer converts at its boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import fsrs


class CardState(IntEnum):
    """Anki's four states; FSRS itself has no 'new', so 0 means never graded."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class EnumTable(dict[int, Any]):
    """`table[value]` for `EnumClass(value)`: a plain dict lookup, where calling an Enum
    costs microseconds (the review loop converts several numbers per grade). A value that
    is no member goes through the Enum call, so it raises the same ValueError."""

    def __init__(self, enum: type[IntEnum]) -> None:
        super().__init__({int(member): member for member in enum})
        self.enum = enum

    def __missing__(self, value: int) -> Any:
        return self.enum(value)


CARD_STATES = EnumTable(CardState)


class Grade(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True, slots=True)
class CardMemory:
    """The scheduling state of one card: what FSRS needs plus Anki-style counters."""

    card_id: str
    state: CardState = CardState.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def __post_init__(self) -> None:
        # Made on every grade and read: UTC itself, the usual case, is checked first.
        for name, value in (("due", self.due), ("last_review", self.last_review)):
            if value is None or value.tzinfo is UTC:
                continue
            if value.tzinfo is None or value.utcoffset() != timedelta(0):
                raise ValueError(f"{name} must be an aware UTC datetime, got {value!r}")

    @property
    def is_new(self) -> bool:
        return self.state is CardState.NEW


@dataclass(frozen=True)
class SchedulerSettings:
    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500
    parameters: tuple[float, ...] = ()  # the learner's own FSRS parameters; () = defaults
    fuzz: bool = True


# Anki's fuzz: review intervals of 2.5 days or more move by up to 15 % of the part between
# 2.5 and 7 days, 10 % of the part between 7 and 20 days and 5 % of the rest, plus a day,
# so cards learnt together do not keep falling due together.
FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, math.inf, 0.05))


def fuzz_range(interval_days: int, maximum: int = 36500) -> tuple[int, int]:
    """The shortest and longest interval a fuzzed `interval_days` may become."""
    delta = 1.0
    for start, end, factor in FUZZ_RANGES:
        delta += factor * max(min(float(interval_days), end) - start, 0.0)
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), maximum)
    return min(low, high), high


def fuzz_factor(card_id: str, reps: int) -> float:
    """A number in [0, 1) fixed by the card and how often it was answered, as Anki seeds its
    fuzz with the card id plus its review count: the same answer always gives the same
    interval, so the interval a grade button shows is the one the grade gives. The number
    is the first 64 bits of a hash of the two, uniform and cheap (seeding a Mersenne
    Twister per grade cost a review's keypress about 10 microseconds)."""
    digest = _blake2b()(f"{card_id}\0{reps}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 18446744073709551616.0  # 2**64


@cache
def _blake2b() -> Any:
    """Imported on first use, like fsrs: not needed before the first card."""
    try:
        from _blake2 import blake2b  # hashlib's, without its OpenSSL start-up
    except ImportError:  # not CPython
        from hashlib import blake2b
    return blake2b


class Scheduler:
    """Wraps `fsrs.Scheduler`, with Anki's interval fuzz made deterministic (see
    `fuzz_factor`), so previews match grades."""

    def __init__(self, settings: SchedulerSettings | None = None) -> None:
        self.settings = settings or SchedulerSettings()

    @cached_property
    def _fsrs(self) -> fsrs.Scheduler:
        import fsrs  # on first use: the first card can be shown before it is needed

        parameters = self.settings.parameters or fsrs.scheduler.DEFAULT_PARAMETERS
        return fsrs.Scheduler(
            parameters=parameters,
            desired_retention=self.settings.desired_retention,
            learning_steps=self.settings.learning_steps,
            relearning_steps=self.settings.relearning_steps,
            maximum_interval=self.settings.maximum_interval_days,
            enable_fuzzing=False,
        )

    def grade(self, memory: CardMemory, grade: Grade, now: datetime) -> CardMemory:
        """The card's memory after answering it with `grade` at `now`."""
        now = _utc(now)
        card = _to_fsrs(memory, now)
        updated, _log = self._fsrs.review_card(card, _fsrs_tables()[0][grade], review_datetime=now)
        lapsed = grade is Grade.AGAIN and memory.state is CardState.REVIEW
        due = _utc(updated.due)
        if self.settings.fuzz and int(updated.state) == CardState.REVIEW:
            days = round((due - now).total_seconds() / 86400)
            if days >= 2.5:
                low, high = fuzz_range(days, self.settings.maximum_interval_days)
                fuzzed = low + int(fuzz_factor(memory.card_id, memory.reps) * (high - low + 1))
                due = now + timedelta(days=min(fuzzed, high))
        return CardMemory(
            card_id=memory.card_id,
            state=CARD_STATES[updated.state],
            step=updated.step,
            stability=updated.stability,
            difficulty=updated.difficulty,
            due=due,
            last_review=_utc(updated.last_review) if updated.last_review else now,
            reps=memory.reps + 1,
            lapses=memory.lapses + (1 if lapsed else 0),
        )

    def preview(self, memory: CardMemory, now: datetime) -> dict[Grade, timedelta]:
        """The interval each grade would give, for the grade buttons."""
        return {g: self.grade(memory, g, now).due - _utc(now) for g in Grade}  # type: ignore[operator]

    def retrievability(self, memory: CardMemory, now: datetime) -> float:
        """Predicted probability of recall now; 0 for a card never reviewed."""
        if memory.is_new or memory.stability is None or memory.last_review is None:
            return 0.0
        return float(self._fsrs.get_card_retrievability(_to_fsrs(memory, now), _utc(now)))


def _utc(value: datetime) -> datetime:
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: scheduling needs aware UTC")
    return value.astimezone(UTC)


@cache
def _fsrs_tables() -> tuple[EnumTable, EnumTable, type[fsrs.Card]]:
    """fsrs's Rating and State by number, and its card made for one call (imported on
    first use)."""
    import fsrs

    class OneUseCard(fsrs.Card):
        """Made by `_to_fsrs` for one call and dropped after it, so the defensive copy
        `review_card` takes of its argument can be the card itself."""

        def __copy__(self) -> OneUseCard:
            return self

    return EnumTable(fsrs.Rating), EnumTable(fsrs.State), OneUseCard


def _to_fsrs(memory: CardMemory, now: datetime) -> fsrs.Card:
    import fsrs

    _ratings, states, card = _fsrs_tables()
    if memory.is_new:
        return card(card_id=1, state=fsrs.State.Learning, step=0, due=_utc(now))
    return card(
        card_id=1,
        state=states[memory.state],
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due or _utc(now),
        last_review=memory.last_review,
    )


def new_memory(card_id: str) -> CardMemory:
    return CardMemory(card_id=card_id)


def reset(memory: CardMemory) -> CardMemory:
    return replace(new_memory(memory.card_id))


def format_interval(delta: timedelta) -> str:
    """Anki-style short interval: 45s, 10m, 3h, 4d, 2.1mo, 1.3y."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 60:
        return f"{int(round(seconds))}s"
    minutes = seconds / 60
    if minutes < 60:
        return f"{int(round(minutes))}m"
    hours = minutes / 60
    if hours < 24:
        return f"{int(round(hours))}h"
    days = hours / 24
    if days < 30:
        return f"{int(round(days))}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def humanize_until(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"
