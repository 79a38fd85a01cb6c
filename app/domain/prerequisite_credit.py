"""Review credit for prerequisites: a good answer to a concept lightly refreshes what it needs.

Math Academy's FIRe ("fractional implicit repetition") counts a review of an advanced topic
as a fraction of a review of the simpler topics it exercises. Here: when the learner answers
a card of concept C Good or Easy, each card of C's prerequisites that is in review gets a
fraction `share` of the stability a Good review now would give it, and nothing else:

    S' = S + share x (S_good(S, D, R now) - S)

Its difficulty and its last review stay (it was not answered), so its recall now rises a
little and its due date moves later; it never moves earlier. FSRS's own stability increase
is small when recall is still high, so a credit soon after a real review is worth little.
A card gets at most one credit a study day, none on a day it was answered itself, and none
while new or in its (re)learning steps, whose schedule is minutes, not memory.

Direct prerequisites get `share`; with `depth` > 1 their own prerequisites get `share x
decay`, and so on (the largest share of any path). Off by default: the simulator
(`learner_sim.py`, `tests/benchmarks/interview.py`) shows it saves minutes only when
reviewing a concept really does refresh what it requires.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.domain.memory_model import GOOD, Memory, MemoryModel
from app.domain.scheduling import CardMemory, CardState

DEFAULT_SHARE = 0.2  # a prerequisite's credit, as a share of a Good review's growth
TRANSITIVE_DECAY = 0.5  # each step further down the prerequisites halves the share
DAY = timedelta(days=1)


@dataclass(frozen=True)
class CreditRule:
    """How much credit flows down the prerequisites (`share` 0 turns it off)."""

    share: float = DEFAULT_SHARE
    depth: int = 1  # 1: direct prerequisites only
    decay: float = TRANSITIVE_DECAY

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError(f"a credit share is between 0 and 1, got {self.share}")
        if self.depth < 1:
            raise ValueError(f"credit depth is at least 1, got {self.depth}")

    def concept_shares(
        self, requires: Mapping[str, Sequence[str]], concept: str
    ) -> dict[str, float]:
        """The prerequisite concepts of `concept` and the share each receives."""
        shares: dict[str, float] = {}
        frontier, share = [concept], self.share
        for _ in range(self.depth):
            following: list[str] = []
            for current in frontier:
                for needed in requires.get(current, ()):
                    if needed != concept and shares.get(needed, 0.0) < share:
                        shares[needed] = share
                        following.append(needed)
            frontier, share = following, share * self.decay
        return {c: s for c, s in shares.items() if s > 0}


def card_targets(
    rule: CreditRule,
    requires: Mapping[str, Sequence[str]],
    concept_of: Mapping[str, str],
) -> dict[str, tuple[tuple[str, float], ...]]:
    """For each card, the cards its good answer credits and their shares."""
    cards_of: dict[str, list[str]] = {}
    for card_id, concept in concept_of.items():
        cards_of.setdefault(concept, []).append(card_id)
    by_concept = {
        concept: tuple(
            (card_id, share)
            for needed, share in rule.concept_shares(requires, concept).items()
            for card_id in cards_of.get(needed, ())
        )
        for concept in cards_of
    }
    return {card_id: by_concept[concept] for card_id, concept in concept_of.items()}


def gives_credit(rating: int) -> bool:
    """Only a Good or Easy answer says the concept, and so what it rests on, was there."""
    return rating >= GOOD


def credited(model: MemoryModel, memory: Memory, elapsed_days: float, share: float) -> Memory:
    """The memory after a credit of `share`, `elapsed_days` after the card's last review."""
    good = model.review(memory, elapsed_days, GOOD).stability
    stability = memory.stability + share * max(0.0, good - memory.stability)
    return Memory(stability, memory.difficulty)


def can_credit(memory: CardMemory, day_start: datetime, credited_today: bool) -> bool:
    """A card in review, not answered and not credited yet this study day."""
    return (
        memory.state is CardState.REVIEW
        and memory.stability is not None
        and memory.difficulty is not None
        and memory.last_review is not None
        and memory.due is not None
        and memory.last_review < day_start
        and not credited_today
    )


def credit_card(
    memory: CardMemory,
    share: float,
    now: datetime,
    day_start: datetime,
    credited_today: bool,
    model: MemoryModel,
    retention: float,
    maximum_interval_days: int = 36500,
) -> CardMemory | None:
    """The card's schedule after a credit now, or None when it gets none (see
    `can_credit`, or a share of 0). The new due date is the last review plus whole days,
    where recall with the credited stability falls to `retention`, never earlier than it
    was (a fuzzed interval may already be longer)."""
    if share <= 0 or not can_credit(memory, day_start, credited_today):
        return None
    assert memory.stability is not None and memory.difficulty is not None
    assert memory.last_review is not None and memory.due is not None
    elapsed = max(0.0, (now - memory.last_review) / DAY)
    after = credited(model, Memory(memory.stability, memory.difficulty), elapsed, share)
    days = min(maximum_interval_days, max(1, round(model.interval(after.stability, retention))))
    interval = max(memory.due - memory.last_review, timedelta(days=days))
    whole = timedelta(seconds=math.ceil(interval.total_seconds()))  # the log keeps seconds
    return replace(memory, stability=after.stability, due=memory.last_review + whole)


def credited_today(credit_times: Iterable[datetime], day_start: datetime) -> bool:
    """Whether any of a card's credits fell in the study day starting at `day_start`."""
    return any(at >= day_start for at in credit_times)
