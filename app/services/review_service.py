"""The review session: which card comes next, grading, undo and the day's counts."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from app.domain.changes import Changes
from app.domain.clock import Clock
from app.domain.content import Card, ContentBank
from app.domain.memory_model import DEFAULT_PARAMETERS, MemoryModel
from app.domain.prerequisite_credit import DEFAULT_SHARE, credit_card, gives_credit
from app.domain.review_queue import DayQueue
from app.domain.scheduling import (
    CardMemory,
    CardState,
    Grade,
    Scheduler,
    format_interval,
)
from app.domain.study_day import (
    QueueCounts,
    StudySettings,
    remaining,
    study_day_end,
    study_day_start,
)
from app.services.buried_cards import BuriedCards
from app.storage.review_ledger import ReviewLedger

MAX_ANSWER_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class DueCard:
    card: Card
    memory: CardMemory


@dataclass(frozen=True)
class PlannedDay:
    """Today's part of the interview plan, followed instead of the daily limits."""

    day_end: datetime  # the end of the study day it was planned for
    new: tuple[str, ...]
    reviews: tuple[str, ...]


@dataclass(frozen=True)
class Beyond:
    """What the learner asked for past today's limits; it lapses when the day ends."""

    day_end: datetime | None = None
    new: int = 0
    ahead_days: int = 0


_UNLIMITED = 1_000_000
_GRADED = Changes.QUEUE | Changes.PROGRESS  # made once: a Flag union costs microseconds


@dataclass(frozen=True)
class UndoEntry:
    log_id: int
    card_id: str


