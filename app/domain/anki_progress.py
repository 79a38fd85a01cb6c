"""Anki's scheduling records mapped to Lattice's and back: review history and memory.

Pure functions over plain records (the package reader fills them from the `revlog` and `cards`
tables); writing them is the progress writer's job. Anki stores:

- `revlog`: one row per answer; `id` is the answer time in epoch milliseconds, `ease` 1-4
  (0 for a reschedule by hand, which is not an answer), `ivl` / `lastIvl` the interval given
  and the one before (days if positive, seconds if negative: Lattice's own interval code),
  `time` the milliseconds spent, `type` 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual,
  5 rescheduled;
- `cards`: `type` 0 new, 1 learning, 2 review, 3 relearning; `queue` -1 suspended, -2/-3
  buried; `due` a day number since the collection's creation (`col.crt`, seconds) for review
  cards, epoch seconds for intraday learning, a position for new cards; `odue` the due date
  kept while the card sits in a filtered deck; `flags & 7` the flag colour; `data` JSON with
  FSRS memory `s` (stability, days) and `d` (difficulty 1-10) when FSRS is on (with `dr`
  the desired retention, `decay` and `lrt` the last review's epoch seconds).

Each answer becomes a grade event of Lattice's review log (`history_events`) at its own time,
with Anki's intervals and the memory FSRS gives after it, so the history, the statistics and
the memory-model fit see it. A reschedule by hand is kept as a RESCHEDULED event. The
card's schedule as Anki holds it now (its due date and memory) is set after them. Memory comes
from `data` where Anki has it; otherwise (SM-2) it is computed by replaying the card's answers
through Lattice's FSRS scheduler, from fsrs-rs's `memory_state_from_sm2` when the history was
cut short; a review card with no answers left gets `memory_state_from_sm2` alone (measured:
tests/benchmarks/anki_sm2_memory.py).

The other way (`anki_schedule`, `revlog_rows`), a Lattice card's progress becomes the
scheduling columns of an Anki `cards` row and its events `revlog` rows.

Values no Anki could have written (answers in the future or before Anki existed, intervals
past a century, memory out of FSRS's range) are refused with the card named (`Absurd`): such a
package is damaged or made by hand, and importing part of it would leave a wrong history.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.domain.progress_events import Event, EventKind, single
from app.domain.scheduling import CardMemory, CardState, Grade, Scheduler

MAX_ANSWER_MS = 60 * 60 * 1000  # Anki caps the recorded time too; longer is a left-open card
MANUAL = (4, 5)  # revlog types that record a reschedule, not an answer
FIRST_ANKI = datetime(2006, 1, 1, tzinfo=UTC)  # no answer can be older than Anki itself
MAX_INTERVAL_DAYS = 36_500  # Anki's own maximum interval (100 years)
MAX_STEP_SECONDS = 366 * 86_400  # a learning step longer than a year is not one
SM2_RETENTION = 0.9  # what SM-2's intervals aim for, as Anki assumes when switching to FSRS


class Absurd(ValueError):
    """A value no Anki collection could hold; the message names it."""


@dataclass(frozen=True)
class AnkiReview:
    """One `revlog` row."""

    card_id: int  # Anki's card id (`cid`)
    at_ms: int  # `id`: when it was answered
    ease: int
    duration_ms: int
    kind: int = 1
    interval: int = 0  # `ivl`: days if positive, seconds if negative
    last_interval: int = 0  # `lastIvl`
    factor: int = 0  # SM-2 ease in permille when answered (FSRS collections: difficulty)


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
    source_id: int = 0  # Anki's revlog id (epoch ms): the event's id derives from it
    interval: timedelta | None = None  # what Anki gave; None when it recorded none
    interval_before: timedelta | None = None  # Anki's `lastIvl`
    manual: bool = False  # a reschedule by hand (set due date, forget): not an answer
    # a review answer (not learning) with the ease and interval the card had before it: the
    # first answer left of a history whose earlier rows were deleted
    review_of: tuple[int, int] | None = None  # (ease permille, interval days)


@dataclass
class ImportedProgress:
    """A card's memory, its answers, its flags; and why anything was left out."""

    memory: CardMemory
    reviews: list[ImportedReview]
    suspended: bool
    flagged: bool
    memory_from: str  # "anki-fsrs", "history", "sm2-interval", "new"
    dropped: Counter[str] = field(default_factory=Counter)
    buried: bool = False
    flag_colour: int = 0  # Anki's (1 red .. 7 purple), kept so the card goes back with it
    # the answers as review-log events, keyed by Anki's revlog id (epoch milliseconds)
    events: list[tuple[int, Event]] = field(default_factory=list)

    @property
    def answers(self) -> list[ImportedReview]:
        """The reviews that were answers (not reschedules by hand)."""
        return [r for r in self.reviews if not r.manual]


