"""Statistics rules: study-day buckets, the due forecast, true retention, card counts, the plan.

Plain functions over plain records, so a crafted history pins every number in a unit test.
Days are *study days* (they roll over at the configured local hour, 4 am by default), the
same days the review queue uses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from app.domain.content import ContentBank
from app.domain.scheduling import CardMemory, CardState, Grade

MATURE_DAYS = 21  # Anki: a review card whose interval is 21 days or more is mature
HEATMAP_DAYS = 365
FORECAST_DAYS = 30


@dataclass(frozen=True)
class ReviewEvent:
    """One row of the review log, as the statistics need it.

    `interval_days` is the interval the card had been scheduled with before this review
    (due minus last review), or None for a card that was new.
    """

    reviewed_at: datetime
    rating: int
    duration_ms: int
    state_before: int
    interval_days: float | None = None


def study_date(moment: datetime, local_tz: tzinfo, hour: int = 4) -> date:
    """The local calendar date of the study day that `moment` falls in."""
    return (moment.astimezone(local_tz) - timedelta(hours=hour)).date()


# -- activity ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DaySummary:
    reviews: int
    milliseconds: int
    again: int

    @property
    def minutes(self) -> float:
        return self.milliseconds / 60000


def day_summary(
    events: Iterable[ReviewEvent], day: date, local_tz: tzinfo, hour: int = 4
) -> DaySummary:
    reviews = ms = again = 0
    for event in events:
        if study_date(event.reviewed_at, local_tz, hour) == day:
            reviews += 1
            ms += event.duration_ms
            again += event.rating == Grade.AGAIN
    return DaySummary(reviews, ms, again)


def heatmap(
    events: Iterable[ReviewEvent],
    today: date,
    local_tz: tzinfo,
    hour: int = 4,
    days: int = HEATMAP_DAYS,
) -> dict[date, int]:
    """Reviews per study day for the `days` days ending today (days without reviews are 0)."""
    first = today - timedelta(days=days - 1)
    counts = {first + timedelta(days=i): 0 for i in range(days)}
    for event in events:
        day = study_date(event.reviewed_at, local_tz, hour)
        if day in counts:
            counts[day] += 1
    return counts


def streak(counts: Mapping[date, int], today: date) -> int:
    """Consecutive study days with reviews, ending today (or yesterday if today is empty)."""
    day = today if counts.get(today, 0) else today - timedelta(days=1)
    n = 0
    while counts.get(day, 0) > 0:
        n += 1
        day -= timedelta(days=1)
    return n


# -- forecast ---------------------------------------------------------------------------------
def forecast(
    due_times: Iterable[datetime],
    now: datetime,
    local_tz: tzinfo,
    hour: int = 4,
    days: int = FORECAST_DAYS,
) -> list[int]:
    """Cards falling due on each of the next `days` study days; overdue cards count today."""
    today = study_date(now, local_tz, hour)
    buckets = [0] * days
    for due in due_times:
        offset = max(0, (study_date(due, local_tz, hour) - today).days)
        if offset < days:
            buckets[offset] += 1
    return buckets


# -- retention --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Retention:
    """Anki's true retention: the share of review-state reviews not answered Again."""

    young_passed: int = 0
    young_total: int = 0
    mature_passed: int = 0
    mature_total: int = 0

    @staticmethod
    def _rate(passed: int, total: int) -> float | None:
        return passed / total if total else None

    @property
    def young(self) -> float | None:
        return self._rate(self.young_passed, self.young_total)

    @property
    def mature(self) -> float | None:
        return self._rate(self.mature_passed, self.mature_total)

    @property
    def total(self) -> float | None:
        return self._rate(
            self.young_passed + self.mature_passed, self.young_total + self.mature_total
        )

    @property
    def count(self) -> int:
        return self.young_total + self.mature_total


def true_retention(events: Iterable[ReviewEvent], since: datetime | None = None) -> Retention:
    """Only reviews of cards in the review state count (not learning or relearning steps);
    young means the card's interval was under 21 days, mature 21 days or more."""
    yp = yt = mp = mt = 0
    for event in events:
        if event.state_before != CardState.REVIEW or (since and event.reviewed_at < since):
            continue
        passed = event.rating != Grade.AGAIN
        if (event.interval_days or 0.0) >= MATURE_DAYS:
            mt += 1
            mp += passed
        else:
            yt += 1
            yp += passed
    return Retention(yp, yt, mp, mt)