class ReviewService:
    """One study session over the whole bank or a scope (a set of card ids).

    Today's queue lives in memory (see `DayQueue`) and is rebuilt when the study day rolls
    over or when another connection has committed progress (quiz, browse, import). That is
    checked once per card shown (`next_card`), after a grade with the version that grade's
    own transaction read: the counts shown with the card and its grade use the same queue,
    so a keypress asks the database only to save the grade.
    """

    def __init__(
        self,
        bank: ContentBank,
        db_path: Path,
        clock: Clock,
        settings: StudySettings,
        scope: Collection[str] | None = None,
        buried: BuriedCards | None = None,
    ) -> None:
        self.bank = bank
        self.db_path = db_path
        self.clock = clock
        self.settings = settings
        self.scheduler = Scheduler(settings.scheduler_settings())
        self.scope = frozenset(scope) if scope is not None else None
        self.ledger = ReviewLedger(db_path, self.scope)
        self._queue: DayQueue | None = None
        self._seen_version: int | None = None
        self._ahead: tuple[float, timedelta] = (-1, timedelta())
        self._checked = False  # next_card has just checked for other connections' commits
        # The version the last grade's transaction read: the check for the card after it.
        self._graded_version: int | None = None
        self._undo: list[UndoEntry] = []
        self._front: str | None = None
        self._shown_at: datetime | None = None
        # Cards put aside until the study day ends (Anki's bury), shared by the sessions of
        # one run and kept across restarts; the end of the day lifts it.
        self.buried = buried if buried is not None else BuriedCards(db_path)
        self._beyond = Beyond()
        self._planned: PlannedDay | None = None

    def close(self) -> None:
        self.ledger.close()

    def durability_problem(self) -> str | None:
        """Set when grades can no longer be made durable the normal way (the log file was
        deleted under the app): the screen shows it until Lattice restarts."""
        return self.ledger.durability.problem

    def wait_durable(self) -> None:
        """Block until every grade so far is on disk, not just committed (see WalSync)."""
        self.ledger.wait_durable()

    # -- today's queue --------------------------------------------------------------------
    @property
    def _learn_ahead(self) -> timedelta:
        minutes = self.settings.learn_ahead_minutes
        if self._ahead[0] != minutes:  # made once, not on every keypress
            self._ahead = (minutes, timedelta(minutes=minutes))
        return self._ahead[1]

    def _today(self, recheck: bool = True) -> DayQueue:
        """Today's queue; `recheck=False` skips asking whether another connection has
        committed since the last check (the day's end is always checked)."""
        now = self.clock.now()
        queue = self._queue
        if not recheck and queue is not None and now < queue.day_end:
            return queue
        version = self._graded_version
        if version is None:
            version = self.ledger.data_version()
        self._graded_version = None
        if queue is None or now >= queue.day_end or version != self._seen_version:
            queue = self._queue = self._build(now)
            self._seen_version = version
        return queue

    def _build(self, now: datetime) -> DayQueue:
        hour = self.settings.day_starts_at_hour
        start = study_day_start(now, self.clock.local_tz, hour)
        end = study_day_end(now, self.clock.local_tz, hour)
        beyond = self._beyond if self._beyond.day_end == end else Beyond(end)
        self._beyond = beyond
        done = self.ledger.done_since(start)
        new_left = remaining(
            self.settings.new_per_day + beyond.new, done.get(int(CardState.NEW), 0)
        )
        reviews_left = remaining(
            self.settings.max_reviews_per_day, done.get(int(CardState.REVIEW), 0)
        )
        planned = self._planned if self._planned and self._planned.day_end == end else None
        if planned is not None:
            return self._build_planned(planned, start, end, beyond)
        until = end + timedelta(days=beyond.ahead_days)
        if beyond.ahead_days:
            reviews_left = _UNLIMITED  # asked for: every card due by then
        known = self._unburied(now)
        return DayQueue.build(
            end,
            (m for m in self.ledger.learning_due(end) if m.card_id in known),
            (m for m in self.ledger.reviews_due(until, reviews_left) if m.card_id in known)
            if reviews_left
            else (),
            (i for i in self.ledger.new_ids(new_left) if i in known) if new_left else (),
        )

    def _unburied(self, now: datetime) -> Collection[str]:
        """The bank's cards but those buried for the rest of the study day."""
        buried = self.buried.buried(now)
        return self.bank.cards.keys() - buried if buried else self.bank.cards.keys()

    def _build_planned(
        self, planned: PlannedDay, start: datetime, end: datetime, beyond: Beyond
    ) -> DayQueue:
        """The plan's reviews and new cards for today (those not yet answered today), plus
        learning steps; 'more new cards' still adds the next cards in line."""
        known = self._unburied(self.clock.now())
        in_scope = self.scope
        memories = [self.ledger.memory(c) for c in planned.reviews if c in known]
        reviews = [
            m
            for m in memories
            if m.state is CardState.REVIEW
            and (m.last_review is None or m.last_review < start)
            and (in_scope is None or m.card_id in in_scope)
        ]
        new = [
            c
            for c in planned.new
            if c in known and (in_scope is None or c in in_scope) and self.ledger.memory(c).is_new
        ]
        if beyond.new:
            extra = [i for i in self.ledger.new_ids(len(new) + beyond.new) if i not in new]
            new += extra[: beyond.new]
        return DayQueue.build(
            end, (m for m in self.ledger.learning_due(end) if m.card_id in known), reviews, new
        )

    @property
    def following(self) -> bool:
        """Today's queue is the interview plan's."""
        queue = self._today()
        return self._planned is not None and self._planned.day_end == queue.day_end

    def follow(self, planned: PlannedDay | None) -> None:
        """Serve today's part of the interview plan (None: back to the daily limits)."""
        self._planned = planned
        self._queue = None

    # -- study past the limits (Anki's Custom Study) --------------------------------------
    def more_available(self) -> tuple[int, int]:
        """(new cards never seen, reviews due tomorrow) in this session's scope: what the
        'All caught up' screen can offer beyond today's limits."""
        queue = self._today()
        known = self.bank.cards
        unseen = sum(1 for i in self.ledger.new_ids(_UNLIMITED) if i in known) - len(queue.new)
        tomorrow = queue.day_end + timedelta(days=1)
        ahead = sum(
            1
            for m in self.ledger.reviews_due(tomorrow, _UNLIMITED)
            if m.card_id in known and m.due is not None and m.due >= queue.day_end
        )
        return max(0, unseen), ahead

    def study_more_new(self, count: int) -> None:
        """`count` more new cards today, past the daily limit. Only today's allowance grows:
        tomorrow's limit is counted afresh, so nothing is borrowed from it."""
        self._today()
        self._beyond = replace(self._beyond, new=self._beyond.new + max(0, count))
        self._queue = None

    def study_ahead(self, days: int = 1) -> None:
        """Today's queue also takes the reviews due in the next `days` study days."""
        self._today()
        self._beyond = replace(self._beyond, ahead_days=max(self._beyond.ahead_days, days))
        self._queue = None

    def reload(self) -> None:
        """Build today's queue afresh on next use (something else changed the schedule)."""
        self._queue = None

    def counts(self) -> QueueCounts:
        """Today's counts; right after `next_card`, of the queue that card came from."""
        checked, self._checked = self._checked, False
        return self._today(recheck=not checked).counts(self.clock.now(), self._learn_ahead)

    def next_card(self) -> DueCard | None:
        """Learning cards due now, then reviews, then new cards, then learning ahead."""
        card = self._pick()
        self._shown_at = self.clock.now() if card else None
        return card

    def _pick(self) -> DueCard | None:
        if self._front is not None:
            front, self._front = self._front, None
            if front in self.bank.cards:
                return DueCard(self.bank.cards[front], self.ledger.memory(front))
        memory = self._today().next(self.clock.now(), self._learn_ahead)
        self._checked = True
        if memory is None:
            return None
        return DueCard(self.bank.cards[memory.card_id], memory)

    def next_due_time(self) -> datetime | None:
        """When something will next be due, for the empty-queue message."""
        earliest = self.ledger.earliest_due()
        if self.ledger.new_ids(1):
            day_end = self._today().day_end
            earliest = min(earliest, day_end) if earliest else day_end
        return earliest

    def bury(self, card_id: str) -> Changes:
        """Put the card aside for the rest of the study day."""
        self.buried.bury([card_id], self._today().day_end, self.clock.now())
        self._queue = None
        return Changes.QUEUE

    def unbury(self, card_id: str) -> Changes:
        """Bring a buried card back; it is shown next."""
        if not self.buried.unbury(card_id, self.clock.now()):
            return Changes.NONE
        self._queue = None
        self._front = card_id
        return Changes.QUEUE

    def show_next(self, card_id: str) -> None:
        """Show `card_id` next (an undone action on it brings it back to the screen)."""
        self._front = card_id

    # -- answering ------------------------------------------------------------------------
    def interval_labels(self, due: DueCard) -> dict[Grade, str]:
        previews = self.scheduler.preview(due.memory, self.clock.now())
        return {grade: format_interval(delta) for grade, delta in previews.items()}

    def answer(self, due: DueCard, grade: Grade) -> Changes:
        """Grade the shown card: one transaction writes the new state and its review log.
        A grade the disk refuses raises StorageFault (saying why) and changes nothing."""
        queue = self._today(recheck=False)  # the queue the card was shown from
        now = self.clock.now()
        shown = self._shown_at or now
        duration = min(MAX_ANSWER_MS, int((now - shown).total_seconds() * 1000))
        targets = self._credit_targets(due.card, grade)
        credited: list[CardMemory] = []
        if targets:
            day_start = study_day_start(now, self.clock.local_tz, self.settings.day_starts_at_hour)
            log_id, after, credited = self.ledger.record_grade_with_credits(
                due.card.id,
                lambda before: self.scheduler.grade(before, grade, now),
                int(grade),
                now,
                duration,
                targets,
                self._credit_rule(now, day_start),
                day_start,
            )
        else:
            log_id, after = self.ledger.record_grade(
                due.card.id,
                lambda before: self.scheduler.grade(before, grade, now),
                int(grade),
                now,
                duration,
            )
        queue.answered(after)
        for memory in credited:
            queue.credited(memory)
        self._graded_version = self.ledger.version_at_grade()
        self._undo.append(UndoEntry(log_id, due.card.id))
        return _GRADED

    def _credit_targets(self, card: Card, grade: Grade) -> list[str]:
        """The cards of the card's concept's direct prerequisites, when prerequisite credit
        is on and the answer was Good or Easy (`domain/prerequisite_credit.py`)."""
        if not self.settings.prerequisite_credit or not gives_credit(int(grade)):
            return []
        concept = self.bank.concepts.get(card.concept)
        if concept is None:
            return []
        return [c.id for needed in concept.requires for c in self.bank.cards_of(needed)]

    def _credit_rule(
        self, now: datetime, day_start: datetime
    ) -> Callable[[CardMemory, bool], CardMemory | None]:
        """A prerequisite's card after a credit now (None: it gets none), with the
        learner's parameters and desired retention."""
        model = MemoryModel(self.settings.fsrs_parameters or DEFAULT_PARAMETERS)
        scheduler = self.scheduler.settings

        def credit(memory: CardMemory, credited_today: bool) -> CardMemory | None:
            return credit_card(
                memory,
                DEFAULT_SHARE,
                now,
                day_start,
                credited_today,
                model,
                scheduler.desired_retention,
                scheduler.maximum_interval_days,
            )

        return credit

    def undo(self) -> Changes:
        """Take back the last grade; its card is shown next. `Changes.NONE`: nothing to undo."""
        if not self._undo:
            return Changes.NONE
        entry = self._undo[-1]
        self.ledger.undo_review(entry.log_id)  # StorageFault when refused: nothing changes
        self._undo.pop()
        self._queue = None  # rare: simply rebuild today's queue
        self._front = entry.card_id
        return Changes.QUEUE | Changes.PROGRESS
