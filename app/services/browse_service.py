"""Browse every card: one row per card with its schedule, full-text search, card actions."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from app.domain.changes import Changes
from app.domain.content import Card
from app.domain.media_names import plain_text
from app.domain.scheduling import CardMemory, CardState, Grade, Scheduler, format_interval
from app.services.context import AppContext
from app.storage.search_store import MARK_END, MARK_START, SearchHit, SearchStore, query_terms

MARK_STYLE = "background-color: #f5d76e; color: #1f2328;"


@dataclass(frozen=True, slots=True)
class BrowseRow:
    """What the Browse table shows for one card."""

    card: Card
    concept_title: str
    area_id: str
    area_title: str
    area_color: str
    memory: CardMemory  # the schedule; use `card.id` for the card's id
    retrievability: float | None  # None for a card never studied
    suspended: bool
    flagged: bool

    @property
    def card_id(self) -> str:
        return self.card.id

    @property
    def state_label(self) -> str:
        return "suspended" if self.suspended else self.memory.state.label


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    reviewed_at: datetime
    rating: str
    state_before: str
    state_after: str
    interval: str  # the interval the grade gave
    seconds: float


def marked_to_html(marked: str, style: str = MARK_STYLE) -> str:
    """Escape text from the search index and turn its match marks into highlight spans."""
    escaped = html.escape(marked)
    return escaped.replace(MARK_START, f'<span style="{style}">').replace(MARK_END, "</span>")


def strip_marks(marked: str) -> str:
    return marked.replace(MARK_START, "").replace(MARK_END, "")


# A media reference in marked text: a match may have marked part of its file name.
_MARKED_MEDIA_REF = re.compile(
    rf"!?\[[^\[\]\n]{{0,500}}\]\(media:[\w.\-{MARK_START}{MARK_END}]{{1,250}}\)"
)


def marked_plain(marked: str) -> str:
    """Marked text with its media references as short words ("[image: curve.png]"), as
    the lists show them; a match inside a reference's file name is not highlighted."""
    return _MARKED_MEDIA_REF.sub(lambda m: plain_text(strip_marks(m.group())), marked)


class BrowseService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.search_store = SearchStore(ctx.store.engine)

    # -- rows -----------------------------------------------------------------------------
    def rows(self) -> list[BrowseRow]:
        """Every card of the bank in study-file order, with its current schedule."""
        bank = self.ctx.bank
        now = self.ctx.clock.now()
        progress = self.ctx.store.all_progress()
        # Never-studied cards share one blank schedule: a big bank is mostly new cards, and
        # the rows only read its state and counters (the card's id is on `row.card`).
        never = (CardMemory(card_id=""), False, False)
        # Recall as the learner's own FSRS parameters predict it, as Review schedules.
        scheduler = Scheduler(self.ctx.settings.scheduler_settings())
        result = []
        for card in bank.cards.values():
            concept = bank.concepts.get(card.concept)
            area = bank.areas.get(concept.area) if concept else None
            memory, suspended, flagged = progress.get(card.id, never)
            result.append(
                BrowseRow(
                    card=card,
                    concept_title=concept.title if concept else card.concept,
                    area_id=area.id if area else "",
                    area_title=area.title if area else "",
                    area_color=area.color if area else "#888888",
                    memory=memory,
                    retrievability=None if memory.is_new else scheduler.retrievability(memory, now),
                    suspended=suspended,
                    flagged=flagged,
                )
            )
        return result

    def row(self, card_id: str) -> BrowseRow | None:
        return next((r for r in self.rows() if r.card_id == card_id), None)

    # -- search ---------------------------------------------------------------------------
    def search(self, text: str, limit: int = 500) -> list[SearchHit]:
        return self.search_store.search(text, limit)

    @staticmethod
    def terms(text: str) -> list[str]:
        return query_terms(text)

    # -- actions --------------------------------------------------------------------------
    def set_suspended(self, card_ids: list[str], suspended: bool) -> Changes:
        self.ctx.store.set_suspended(card_ids, suspended)
        return Changes.QUEUE | Changes.PROGRESS

    def is_flagged(self, card_id: str) -> bool:
        return self.ctx.store.flags([card_id]).get(card_id, (False, False))[1]

    def set_flagged(self, card_ids: list[str], flagged: bool) -> Changes:
        self.ctx.store.set_flagged(card_ids, flagged)
        return Changes.PROGRESS

    def reset(self, card_ids: list[str]) -> Changes:
        self.ctx.store.reset_progress(card_ids)
        return Changes.QUEUE | Changes.PROGRESS

    # -- history --------------------------------------------------------------------------
    def history(self, card_id: str) -> list[HistoryEntry]:
        entries = []
        for log in self.ctx.store.review_history(card_id):
            gap = log.interval_after
            interval = format_interval(gap) if gap is not None else "—"
            entries.append(
                HistoryEntry(
                    reviewed_at=log.reviewed_at,
                    rating=Grade(log.rating).label if log.rating in (1, 2, 3, 4) else "?",
                    state_before=CardState(log.state_before).label,
                    state_after=CardState(log.state_after).label,
                    interval=interval,
                    seconds=log.duration_ms / 1000,
                )
            )
        return entries