# -- card counts ------------------------------------------------------------------------------
COUNT_ORDER = ("new", "learning", "relearning", "young", "mature", "suspended")


def interval_days(memory: CardMemory) -> float:
    if memory.due is None or memory.last_review is None:
        return 0.0
    return (memory.due - memory.last_review).total_seconds() / 86400


def card_counts(
    card_ids: Iterable[str], memories: Mapping[str, CardMemory], suspended: Iterable[str] = ()
) -> dict[str, int]:
    """Cards by Anki's categories; a suspended card counts only as suspended."""
    held = set(suspended)
    counts = Counter(dict.fromkeys(COUNT_ORDER, 0))
    for card_id in card_ids:
        memory = memories.get(card_id)
        if card_id in held:
            counts["suspended"] += 1
        elif memory is None or memory.state is CardState.NEW:
            counts["new"] += 1
        elif memory.state is CardState.LEARNING:
            counts["learning"] += 1
        elif memory.state is CardState.RELEARNING:
            counts["relearning"] += 1
        else:
            counts["mature" if interval_days(memory) >= MATURE_DAYS else "young"] += 1
    return {key: counts[key] for key in COUNT_ORDER}


# -- mastery by area --------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaMastery:
    area_id: str
    title: str
    color: str
    mastery: float  # mean concept mastery, 0..1
    mastered: int  # concepts at or above the threshold
    concepts: int


def mastery_by_area(
    bank: ContentBank, concept_mastery: Mapping[str, float], threshold: float
) -> list[AreaMastery]:
    """Areas in their display order; areas without concepts are left out."""
    result = []
    for area in sorted(bank.areas.values(), key=lambda a: a.order):
        values = [
            concept_mastery.get(c.id, 0.0) for c in bank.concepts.values() if c.area == area.id
        ]
        if values:
            result.append(
                AreaMastery(
                    area.id,
                    area.title,
                    area.color,
                    sum(values) / len(values),
                    sum(v >= threshold for v in values),
                    len(values),
                )
            )
    return result


# -- the interview plan -----------------------------------------------------------------------
@dataclass(frozen=True)
class StudyPlan:
    """How many new cards a day finish the not-yet-mastered concepts before the interview."""

    interview: date
    days_left: int  # study days from today up to the day before the interview
    cards_left: int
    concepts_left: int
    per_day: int
    new_per_day_limit: int

    @property
    def on_track(self) -> bool:
        return self.cards_left == 0 or (
            self.days_left > 0 and self.per_day <= self.new_per_day_limit
        )

    @property
    def finish_at_current_limit(self) -> int:
        """Days needed at the daily new-card limit."""
        if self.cards_left == 0:
            return 0
        return math.ceil(self.cards_left / max(1, self.new_per_day_limit))


def cards_left_to_learn(
    bank: ContentBank,
    concept_mastery: Mapping[str, float],
    memories: Mapping[str, CardMemory],
    threshold: float,
    suspended: Iterable[str] = (),
) -> tuple[int, int]:
    """(new cards, concepts) still to learn: unseen, unsuspended cards of concepts below the
    mastery threshold."""
    held = set(suspended)
    open_concepts = {c for c in bank.concepts if concept_mastery.get(c, 0.0) < threshold}
    cards = 0
    for card in bank.cards.values():
        if card.concept not in open_concepts or card.id in held:
            continue
        memory = memories.get(card.id)
        if memory is None or memory.state is CardState.NEW:
            cards += 1
    return cards, len(open_concepts)


def study_plan(
    cards_left: int, concepts_left: int, today: date, interview: date, new_per_day: int
) -> StudyPlan:
    """Cards per day = ceil(cards left / study days left). The interview day itself is not a
    study day; if it is today or past, everything left is due 'today'."""
    days_left = (interview - today).days
    per_day = math.ceil(cards_left / days_left) if days_left > 0 else cards_left
    return StudyPlan(interview, max(0, days_left), cards_left, concepts_left, per_day, new_per_day)
