"""Qt models of the Browse screen: every card (columns declared below), its filters and sort
keys, and one card's review history."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from app.domain.media_names import plain_text
from app.domain.scheduling import CardState
from app.services.browse_service import (
    BrowseRow,
    HistoryEntry,
    SearchHit,
    marked_plain,
    marked_to_html,
    strip_marks,
)
from app.ui.table_model import SORT_ROLE, Align, Column, Index, RowsTableModel
from app.ui.theme import STATE_COLORS

CARD_ID_ROLE = Qt.ItemDataRole.UserRole
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 2
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
FLAG = "⚑ "
NEEDS_POINTS = "   · needs key points"  # after the question of a card with none yet
NEEDS_POINTS_STATUS = "needs-points"
SUSPENDED_COLOR = "#8c959f"


def _due_text(model: CardTableModel, row: BrowseRow) -> str:
    due, now = row.memory.due, model.now
    if row.memory.state is CardState.NEW or due is None or now is None:
        return "—"
    if due <= now:
        return "now"
    local = due.astimezone(model.tz)
    if (due - now).total_seconds() < 20 * 3600:
        return f"{local:%H:%M}"
    return f"{local:%d %b %Y}"


def _due_key(_model: CardTableModel, row: BrowseRow) -> float:
    due = row.memory.due
    return due.timestamp() if due and not row.memory.is_new else math.inf


def _question_tip(model: CardTableModel, row: BrowseRow) -> str:
    hit = model.hits.get(row.card_id)
    tip = row.card.question + (" — your card" if row.card.user else "")
    return f"{tip}\n…{strip_marks(hit.snippet)}…" if hit else tip


def _state_color(_model: CardTableModel, row: BrowseRow) -> str:
    if row.suspended:
        return SUSPENDED_COLOR
    return STATE_COLORS.get(row.memory.state.label, STATE_COLORS["learning"])


def _match_text(model: CardTableModel, row: BrowseRow) -> str:
    hit = model.hits.get(row.card_id)
    return str(hit.rank + 1) if hit else ""


def _match_key(model: CardTableModel, row: BrowseRow) -> float:
    hit = model.hits.get(row.card_id)
    return hit.rank if hit else math.inf


class CardTableModel(RowsTableModel):
    """One row per card of the bank; `hits` (from a search) add a rank and highlighted text."""

    COLUMNS = (
        Column(
            "Question",
            lambda _m, r: (
                (FLAG if r.flagged else "")
                + plain_text(r.card.question)
                + (NEEDS_POINTS if r.card.needs_key_points else "")
            ),
            sort=lambda _m, r: r.card.question.lower(),
            tooltip=_question_tip,
        ),
        Column("Concept", lambda _m, r: r.concept_title, width=170),
        Column("Area", lambda _m, r: r.area_title, color=lambda _m, r: r.area_color, width=150),
        Column(
            "Difficulty",
            lambda _m, r: r.card.difficulty.value,
            sort=lambda _m, r: DIFFICULTY_ORDER[r.card.difficulty.value],
            width=72,
        ),
        Column(
            "State",
            lambda _m, r: r.state_label,
            sort=lambda _m, r: (1 if r.suspended else 0, int(r.memory.state)),
            color=_state_color,
            width=84,
        ),
        Column("Due", _due_text, sort=_due_key, align=Align.RIGHT, width=96),
        Column(
            "Reviews",
            lambda _m, r: str(r.memory.reps),
            sort=lambda _m, r: r.memory.reps,
            align=Align.RIGHT,
            width=64,
        ),
        Column(
            "Lapses",
            lambda _m, r: str(r.memory.lapses),
            sort=lambda _m, r: r.memory.lapses,
            align=Align.RIGHT,
            width=58,
        ),
        Column(
            "Recall",
            lambda _m, r: "—" if r.retrievability is None else f"{r.retrievability:.0%}",
            sort=lambda _m, r: -1.0 if r.retrievability is None else r.retrievability,
            align=Align.RIGHT,
            header_tooltip="Predicted chance of recalling the card now (FSRS retrievability)",
            width=58,
        ),
        Column(
            "Match",
            _match_text,
            sort=_match_key,
            align=Align.RIGHT,
            header_tooltip="Search rank: 1 is the best match",
            width=54,
        ),
    )
    _INDEX = {column.header: i for i, column in enumerate(COLUMNS)}
    QUESTION, DIFFICULTY, REVIEWS = _INDEX["Question"], _INDEX["Difficulty"], _INDEX["Reviews"]
    RECALL, MATCH = _INDEX["Recall"], _INDEX["Match"]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[BrowseRow] = []
        self.hits: dict[str, SearchHit] = {}
        self.now: datetime | None = None
        self.tz: tzinfo | None = None
        self._row_of: dict[str, int] | None = None  # made when first asked for

    def set_rows(self, rows: list[BrowseRow], now: datetime, tz: tzinfo) -> None:
        self.now, self.tz = now, tz
        self._row_of = None  # 100,000 cards make a 7 MB index: built only when a card is sought
        self.replace_rows(rows)

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.hits = {h.card_id: h for h in hits}
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.MATCH))

    def row_of(self, card_id: str) -> int | None:
        if self._row_of is None:
            self._row_of = {r.card_id: i for i, r in enumerate(self.rows)}
        return self._row_of.get(card_id)

    def extra_data(self, row: BrowseRow, column: int, role: int) -> Any:
        if role == CARD_ID_ROLE:
            return row.card_id
        if role == HIGHLIGHT_ROLE and column == self.QUESTION:
            hit = self.hits.get(row.card_id)
            if hit is None:
                return None
            return (FLAG if row.flagged else "") + marked_to_html(marked_plain(hit.question))
        return None


class CardFilter(QSortFilterProxyModel):
    """Area, concept, status and difficulty filters, plus the search hits; sorts by SORT_ROLE."""

    def __init__(self, source: CardTableModel) -> None:
        super().__init__()
        self.source = source
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.area = ""
        self.concept = ""
        self.status = ""
        self.difficulty = ""
        self.only: set[str] | None = None  # card ids of the search hits

    def set_filters(self, **values: Any) -> None:
        self.beginFilterChange()
        for key, value in values.items():
            setattr(self, key, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        row = self.source.rows[source_row]
        if self.only is not None and row.card_id not in self.only:
            return False
        if self.area and row.area_id != self.area:
            return False
        if self.concept and row.card.concept != self.concept:
            return False
        if self.difficulty and row.card.difficulty.value != self.difficulty:
            return False
        return self._status_ok(row)

    def _status_ok(self, row: BrowseRow) -> bool:
        status = self.status
        if not status:
            return True
        if status == "suspended":
            return row.suspended
        if status == "flagged":
            return row.flagged
        if status == "mine":
            return row.card.user
        if status == NEEDS_POINTS_STATUS:
            return row.card.needs_key_points
        return not row.suspended and row.memory.state.label == status

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a == b:
            return left.row() < right.row()
        return bool(a < b)


RATING_COLORS = {"Again": "#d9534f", "Hard": "#c98a1b", "Good": "#2e9d5b", "Easy": "#3b7ddd"}


class HistoryModel(RowsTableModel):
    """The review log of one card, newest first."""

    COLUMNS = (
        Column("When", lambda m, e: f"{e.reviewed_at.astimezone(m.tz):%d %b %Y %H:%M}"),
        Column("Rating", lambda _m, e: e.rating, color=lambda _m, e: RATING_COLORS.get(e.rating)),
        Column("State", lambda _m, e: f"{e.state_before} → {e.state_after}"),
        Column("Next interval", lambda _m, e: e.interval),
        Column("Time", lambda _m, e: f"{e.seconds:.0f} s"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[HistoryEntry] = []
        self.tz: tzinfo | None = None

    def set_entries(self, entries: list[HistoryEntry], tz: tzinfo) -> None:
        self.tz = tz
        self.replace_rows(list(reversed(entries)))
