"""The Browse screen: every card in a sortable, filterable table, search as you type, the
card and its review history beside it, and the card actions."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.services.application import Application
from app.services.browse_service import BrowseRow
from app.ui.browse.actions import CardActions
from app.ui.browse.card_details import CardDetails
from app.ui.browse.highlight_delegate import HighlightDelegate
from app.ui.browse.models import CARD_ID_ROLE, NEEDS_POINTS_STATUS, CardFilter, CardTableModel
from app.ui.keys import bind
from app.ui.screen import Screen

WIDE_LAYOUT = 1500  # screen width from which the details sit beside the table
STATUSES = (
    ("Any status", ""),
    ("New", "new"),
    ("Learning", "learning"),
    ("Review", "review"),
    ("Relearning", "relearning"),
    ("Suspended", "suspended"),
    ("Flagged", "flagged"),
    ("My cards", "mine"),
    ("Needs key points", NEEDS_POINTS_STATUS),
)
DIFFICULTIES = (("Any difficulty", ""), ("Easy", "easy"), ("Medium", "medium"), ("Hard", "hard"))


class BrowseScreen(Screen):
    graph_requested = Signal(str)  # concept id
    WATCHES = Changes.PROGRESS | Changes.CONTENT

    def __init__(self, app: Application) -> None:
        super().__init__()
        self.setObjectName("browse")
        self.app = app
        self.service = app.browse
        self.model = CardTableModel()
        self.proxy = CardFilter(self.model)
        self.card_actions = CardActions(self.service, app.authoring, self)
        self.card_actions.done.connect(self._after_action)
        self.card_actions.graph_requested.connect(self.graph_requested.emit)
        self.details = CardDetails(app.local_tz)
        self._sort_before_search: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._laid_out = False
        self._build()
        self.reload()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("browse-search")
        self.search.setPlaceholderText("Search questions, answers and key points…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.run_search)
        self.search.returnPressed.connect(self._focus_table)
        self.area_box = QComboBox()
        self.area_box.setObjectName("filter-area")
        self.area_box.setMaximumWidth(240)
        self.concept_box = QComboBox()
        self.concept_box.setObjectName("filter-concept")
        self.concept_box.setMinimumWidth(200)
        self.concept_box.setMaximumWidth(280)
        self.status_box = QComboBox()
        self.status_box.setObjectName("filter-status")
        for label, value in STATUSES:
            self.status_box.addItem(label, value)
        self.difficulty_box = QComboBox()
        self.difficulty_box.setObjectName("filter-difficulty")
        for label, value in DIFFICULTIES:
            self.difficulty_box.addItem(label, value)
        for box in self.filter_boxes():
            box.currentIndexChanged.connect(self.apply_filters)
        self.new_button = QPushButton("New card…")
        self.new_button.setObjectName("new-card")
        self.new_button.setToolTip("Write your own card (Ctrl+N)")
        self.new_button.clicked.connect(lambda: self.card_actions.new_card())
        bar.addWidget(self.search, 1)
        bar.addWidget(self.new_button)
        filters = QHBoxLayout()
        for widget in self.filter_boxes():
            filters.addWidget(widget)
        filters.addStretch(1)

        self.table = QTableView()
        self.table.setObjectName("card-table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setItemDelegateForColumn(CardTableModel.QUESTION, HighlightDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(CardTableModel.QUESTION, QHeaderView.ResizeMode.Stretch)
        for index, column in enumerate(CardTableModel.COLUMNS):
            if column.width is not None:
                header.resizeSection(index, column.width)
        self.table.setColumnHidden(CardTableModel.MATCH, True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_current())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.card_actions.update_for(self.current_row())
        )
        self.table.activated.connect(lambda _index: self.open_history())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.count_label = QLabel()
        self.count_label.setObjectName("browse-count")
        filters.addWidget(self.count_label)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.card_actions)
        right_layout.addWidget(self.details, 1)

        self.splitter = QSplitter()
        self.splitter.setObjectName("browse-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addLayout(bar)
        outer.addLayout(filters)
        outer.addWidget(self.splitter, 1)

        self.card_actions.bind_keys(self)
        bind(
            self.search,
            ["Down"],
            self._focus_table,
            "from the search box into the table",
            Qt.ShortcutContext.WidgetShortcut,
        )

    def filter_boxes(self) -> tuple[QComboBox, ...]:
        return (self.area_box, self.concept_box, self.status_box, self.difficulty_box)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        # The details beside the table when there is room for both, else below it.
        wide = event.size().width() >= WIDE_LAYOUT
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.splitter.orientation() or not self._laid_out:
            self._laid_out = True
            self.splitter.setOrientation(orientation)
            extent = event.size().width() if wide else event.size().height()
            self.splitter.setSizes([int(extent * 0.58), int(extent * 0.42)])
        super().resizeEvent(event)

    # -- data -----------------------------------------------------------------------------
    def refresh_for(self, changes: Changes) -> None:
        """Reviews, quizzes, imports or edits elsewhere: show every row as it is now."""
        self.reload()

    def reload(self) -> None:
        """Re-read every row; keeps the filters, the search and the selected card."""
        current = self.current_card_id()
        clock = self.app.clock
        self.model.set_rows(self.service.rows(), clock.now(), clock.local_tz)
        self._fill_filter_boxes()
        self.run_search(self.search.text())
        if current is not None:
            self.select_card(current)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        self.show_current()

    def _fill_filter_boxes(self) -> None:
        bank = self.app.bank
        for box, items in (
            (
                self.area_box,
                [("All areas", "")]
                + [
                    (a.title, a.id)
                    for a in sorted(bank.areas.values(), key=lambda a: a.order)
                    if any(c.area == a.id for c in bank.concepts.values())
                ],
            ),
            (
                self.concept_box,
                [("All concepts", "")]
                + [
                    (c.title, c.id)
                    for c in sorted(bank.concepts.values(), key=lambda c: c.title.lower())
                ],
            ),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            for label, value in items:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)

    def apply_filters(self) -> None:
        self.proxy.set_filters(
            area=self.area_box.currentData() or "",
            concept=self.concept_box.currentData() or "",
            status=self.status_box.currentData() or "",
            difficulty=self.difficulty_box.currentData() or "",
        )
        self._after_filter()

    def run_search(self, text: str) -> None:
        """Search as you type: hits ranked by FTS5 bm25, shown best first."""
        hits = self.service.search(text) if text.strip() else []
        searching = bool(self.service.terms(text))
        was_searching = not self.table.isColumnHidden(CardTableModel.MATCH)
        self.model.set_hits(hits)
        self.proxy.set_filters(only={h.card_id for h in hits} if searching else None)
        self.table.setColumnHidden(CardTableModel.MATCH, not searching)
        header = self.table.horizontalHeader()
        if searching and not was_searching:
            self._sort_before_search = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        if searching:
            self.table.sortByColumn(CardTableModel.MATCH, Qt.SortOrder.AscendingOrder)
        elif was_searching:
            self.table.sortByColumn(*self._sort_before_search)
        if searching and self.proxy.rowCount():
            self.table.selectRow(0)  # the best match is previewed as you type
        self._after_filter()

    def _after_filter(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = f"{shown} of {total} cards" if shown != total else f"{total} cards"
        if self.service.terms(self.search.text()):
            text += f" match “{self.search.text().strip()}”"
        self.count_label.setText(text)
        selected = self.table.selectionModel().selectedRows()
        if shown and not selected:
            self.table.selectRow(0)
        self.show_current()

    # -- selection ------------------------------------------------------------------------
    def current_card_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(CARD_ID_ROLE))

    def current_row(self) -> BrowseRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(index).row()]

    def selected_ids(self) -> list[str]:
        ids = [str(i.data(CARD_ID_ROLE)) for i in self.table.selectionModel().selectedRows()]
        current = self.current_card_id()
        return ids or ([current] if current else [])

    def chosen_concept(self) -> str | None:
        """The concept the filter shows, if one is chosen (a new card goes there)."""
        return self.concept_box.currentData() or None

    def select_card(self, card_id: str) -> bool:
        row = self.model.row_of(card_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def visible_ids(self) -> list[str]:
        return [
            str(self.proxy.index(r, 0).data(CARD_ID_ROLE)) for r in range(self.proxy.rowCount())
        ]

    def show_current(self) -> None:
        row = self.current_row()
        self.card_actions.update_for(row)
        if row is None:
            self.details.show_nothing()
            return
        terms = self.service.terms(self.search.text())
        self.details.show_card(row, self.service.history(row.card_id), terms)

    def open_history(self) -> None:
        """Opening a card (Enter or double-click) shows its review history."""
        if self.current_row() is not None:
            self.details.show_history()

    def _focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _context_menu(self, pos: QPoint) -> None:
        self.card_actions.context_menu(self, self.table.viewport().mapToGlobal(pos))

    # -- after an action ------------------------------------------------------------------
    def _after_action(self, changes: Changes, card_id: str | None) -> None:
        """Show the rows as they are now (the saved card selected, even if the filters or
        the search hid it) and tell the other screens."""
        self.report(changes)
        self.reload()
        if card_id is not None and not self.select_card(card_id):
            self.search.clear()
            for box in self.filter_boxes():
                box.setCurrentIndex(0)
            self.select_card(card_id)
