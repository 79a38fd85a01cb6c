"""The review session: which card comes next, grading, undo and the day's counts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.clock import Clock
from app.domain.content import Card, ContentBank
from app.domain.scheduling import CardMemory, CardState, Grade, Scheduler, format_interval
from app.domain.study_day import (
    QueueCounts,
    StudySettings,
    remaining,
    study_day_end,
    study_day_start,
)
from app.storage.progress_store import LEARNING_STATES, ProgressStore

MAX_ANSWER_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class DueCard:
    card: Card
    memory: CardMemory


@dataclass(frozen=True)
class UndoEntry:
    log_id: int
    card_id: str


class ReviewService:
    """One study session over the whole bank or a scope (a set of card ids)."""

    def __init__(
        self,
        bank: ContentBank,
        store: ProgressStore,
        clock: Clock,
        settings: StudySettings,
        scope: Collection[str] | None = None,
    ) -> None:
        self.bank = bank
        self.store = store
        self.clock = clock
        self.settings = settings
        self.scheduler = Scheduler()
        self.scope = frozenset(scope) if scope is not None else None
        self._undo: list[UndoEntry] = []
        self._front: str | None = None
        self._shown_at: datetime | None = None

    # -- day arithmetic -------------------------------------------------------------------
    def _day(self) -> tuple[datetime, datetime]:
        now = self.clock.now()
        hour = self.settings.day_starts_at_hour
        return (
            study_day_start(now, self.clock.local_tz, hour),
            study_day_end(now, self.clock.local_tz, hour),
        )

    def _left_today(self) -> tuple[int, int]:
        start, _ = self._day()
        done = self.store.reviews_since(start)
        new_left = remaining(self.settings.new_per_day, done.get(int(CardState.NEW), 0))
        reviews_left = remaining(
            self.settings.max_reviews_per_day, done.get(int(CardState.REVIEW), 0)
        )
        return new_left, reviews_left

    def counts(self) -> QueueCounts:
        now = self.clock.now()
        _, day_end = self._day()
        new_left, reviews_left = self._left_today()
        ahead = now + timedelta(minutes=self.settings.learn_ahead_minutes)
        return QueueCounts(
            new=min(new_left, self.store.count_new(self.scope)),
            learning=self.store.count_due(LEARNING_STATES, ahead, self.scope),
            review=min(
                reviews_left, self.store.count_due((int(CardState.REVIEW),), day_end, self.scope)
            ),
        )

    # -- the queue ------------------------------------------------------------------------
    def next_card(self) -> DueCard | None:
        """Learning cards due now, then reviews, then new cards, then learning ahead."""
        card = self._pick()
        self._shown_at = self.clock.now() if card else None
        return card

    def _pick(self) -> DueCard | None:
        if self._front is not None:
            front, self._front = self._front, None
            if front in self.bank.cards:
                return DueCard(self.bank.cards[front], self.store.memory(front))
        now = self.clock.now()
        _, day_end = self._day()
        new_left, reviews_left = self._left_today()
        candidates: list[CardMemory] = self.store.due_learning(now, 1, self.scope)
        if not candidates and reviews_left:
            candidates = self.store.due_review(day_end, 1, self.scope)
        if not candidates and new_left:
            ids = self.store.next_new(1, self.scope)
            candidates = [self.store.memory(ids[0])] if ids else []
        if not candidates:
            ahead = now + timedelta(minutes=self.settings.learn_ahead_minutes)
            candidates = self.store.due_learning(ahead, 1, self.scope)
        for memory in candidates:
            card = self.bank.cards.get(memory.card_id)
            if card is not None:
                return DueCard(card, memory)
        return None

    def next_due_time(self) -> datetime | None:
        """When something will next be due, for the empty-queue message."""
        earliest = self.store.earliest_due(self.scope)
        if self.store.count_new(self.scope):
            _, day_end = self._day()
            earliest = min(earliest, day_end) if earliest else day_end
        return earliest

    # -- answering ------------------------------------------------------------------------
    def interval_labels(self, due: DueCard) -> dict[Grade, str]:
        previews = self.scheduler.preview(due.memory, self.clock.now())
        return {grade: format_interval(delta) for grade, delta in previews.items()}

    def answer(self, due: DueCard, grade: Grade) -> CardMemory:
        """Grade the shown card: one transaction writes the new state and its review log."""
        now = self.clock.now()
        shown = self._shown_at or now
        duration = min(MAX_ANSWER_MS, int((now - shown).total_seconds() * 1000))
        before = self.store.memory(due.card.id)
        after = self.scheduler.grade(before, grade, now)
        log_id = self.store.record_grade(before, after, int(grade), now, duration)
        self._undo.append(UndoEntry(log_id, due.card.id))
        return after

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> str | None:
        """Take back the last grade; its card is shown next. Returns the card id."""
        if not self._undo:
            return None
        entry = self._undo.pop()
        self.store.undo_review(entry.log_id)
        self._front = entry.card_id
        return entry.card_id
