"""Anki's scheduling records mapped to Lattice's: review history and each card's memory.

Pure functions over plain records (the package reader fills them from the `revlog` and `cards`
tables); writing them is the progress writer's job. Anki stores:

- `revlog`: one row per answer; `id` is the answer time in epoch milliseconds, `ease` 1-4
  (0 for a manual reschedule, which is not an answer), `time` the milliseconds spent,
  `type` 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled;
- `cards`: `type` 0 new, 1 learning, 2 review, 3 relearning; `queue` -1 suspended, -2/-3
  buried; `due` a day number since the collection's creation (`col.crt`, seconds) for review
  cards, epoch seconds for intraday learning, a position for new cards; `odue` the due date
  kept while the card sits in a filtered deck; `flags & 7` the flag colour; `data` JSON with
  FSRS memory `s` (stability, days) and `d` (difficulty 1-10) when FSRS is on.

Memory comes from `data` where Anki has it; otherwise it is computed by replaying the card's
answers through Lattice's FSRS scheduler; a review card with no answers left (history
deleted, SM-2 only) gets stability = its interval (at 90 % retention FSRS's interval equals its
stability) and a difficulty from its ease.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.domain.scheduling import CardMemory, CardState, Grade, Scheduler

MAX_ANSWER_MS = 60 * 60 * 1000  # Anki caps the recorded time too; longer is a left-open card
MANUAL = (4, 5)  # revlog types that record a reschedule, not an answer


@dataclass(frozen=True)
class AnkiReview:
    """One `revlog` row."""

    card_id: int  # Anki's card id (`cid`)
    at_ms: int  # `id`: when it was answered
    ease: int
    duration_ms: int
    kind: int = 1


@dataclass(frozen=True)
class AnkiCard:
    """One `cards` row (the fields scheduling needs)."""

    card_id: int
    note_guid: str
    ord: int
    type: int
    queue: int
    due: int
    interval: int  # days for review cards
    factor: int  # SM-2 ease in permille (2500 = 250 %)
    reps: int
    lapses: int
    flags: int = 0
    original_due: int = 0
    data: str = ""


@dataclass(frozen=True)
class ImportedReview:
    """One answer in Lattice's terms."""

    reviewed_at: datetime
    grade: Grade
    duration_ms: int


@dataclass
class ImportedProgress:
    """A card's memory, its answers, its flags; and why anything was left out."""

    memory: CardMemory
    reviews: list[ImportedReview]
    suspended: bool
    flagged: bool
    memory_from: str  # "anki-fsrs", "history", "sm2-interval", "new"
    dropped: Counter[str] = field(default_factory=Counter)


