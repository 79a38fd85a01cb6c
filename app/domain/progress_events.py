"""A card's progress as a replay of its events.

Every change to a card's schedule is an event in the review log: a grade, a reset, a
suspension or flag and its removal, a whole schedule set at once (an import, or a state
an older database held without an event), a history moved from a retired card, a credit
from a good answer to a card that builds on it (when prerequisite credit is on). Folding a
card's events in order gives its progress; the stored `progress` row is only that fold kept
ready, so it can always be rebuilt, checked, undone (drop the last event, fold again) or
merged with another machine's log.

A grade event keeps only numbers: the state and interval before and after, the step,
stability and difficulty after. The rest follows: the review time is the last review, the
due time is the review time plus the interval, reps count the grades since the last reset
and lapses the Agains given to a card in review. A grade keeps stability and difficulty in
single precision, the precision FSRS itself computes in (fsrs-rs, so Anki): half the bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import IntEnum

from app.domain.scheduling import CardMemory, CardState, EnumTable


class EventKind(IntEnum):
    """What an event did. 1-4 are the grades (Again..Easy), as FSRS and Anki number them."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4
    RESET = 5  # the card is new again; its history stays
    SUSPEND = 6
    UNSUSPEND = 7
    FLAG = 8
    UNFLAG = 9
    SET = 10  # a whole schedule at once (import; migration of an unlogged state)
    MOVE = 11  # a retired card's history now belongs to this card
    RESCHEDULED = 12  # another app's manual reschedule, kept as history; changes nothing here
    CREDIT = 13  # a good answer to a card that builds on this one refreshed it a little

    @property
    def is_grade(self) -> bool:
        return self <= EventKind.EASY


EVENT_KINDS = EnumTable(EventKind)


@dataclass(frozen=True, slots=True)
class CardProgress:
    """A card's schedule and its two user marks: what the `progress` table stores."""

    memory: CardMemory
    suspended: bool = False
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """One review-log event of one card. `at` is when it happened (and, for a grade, the
    review time). Only the fields a kind needs are set; `schedule` only for SET."""

    kind: EventKind
    at: datetime
    state_before: CardState = CardState.NEW
    state_after: CardState = CardState.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    interval_before: timedelta | None = None
    interval_after: timedelta | None = None
    duration_ms: int = 0
    schedule: CardMemory | None = None  # SET: the whole memory (its card_id is ignored)


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One review (a grade event) as a card's history shows it."""

    event_id: int
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int
    state_before: int
    state_after: int
    interval_after: timedelta | None


def interval(memory: CardMemory) -> timedelta | None:
    """The scheduled interval of a memory: from its last review to its due time."""
    if memory.due is None or memory.last_review is None:
        return None
    return memory.due - memory.last_review


def single(value: float | None) -> float | None:
    """`value` rounded to the nearest single-precision float (exactly representable)."""
    if value is None:
        return None
    return float(_F32.unpack(_F32.pack(value))[0])


_F32 = struct.Struct("<f")


def grade_event(
    before: CardMemory,
    after: CardMemory,
    rating: int,
    at: datetime,
    duration_ms: int,
    exact: bool = False,
) -> Event:
    """The event of grading `before` into `after` at `at` (after's interval is kept, so the
    due time is `at` plus the interval the scheduler gave). Stability and difficulty are
    kept in single precision unless `exact` (a migrated review keeps what it had)."""
    keep = (lambda value: value) if exact else single
    return Event(
        kind=EVENT_KINDS[rating],
        at=at,
        state_before=before.state,
        state_after=after.state,
        step=after.step,
        stability=keep(after.stability),
        difficulty=keep(after.difficulty),
        interval_before=interval(before),
        interval_after=interval(after),
        duration_ms=max(0, int(duration_ms)),
    )


def set_event(memory: CardMemory, at: datetime) -> Event:
    """An event that sets the whole schedule (an import, or migrating an unlogged state)."""
    return Event(
        kind=EventKind.SET,
        at=at,
        state_after=memory.state,
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        schedule=memory,  # due, last review and counters go in the event's detail
    )


def credit_event(before: CardMemory, after: CardMemory, at: datetime) -> Event:
    """The event of a prerequisite credit (`domain/prerequisite_credit.py`): the stability
    and the interval from the card's last review it gives, in the precision a grade keeps.
    The card whose answer gave it is the event's source card in the log."""
    return Event(
        kind=EventKind.CREDIT,
        at=at,
        state_before=before.state,
        state_after=after.state,
        stability=single(after.stability),
        difficulty=single(after.difficulty),
        interval_before=interval(before),
        interval_after=interval(after),
    )


def apply(progress: CardProgress, event: Event) -> CardProgress:
    """The progress after one event."""
    memory = progress.memory
    kind = event.kind
    if kind.is_grade:
        lapsed = kind is EventKind.AGAIN and event.state_before is CardState.REVIEW
        due = event.at + event.interval_after if event.interval_after is not None else None
        graded = CardMemory(
            card_id=memory.card_id,
            state=event.state_after,
            step=event.step,
            stability=event.stability,
            difficulty=event.difficulty,
            due=due,
            last_review=event.at,
            reps=memory.reps + 1,
            lapses=memory.lapses + (1 if lapsed else 0),
        )
        return CardProgress(graded, progress.suspended, progress.flagged)
    if kind is EventKind.CREDIT:  # not an answer: last review and counters stay
        assert memory.last_review is not None and event.interval_after is not None
        credited = replace(
            memory,
            stability=event.stability,
            difficulty=event.difficulty,
            due=memory.last_review + event.interval_after,
        )
        return replace(progress, memory=credited)
    if kind is EventKind.RESET:
        return replace(progress, memory=CardMemory(card_id=memory.card_id))
    if kind is EventKind.SUSPEND or kind is EventKind.UNSUSPEND:
        return replace(progress, suspended=kind is EventKind.SUSPEND)
    if kind is EventKind.FLAG or kind is EventKind.UNFLAG:
        return replace(progress, flagged=kind is EventKind.FLAG)
    if kind is EventKind.SET:
        assert event.schedule is not None, "a SET event carries its schedule"
        return replace(progress, memory=replace(event.schedule, card_id=memory.card_id))
    # MOVE: the moved events themselves carry the schedule; RESCHEDULED: an import's SET
    # event that follows it carries the schedule it led to
    return progress


def replay(card_id: str, events: Iterable[Event]) -> CardProgress:
    """A card's progress from its events, oldest first."""
    progress = CardProgress(CardMemory(card_id=card_id))
    for event in events:
        progress = apply(progress, event)
    return progress