def _interval(code: int, where: str) -> timedelta | None:
    """Anki's interval code (days if positive, seconds if negative) as a duration."""
    if code > MAX_INTERVAL_DAYS or code < -MAX_STEP_SECONDS:
        raise Absurd(f"{where}: an interval of {_code_text(code)} is impossible")
    if code == 0:
        return None
    return timedelta(days=code) if code > 0 else timedelta(seconds=-code)


def _code_text(code: int) -> str:
    return f"{code} days" if code >= 0 else f"{-code} seconds"


@dataclass(frozen=True)
class ScheduleImport:
    """What an import sets for one Lattice card: Anki's answers as events (keyed by revlog
    id), then its schedule and marks as Anki holds them now."""

    memory: CardMemory
    suspended: bool = False
    flagged: bool = False
    events: tuple[tuple[int, Event], ...] = ()


def reviews_of(
    rows: Iterable[AnkiReview], where: str = "a card"
) -> tuple[list[ImportedReview], Counter[str]]:
    """The answers among `rows`, oldest first, and a count of what was left out and why.
    Raises `Absurd` for an answer dated before Anki existed or an impossible interval."""
    kept: list[ImportedReview] = []
    dropped: Counter[str] = Counter()
    for row in sorted(rows, key=lambda r: r.at_ms):
        manual = row.kind in MANUAL or row.ease == 0
        if not manual and not 1 <= row.ease <= 4:
            dropped["answers with an unknown grade"] += 1
            continue
        try:
            at = datetime.fromtimestamp(row.at_ms / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            at = FIRST_ANKI - timedelta(days=1)
        if at < FIRST_ANKI:
            raise Absurd(f"{where}: an answer dated {at:%Y-%m-%d}, before Anki existed")
        kept.append(
            ImportedReview(
                at,
                Grade.AGAIN if manual else Grade(row.ease),
                0 if manual else min(max(row.duration_ms, 0), MAX_ANSWER_MS),
                source_id=row.at_ms,
                interval=_interval(row.interval, where),
                interval_before=_interval(row.last_interval, where),
                manual=manual,
                review_of=(row.factor, row.last_interval)
                if row.kind in (1, 2) and row.last_interval > 0
                else None,
            )
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
    if abs(due) > 2 * MAX_INTERVAL_DAYS:
        raise Absurd(f"card {card.card_id}: due on day {due} of the collection is impossible")
    return _day(crt, due)


def _fsrs_data(data: str, where: str) -> tuple[float, float] | None:
    """Anki's FSRS memory from `cards.data`; None when the card has none (SM-2)."""
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        return None
    if not isinstance(parsed, dict) or "s" not in parsed or "d" not in parsed:
        return None
    try:
        stability, difficulty = float(parsed["s"]), float(parsed["d"])
    except (ValueError, TypeError):
        raise Absurd(f"{where}: its FSRS memory is not a number ({data[:80]})") from None
    if not (0 < stability <= MAX_INTERVAL_DAYS and 1 <= difficulty <= 10):
        raise Absurd(
            f"{where}: FSRS memory out of range (stability {stability}, difficulty {difficulty})"
        )
    return stability, difficulty


def difficulty_from_ease(factor: int) -> float:
    """SM-2 ease 130 % (hardest) .. 350 % as FSRS difficulty 10 .. 1; 250 % is 5.5."""
    ease = min(max(factor / 1000, 1.3), 3.5)
    return round(10 - (ease - 1.3) / (3.5 - 1.3) * 9, 2)


def ease_from_difficulty(difficulty: float | None) -> int:
    """The inverse of `difficulty_from_ease`, in permille (Anki's `factor`): 2500 if unknown."""
    if difficulty is None:
        return 2500
    clamped = min(max(difficulty, 1.0), 10.0)
    return round((1.3 + (10 - clamped) / 9 * (3.5 - 1.3)) * 1000)


def memory_from_sm2(factor: int, interval_days: int) -> tuple[float, float]:
    """FSRS memory for an SM-2 card known only by its ease and interval (fsrs-rs, as Anki
    does when FSRS is switched on for a card without usable history)."""
    import fsrs_rs_python as rs

    ease = min(max(factor / 1000, 1.3), 5.0)
    state = rs.FSRS(rs.DEFAULT_PARAMETERS).memory_state_from_sm2(
        ease, float(max(interval_days, 1)), SM2_RETENTION
    )
    return float(state.stability), min(max(float(state.difficulty), 1.0), 10.0)


def _state_after(before: CardState, interval: timedelta | None) -> CardState:
    """Anki's state after an answer: in review once it gives a whole-day interval, else
    learning (relearning if the card had been in review)."""
    if interval is not None and interval >= timedelta(days=1):
        return CardState.REVIEW
    if before in (CardState.REVIEW, CardState.RELEARNING):
        return CardState.RELEARNING
    return CardState.LEARNING


def history_events(
    reviews: Sequence[ImportedReview], lattice_id: str, scheduler: Scheduler
) -> tuple[list[tuple[int, Event]], CardMemory]:
    """Each answer as a grade event (keyed by Anki's revlog id), and the memory FSRS gives
    after the last one. Intervals (given and before) are Anki's, states follow from them; stability and difficulty are
    FSRS's after each answer (Anki keeps them only for the card as it is now).

    A history that starts with a review answer lost its beginning (deleted in Anki): it is
    replayed from the FSRS memory of the card's SM-2 ease and interval at that answer, which
    predicts recall better than taking that answer for the first
    (tests/benchmarks/anki_sm2_memory.py)."""
    events: list[tuple[int, Event]] = []
    memory = CardMemory(card_id=lattice_id)
    state = CardState.NEW
    answers = [r for r in reviews if not r.manual]
    if answers and answers[0].review_of is not None:
        factor, days = answers[0].review_of
        stability, difficulty = memory_from_sm2(factor or 2500, days)
        first = answers[0].reviewed_at
        memory = CardMemory(
            card_id=lattice_id,
            state=CardState.REVIEW,
            stability=stability,
            difficulty=difficulty,
            due=first,
            last_review=first - timedelta(days=days),
        )
        state = CardState.REVIEW
    for review in reviews:
        if review.manual:  # kept as history; the schedule it gave comes with the SET
            events.append(
                (
                    review.source_id,
                    Event(
                        kind=EventKind.RESCHEDULED,
                        at=review.reviewed_at,
                        state_before=state,
                        state_after=state,
                        interval_before=review.interval_before,
                        interval_after=review.interval,
                    ),
                )
            )
            continue
        memory = scheduler.grade(memory, review.grade, review.reviewed_at)
        after = _state_after(state, review.interval)
        events.append(
            (
                review.source_id,
                Event(
                    kind=EventKind(int(review.grade)),
                    at=review.reviewed_at,
                    state_before=state,
                    state_after=after,
                    step=None if after is CardState.REVIEW else 0,
                    stability=single(memory.stability),
                    difficulty=single(memory.difficulty),
                    interval_before=review.interval_before,
                    interval_after=review.interval,
                    duration_ms=review.duration_ms,
                ),
            )
        )
        state = after
    return events, memory


def progress_of(
    card: AnkiCard,
    lattice_id: str,
    rows: Sequence[AnkiReview],
    crt: int,
    scheduler: Scheduler | None = None,
) -> ImportedProgress:
    """Lattice's record of one Anki card: its memory, answers and flags."""
    where = f"Anki card {card.card_id}"
    reviews, dropped = reviews_of(rows, where)
    if card.interval > MAX_INTERVAL_DAYS or card.interval < -MAX_STEP_SECONDS:
        raise Absurd(f"{where}: an interval of {_code_text(card.interval)} is impossible")
    state = CardState(card.type) if 0 <= card.type <= 3 else CardState.NEW
    suspended = card.queue == -1
    buried = card.queue in (-2, -3)
    flagged = bool(card.flags & 7)
    scheduler = scheduler or Scheduler()
    events, replayed = history_events(reviews, lattice_id, scheduler)
    if state is CardState.NEW:
        memory = CardMemory(card_id=lattice_id)
        return ImportedProgress(
            memory, reviews, suspended, flagged, "new", dropped, buried, card.flags & 7, events
        )
    due = due_of(card, crt)
    answers = [r for r in reviews if not r.manual]
    last = answers[-1].reviewed_at if answers else None
    known = _fsrs_data(card.data, where)
    if known is not None:
        stability, difficulty = known
        source = "anki-fsrs"
    elif answers:
        stability = replayed.stability or 1.0
        difficulty = replayed.difficulty or 5.0
        source = "history"
    else:
        stability, difficulty = memory_from_sm2(card.factor, card.interval)
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
        reps=max(card.reps, len(answers)),
        lapses=card.lapses,
    )
    return ImportedProgress(
        memory, reviews, suspended, flagged, source, dropped, buried, card.flags & 7, events
    )


def summary(progress: Sequence[ImportedProgress], orphan_reviews: int = 0) -> list[str]:
    """Lines for the import summary: what came over, and what did not and why."""
    if not progress:
        return []
    studied = [p for p in progress if p.memory_from != "new"]
    marked = any(p.suspended or p.flagged or p.buried or p.dropped for p in progress)
    answers = sum(len(p.answers) for p in progress)
    manual = sum(len(p.reviews) - len(p.answers) for p in progress)
    if not studied and not marked and not orphan_reviews and not answers:
        return []  # a deck never studied: nothing to say
    sources = Counter(p.memory_from for p in studied)
    buried = sum(p.buried for p in progress)
    lines = [
        f"Progress: {answers} answers and {len(studied)} studied cards came over "
        f"({len(progress) - len(studied)} new); "
        f"{sum(p.suspended for p in progress)} suspended, {sum(p.flagged for p in progress)} "
        f"flagged" + (f", {buried} buried until tomorrow." if buried else ".")
    ]
    if answers:
        lines.append(
            "Anki's answers are in each card's review history, the statistics and the "
            "memory-model fit, at the times they were given."
        )
    if manual:
        lines.append(
            f"{manual} reschedules by hand in Anki (set due date, forget) are kept in the "
            "history; they are not answers."
        )
    if studied:
        named = {
            "anki-fsrs": "Anki's FSRS memory",
            "history": "computed with FSRS from the answers (the collection does not use FSRS)",
            "sm2-interval": "estimated from the SM-2 interval and ease (no answers left)",
        }
        lines.append(
            "Memory: "
            + "; ".join(f"{count} {named[src]}" for src, count in sorted(sources.items()))
            + "."
        )
    reset = sum(len(p.answers) for p in progress if p.memory_from == "new")
    if reset:
        lines.append(
            f"{reset} answers are of cards Anki has since reset to new: they are kept in the "
            "history and the cards start again as new."
        )
    dropped: Counter[str] = Counter()
    for p in progress:
        dropped.update(p.dropped)
    if orphan_reviews:
        dropped["answers of cards not in the package (deleted in Anki)"] += orphan_reviews
    for reason, count in sorted(dropped.items()):
        lines.append(f"Not imported: {count} {reason}.")
    return lines


# -- Lattice to Anki -------------------------------------------------------------------------
ANKI_MAX_ANSWER_MS = 60_000 * 60  # what Anki stores at most is up to its settings; keep ours


@dataclass(frozen=True)
class AnkiCardSchedule:
    """The scheduling columns of one Anki `cards` row."""

    type: int
    queue: int
    due: int
    interval: int
    factor: int
    reps: int
    lapses: int
    left: int
    flags: int
    data: str


def anki_schedule(
    memory: CardMemory,
    suspended: bool,
    flagged: bool,
    position: int,
    day_number: Callable[[datetime], int],
    retention: float,
    decay: float,
    flag_colour: int = 1,
) -> AnkiCardSchedule:
    """A card's Lattice progress as Anki keeps it: review cards due on a day of the
    collection (`day_number`), learning cards at their minute, FSRS memory in `data`.
    Lattice has one flag: a flagged card gets `flag_colour` (red unless it came from Anki
    with another)."""
    flags = flag_colour if flagged else 0
    if memory.is_new:
        return AnkiCardSchedule(0, -1 if suspended else 0, position, 0, 0, 0, 0, 0, flags, "")
    due = memory.due or memory.last_review
    assert due is not None, "a studied card has a due date"
    data = ""
    if memory.stability and memory.difficulty:
        fields: dict[str, float | int] = {
            "s": round(memory.stability, 4),
            "d": round(memory.difficulty, 3),
            "dr": retention,
            "decay": decay,
        }
        if memory.last_review is not None:
            fields["lrt"] = int(memory.last_review.timestamp())
        data = json.dumps(fields, separators=(",", ":"))
    factor = ease_from_difficulty(memory.difficulty)
    if memory.state is CardState.REVIEW:
        # Anki's interval counts its days from the day of the last answer to the due day: a
        # card answered this afternoon and due four days on has 4, though fewer than 96 hours
        # lie between the answer and the start of that day.
        last = memory.last_review
        interval = max(1, day_number(due) - day_number(last)) if last is not None else 1
        queue = -1 if suspended else 2
        return AnkiCardSchedule(
            2, queue, day_number(due), interval, factor, memory.reps, memory.lapses, 0, flags, data
        )
    kind = int(memory.state)  # 1 learning, 3 relearning: due at its minute, one step left
    interval = max(1, round(memory.stability or 1)) if kind == 3 else 0
    queue = -1 if suspended else 1
    return AnkiCardSchedule(
        kind,
        queue,
        int(due.timestamp()),
        interval,
        factor,
        memory.reps,
        memory.lapses,
        1001,
        flags,
        data,
    )


def revlog_interval(value: timedelta | None) -> int:
    """An interval as Anki's revlog keeps it: whole days if a day or more, else -seconds."""
    if value is None:
        return 0
    if value >= timedelta(days=1):
        return max(1, round(value / timedelta(days=1)))
    return -round(value.total_seconds())


@dataclass(frozen=True)
class AnkiRevlogRow:
    """One row of Anki's `revlog` (the card id is added by the writer)."""

    id: int  # epoch milliseconds
    ease: int
    interval: int
    last_interval: int
    factor: int
    duration_ms: int
    kind: int  # 0 learn, 1 review, 2 relearn


def revlog_rows(events: Sequence[Event], factor: int, taken: set[int]) -> list[AnkiRevlogRow]:
    """A card's reviews (and reschedules imported from Anki) as revlog rows, oldest first.
    Each id is the event's millisecond, moved on past any id in `taken` (which it joins):
    Anki's ids are unique, and the same review exported twice has the same id, so Anki
    adds it only once."""
    rows: list[AnkiRevlogRow] = []
    for event in events:
        row_id = int(to_ms(event.at))
        while row_id in taken:
            row_id += 1
        taken.add(row_id)
        manual = event.kind is EventKind.RESCHEDULED
        kind = (
            4
            if manual
            else {CardState.REVIEW: 1, CardState.RELEARNING: 2}.get(event.state_before, 0)
        )
        rows.append(
            AnkiRevlogRow(
                row_id,
                0 if manual else int(event.kind),
                revlog_interval(event.interval_after),
                revlog_interval(event.interval_before),
                factor if kind in (1, 2) else 0,
                min(max(event.duration_ms, 0), ANKI_MAX_ANSWER_MS),
                kind,
            )
        )
    return rows


def to_ms(at: datetime) -> int:
    """Epoch milliseconds, exactly (Anki's revlog ids)."""
    return (at - EPOCH) // timedelta(milliseconds=1)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