def reviews_of(rows: Iterable[AnkiReview]) -> tuple[list[ImportedReview], Counter[str]]:
    """The answers among `rows`, oldest first, and a count of what was left out and why."""
    kept: list[ImportedReview] = []
    dropped: Counter[str] = Counter()
    for row in sorted(rows, key=lambda r: r.at_ms):
        if row.kind in MANUAL or row.ease == 0:
            dropped["manual reschedules (not answers)"] += 1
            continue
        if not 1 <= row.ease <= 4:
            dropped["answers with an unknown grade"] += 1
            continue
        try:
            at = datetime.fromtimestamp(row.at_ms / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            dropped["answers with an impossible date"] += 1
            continue
        kept.append(
            ImportedReview(at, Grade(row.ease), min(max(row.duration_ms, 0), MAX_ANSWER_MS))
        )
    return kept, dropped


def _day(crt: int, day_number: int) -> datetime:
    return datetime.fromtimestamp(crt, UTC) + timedelta(days=day_number)


def due_of(card: AnkiCard, crt: int) -> datetime | None:
    """When Anki will show the card next (None for a new card)."""
    due = card.original_due or card.due
    if card.type == 0:
        return None
    if card.type in (1, 3) and due > 1_000_000_000:  # intraday learning: epoch seconds
        return datetime.fromtimestamp(due, UTC)
    return _day(crt, due)


def _fsrs_data(data: str) -> tuple[float, float] | None:
    try:
        parsed = json.loads(data) if data else {}
        stability, difficulty = float(parsed["s"]), float(parsed["d"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if stability > 0 and 1 <= difficulty <= 10:
        return stability, difficulty
    return None


def difficulty_from_ease(factor: int) -> float:
    """SM-2 ease 130 % (hardest) .. 350 % as FSRS difficulty 10 .. 1; 250 % is 5.5."""
    ease = min(max(factor / 1000, 1.3), 3.5)
    return round(10 - (ease - 1.3) / (3.5 - 1.3) * 9, 2)


def progress_of(
    card: AnkiCard,
    lattice_id: str,
    rows: Sequence[AnkiReview],
    crt: int,
    scheduler: Scheduler | None = None,
) -> ImportedProgress:
    """Lattice's record of one Anki card: its memory, answers and flags."""
    reviews, dropped = reviews_of(rows)
    state = CardState(card.type) if 0 <= card.type <= 3 else CardState.NEW
    suspended = card.queue == -1
    flagged = bool(card.flags & 7)
    if state is CardState.NEW:
        memory = CardMemory(card_id=lattice_id)
        if reviews:
            dropped["answers of cards Anki has since reset to new"] += len(reviews)
        return ImportedProgress(memory, [], suspended, flagged, "new", dropped)
    due = due_of(card, crt)
    last = reviews[-1].reviewed_at if reviews else None
    known = _fsrs_data(card.data)
    if known is not None:
        stability, difficulty = known
        source = "anki-fsrs"
    elif reviews:
        replayed = CardMemory(card_id=lattice_id)
        scheduler = scheduler or Scheduler()
        for review in reviews:
            replayed = scheduler.grade(replayed, review.grade, review.reviewed_at)
        stability = replayed.stability or 1.0
        difficulty = replayed.difficulty or 5.0
        source = "history"
    else:
        stability = float(max(card.interval, 1))
        difficulty = difficulty_from_ease(card.factor)
        source = "sm2-interval"
    if last is None and due is not None and card.interval > 0:
        last = due - timedelta(days=card.interval)  # Anki scheduled it `interval` days on
    memory = CardMemory(
        card_id=lattice_id,
        state=state,
        step=0 if state in (CardState.LEARNING, CardState.RELEARNING) else None,
        stability=stability,
        difficulty=difficulty,
        due=due,
        last_review=last,
        reps=max(card.reps, len(reviews)),
        lapses=card.lapses,
    )
    return ImportedProgress(memory, reviews, suspended, flagged, source, dropped)


def summary(progress: Sequence[ImportedProgress], orphan_reviews: int = 0) -> list[str]:
    """Lines for the import summary: what came over, and what did not and why."""
    if not progress:
        return []
    studied = [p for p in progress if p.memory_from != "new"]
    marked = any(p.suspended or p.flagged or p.dropped for p in progress)
    if not studied and not marked and not orphan_reviews:
        return []  # a deck never studied: nothing to say
    sources = Counter(p.memory_from for p in studied)
    answers = sum(len(p.reviews) for p in progress)
    lines = [
        f"Progress: {answers} answers and {len(studied)} studied cards came over "
        f"({len(progress) - len(studied)} new); "
        f"{sum(p.suspended for p in progress)} suspended, {sum(p.flagged for p in progress)} flagged."
    ]
    if studied:
        named = {
            "anki-fsrs": "Anki's FSRS memory",
            "history": "computed from the answers",
            "sm2-interval": "estimated from the SM-2 interval and ease (no answers left)",
        }
        lines.append(
            "Memory: "
            + "; ".join(f"{count} {named[src]}" for src, count in sorted(sources.items()))
            + "."
        )
    dropped: Counter[str] = Counter()
    for p in progress:
        dropped.update(p.dropped)
    if orphan_reviews:
        dropped["answers of cards not in the package"] += orphan_reviews
    for reason, count in sorted(dropped.items()):
        lines.append(f"Not imported: {count} {reason}.")
    return lines
