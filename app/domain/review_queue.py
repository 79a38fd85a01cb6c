"""Today's review queue, kept in memory the way Anki's v3 scheduler does.

Built once from storage (and again when the day rolls over or another part of the app
changed progress), then updated as cards are answered, so showing the next card and the
counts costs no database work. Order: learning cards due now, then reviews due today, then
new cards, then learning cards due within the learn-ahead window.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter

from app.domain.scheduling import CardMemory, CardState
from app.domain.study_day import QueueCounts

LEARNING = (CardState.LEARNING, CardState.RELEARNING)
_DUE = itemgetter(0)


@dataclass
class DayQueue:
    day_end: datetime
    # Sorted by due time, so the counts are a binary search, not a walk over the line.
    learning: list[tuple[datetime, str]] = field(default_factory=list)
    reviews: deque[str] = field(default_factory=deque)
    new: deque[str] = field(default_factory=deque)
    memories: dict[str, CardMemory] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        day_end: datetime,
        learning: Iterable[CardMemory],
        reviews: Iterable[CardMemory],
        new_ids: Iterable[str],
    ) -> DayQueue:
        """`reviews` and `new_ids` come already ordered and cut to what today's limits allow."""
        queue = cls(day_end=day_end)
        for memory in learning:
            queue._add_learning(memory)
        for memory in reviews:
            queue.reviews.append(memory.card_id)
            queue.memories[memory.card_id] = memory
        queue.new.extend(new_ids)
        return queue

    def _add_learning(self, memory: CardMemory) -> None:
        assert memory.due is not None
        insort(self.learning, (memory.due, memory.card_id))
        self.memories[memory.card_id] = memory

    def counts(self, now: datetime, learn_ahead: timedelta) -> QueueCounts:
        horizon = now + learn_ahead
        return QueueCounts(
            new=len(self.new),
            learning=bisect_right(self.learning, horizon, key=_DUE),
            review=len(self.reviews),
        )

    def next(self, now: datetime, learn_ahead: timedelta) -> CardMemory | None:
        """The card to show now, without taking it off the queue."""
        if self.learning and self.learning[0][0] <= now:
            return self.memories[self.learning[0][1]]
        if self.reviews:
            return self.memories[self.reviews[0]]
        if self.new:
            return CardMemory(card_id=self.new[0])
        if self.learning and self.learning[0][0] <= now + learn_ahead:
            return self.memories[self.learning[0][1]]
        return None

    def answered(self, after: CardMemory) -> None:
        """Take the card off its queue; a learning step due today puts it back in line.

        The card's queue is known from what was stored for it (none: new), and it is nearly
        always the one `next` offered, at the front of its line.
        """
        card_id = after.card_id
        known = self.memories.pop(card_id, None)
        if known is None:
            _take(self.new, card_id)
        elif known.state in LEARNING:
            learning = self.learning
            if learning[0][1] == card_id:
                del learning[0]
            else:
                self.learning = [item for item in learning if item[1] != card_id]
        else:
            _take(self.reviews, card_id)
        if after.state in LEARNING and after.due is not None and after.due < self.day_end:
            self._add_learning(after)

    def credited(self, after: CardMemory) -> None:
        """A card whose prerequisite credit moved its due date: a review in today's queue
        stays if it is still due today, with its new memory, and leaves it if not."""
        known = self.memories.get(after.card_id)
        if known is None or known.state in LEARNING:
            return
        if after.due is not None and after.due < self.day_end:
            self.memories[after.card_id] = after
        else:
            self.answered(after)


def _take(line: deque[str], card_id: str) -> None:
    if line and line[0] == card_id:
        line.popleft()
    elif card_id in line:
        line.remove(card_id)
