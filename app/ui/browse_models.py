"""Qt models of the Browse screen: every card, its filters and sort keys, its review history."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain.scheduling import CardState
from app.services.browse_service import BrowseRow, HistoryEntry, marked_to_html, strip_marks
from app.storage.search_store import SearchHit
from app.ui.table_model import Index, RowsTableModel
from app.ui.theme import STATE_COLORS

CARD_ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 2
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
FLAG = "⚑ "


class CardTableModel(RowsTableModel):
    """One row per card of the bank; `hits` (from a search) add a rank and highlighted text."""

    QUESTION, CONCEPT, AREA, DIFFICULTY, STATE, DUE, REVIEWS, LAPSES, RECALL, MATCH = range(10)
    HEADERS = (
        "Question",
        "Concept",
        "Area",
        "Difficulty",
        "State",
        "Due",
        "Reviews",
        "Lapses",
        "Recall",
        "Match",
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[BrowseRow] = []
        self.hits: dict[str, SearchHit] = {}
        self.now: datetime | None = None
        self.tz: tzinfo | None = None
        self._row_of: dict[str, int] = {}

    def set_rows(self, rows: list[BrowseRow], now: datetime, tz: tzinfo) -> None:
        self.beginResetModel()
        self.rows, self.now, self.tz = rows, now, tz
        self._row_of = {r.card_id: i for i, r in enumerate(rows)}
        self.endResetModel()

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.hits = {h.card_id: h for h in hits}
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.MATCH))

    def row_of(self, card_id: str) -> int | None:
        return self._row_of.get(card_id)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section == self.RECALL:
                return "Predicted chance of recalling the card now (FSRS retrievability)"
            if section == self.MATCH:
                return "Search rank: 1 is the best match"
        return super().headerData(section, orientation, role)

    def _due_text(self, row: BrowseRow) -> str:
        due = row.memory.due
        if row.memory.state is CardState.NEW or due is None or self.now is None:
            return "—"
        if due <= self.now:
            return "now"
        local = due.astimezone(self.tz)
        if (due - self.now).total_seconds() < 20 * 3600:
            return f"{local:%H:%M}"
        return f"{local:%d %b %Y}"

    def display(self, row: BrowseRow, column: int) -> str:
        if column == self.QUESTION:
            return (FLAG if row.flagged else "") + row.card.question
        if column == self.CONCEPT:
            return row.concept_title
        if column == self.AREA:
            return row.area_title
        if column == self.DIFFICULTY:
            return row.card.difficulty.value
        if column == self.STATE:
            return row.state_label
        if column == self.DUE:
            return self._due_text(row)
        if column == self.REVIEWS:
            return str(row.memory.reps)
        if column == self.LAPSES:
            return str(row.memory.lapses)
        if column == self.RECALL:
            return "—" if row.retrievability is None else f"{row.retrievability:.0%}"
        hit = self.hits.get(row.card_id)
        return str(hit.rank + 1) if hit else ""

    def sort_key(self, row: BrowseRow, column: int) -> Any:
        if column == self.QUESTION:
            return row.card.question.lower()
        if column == self.DIFFICULTY:
            return DIFFICULTY_ORDER[row.card.difficulty.value]
        if column == self.STATE:
            return (1 if row.suspended else 0, int(row.memory.state))
        if column == self.DUE:
            due = row.memory.due
            return due.timestamp() if due and not row.memory.is_new else math.inf
        if column == self.REVIEWS:
            return row.memory.reps
        if column == self.LAPSES:
            return row.memory.lapses
        if column == self.RECALL:
            return -1.0 if row.retrievability is None else row.retrievability
        if column == self.MATCH:
            hit = self.hits.get(row.card_id)
            return hit.rank if hit else math.inf
        return self.display(row, column).lower()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == CARD_ID_ROLE:
            return row.card_id
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        if role == HIGHLIGHT_ROLE and column == self.QUESTION:
            hit = self.hits.get(row.card_id)
            return (FLAG if row.flagged else "") + marked_to_html(hit.question) if hit else None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.QUESTION:
            hit = self.hits.get(row.card_id)
            tip = row.card.question + (" — your card" if row.card.user else "")
            return f"{tip}\n…{strip_marks(hit.snippet)}…" if hit else tip
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            if row.suspended:
                return QColor("#8c959f")
            return QColor(STATE_COLORS.get(row.memory.state.label, STATE_COLORS["learning"]))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.AREA:
            return QColor(row.area_color)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.DUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
        return not row.suspended and row.memory.state.label == status

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a == b:
            return left.row() < right.row()
        return bool(a < b)


class HighlightDelegate(QStyledItemDelegate):
    """Paints a cell's HIGHLIGHT_ROLE HTML (search matches marked) instead of its plain text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        markup = index.data(HIGHLIGHT_ROLE)
        if not markup:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if isinstance(widget, QWidget) else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(0)
        doc.setHtml(markup)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        rect = opt.rect.adjusted(4, 0, -4, 0)
        painter.save()
        painter.translate(rect.left(), rect.top() + (rect.height() - doc.size().height()) / 2)
        painter.setClipRect(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()


class HistoryModel(RowsTableModel):
    """The review log of one card, newest first."""

    HEADERS = ("When", "Rating", "State", "Next interval", "Time")
    RATING_COLORS = {"Again": "#d9534f", "Hard": "#c98a1b", "Good": "#2e9d5b", "Easy": "#3b7ddd"}

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[HistoryEntry] = []
        self.tz: tzinfo | None = None

    def set_entries(self, entries: list[HistoryEntry], tz: tzinfo) -> None:
        self.beginResetModel()
        self.rows = list(reversed(entries))
        self.tz = tz
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{entry.reviewed_at.astimezone(self.tz):%d %b %Y %H:%M}"
            if column == 1:
                return entry.rating
            if column == 2:
                return f"{entry.state_before} → {entry.state_after}"
            if column == 3:
                return entry.interval
            return f"{entry.seconds:.0f} s"
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            color = self.RATING_COLORS.get(entry.rating)
            return QColor(color) if color else None
        return None
