"""The Browse screen: every card in a sortable, filterable table, search as you type, a rendered
preview and review history beside it, and the card actions (suspend, flag, reset, edit…)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.authoring import AuthoringService
from app.services.browse_service import BrowseRow, BrowseService
from app.services.render import render_markdown
from app.ui.browse_models import (
    CARD_ID_ROLE,
    CardFilter,
    CardTableModel,
    HighlightDelegate,
    HistoryModel,
)
from app.ui.card_editor import CardEditor
from app.ui.markdown_view import MarkdownView
from app.ui.theme import is_dark

MATCH_BACKGROUND = "#f5d76e"
WIDE_LAYOUT = 1500  # screen width from which the preview sits beside the table
STATUSES = (
    ("Any status", ""),
    ("New", "new"),
    ("Learning", "learning"),
    ("Review", "review"),
    ("Relearning", "relearning"),
    ("Suspended", "suspended"),
    ("Flagged", "flagged"),
    ("My cards", "mine"),
)


class BrowseScreen(QWidget):
    graph_requested = Signal(str)  # concept id
    progress_changed = Signal()  # suspended, reset…: the review queue must recount
    content_changed = Signal()  # a user card was added, edited or deleted

    def __init__(self, service: BrowseService, authoring: AuthoringService) -> None:
        super().__init__()
        self.setObjectName("browse")
        self.service = service
        self.authoring = authoring
        self.editor: CardEditor | None = None
        # Asked before destructive actions; tests replace it.
        self.confirm: Callable[[str, str], bool] = self._ask
        self.model = CardTableModel()
        self.proxy = CardFilter(self.model)
        self.history_model = HistoryModel()
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
        for label, value in (
            ("Any difficulty", ""),
            ("Easy", "easy"),
            ("Medium", "medium"),
            ("Hard", "hard"),
        ):
            self.difficulty_box.addItem(label, value)
        for box in (self.area_box, self.concept_box, self.status_box, self.difficulty_box):
            box.currentIndexChanged.connect(self.apply_filters)
        self.new_button = QPushButton("New card…")
        self.new_button.setObjectName("new-card")
        self.new_button.setToolTip("Write your own card (Ctrl+N)")
        self.new_button.clicked.connect(lambda: self.new_card())
        bar.addWidget(self.search, 1)
        bar.addWidget(self.new_button)
        filters = QHBoxLayout()
        for widget in (self.area_box, self.concept_box, self.status_box, self.difficulty_box):
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
        for column, width in (
            (CardTableModel.CONCEPT, 170),
            (CardTableModel.AREA, 150),
            (CardTableModel.DIFFICULTY, 72),
            (CardTableModel.STATE, 84),
            (CardTableModel.DUE, 96),
            (CardTableModel.REVIEWS, 64),
            (CardTableModel.LAPSES, 58),
            (CardTableModel.RECALL, 58),
            (CardTableModel.MATCH, 54),
        ):
            header.resizeSection(column, width)
        self.table.setColumnHidden(CardTableModel.MATCH, True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
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

        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, tip, slot in (
            ("edit", "Edit…", "Edit your card (Ctrl+E)", self.edit_current),
            ("suspend", "Suspend", "Suspend or unsuspend (Ctrl+J)", self.toggle_suspend),
            ("flag", "Flag", "Flag or unflag (Ctrl+K)", self.toggle_flag),
            ("reset", "Reset…", "Forget the progress: the card becomes new", self.reset_selected),
            (
                "graph",
                "Show on graph",
                "The card's concept on the map (Ctrl+G)",
                self.show_on_graph,
            ),
            ("delete", "Delete…", "Delete your card", self.delete_current),
        ):
            button = QPushButton(label)
            button.setObjectName(f"action-{key}")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        self.preview = MarkdownView(reading_width=None)
        self.preview.setObjectName("browse-preview")
        self.preview.document().setDocumentMargin(16)
        self.history_table = QTableView()
        self.history_table.setObjectName("card-history")
        self.history_table.setModel(self.history_model)
        self.history_table.verticalHeader().hide()
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.history_empty = QLabel("Not reviewed yet.")
        self.history_empty.setObjectName("history-empty")
        self.history_empty.setContentsMargins(12, 12, 12, 12)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history_empty)
        history_layout.addWidget(self.history_table, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("browse-tabs")
        self.tabs.addTab(self.preview, "Card")
        self.tabs.addTab(history, "History")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.tabs, 1)

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

        for keys, slot in (
            ("Ctrl+N", self.new_card),
            ("Ctrl+E", self.edit_current),
            ("Ctrl+J", self.toggle_suspend),
            ("Ctrl+K", self.toggle_flag),
            ("Ctrl+G", self.show_on_graph),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        down = QShortcut(QKeySequence("Down"), self.search)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_table)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        # Preview beside the table when there is room for both, else below it.
        wide = event.size().width() >= WIDE_LAYOUT
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.splitter.orientation() or not self._laid_out:
            self._laid_out = True
            self.splitter.setOrientation(orientation)
            extent = event.size().width() if wide else event.size().height()
            self.splitter.setSizes([int(extent * 0.58), int(extent * 0.42)])
        super().resizeEvent(event)

    # -- data -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read every row (after reviews, card actions or a content change); keeps the
        filters, the search and the selected card."""
        current = self.current_card_id()
        clock = self.service.ctx.clock
        self.model.set_rows(self.service.rows(), clock.now(), clock.local_tz)
        self._fill_filter_boxes()
        self.run_search(self.search.text())
        if current is not None:
            self.select_card(current)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        self.show_current()

    def _fill_filter_boxes(self) -> None:
        bank = self.service.ctx.bank
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
        card_id = self.current_card_id()
        row = self.model.row_of(card_id) if card_id else None
        return self.model.rows[row] if row is not None else None

    def selected_ids(self) -> list[str]:
        ids = [str(i.data(CARD_ID_ROLE)) for i in self.table.selectionModel().selectedRows()]
        current = self.current_card_id()
        return ids or ([current] if current else [])

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
        self._update_actions()
        if row is None:
            self.preview.show_html('<p class="muted">No card matches.</p>')
            self.history_model.set_entries([], self.service.ctx.clock.local_tz)
            self.tabs.setTabText(1, "History")
            return
        self.preview.show_html(self._card_html(row))
        self._highlight_terms()
        entries = self.service.history(row.card_id)
        self.history_model.set_entries(entries, self.service.ctx.clock.local_tz)
        self.history_empty.setVisible(not entries)
        self.tabs.setTabText(1, f"History ({len(entries)})")

    def _card_html(self, row: BrowseRow) -> str:
        card = row.card
        dark = is_dark()
        meta = [
            html.escape(row.concept_title),
            f'<span style="color:{row.area_color}">{html.escape(row.area_title)}</span>',
            card.difficulty.value,
            f"{card.seconds} s",
        ]
        if card.user:
            meta.append("<b>your card</b>")
        if row.suspended:
            meta.append("suspended")
        if row.flagged:
            meta.append("⚑ flagged")
        points = "".join(f"<li>{html.escape(p)}</li>" for p in card.key_points)
        return (
            f"<h2>{html.escape(card.question)}</h2>"
            f'<p class="muted">{" · ".join(meta)}</p>'
            f"<p><b>Key points</b></p><ul>{points}</ul><hr>" + render_markdown(card.answer, dark)
        )

    def _highlight_terms(self) -> None:
        """Mark every occurrence of the searched words in the preview."""
        selections = []
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(MATCH_BACKGROUND))
        fmt.setForeground(QColor("#1f2328"))
        document = self.preview.document()
        for term in self.service.terms(self.search.text()):
            cursor = document.find(term, 0)
            while not cursor.isNull():
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format = fmt
                selections.append(selection)
                cursor = document.find(term, cursor, QTextDocument.FindFlag(0))
        self.preview.setExtraSelections(selections)

    def highlighted_fragments(self) -> list[str]:
        return [s.cursor.selectedText() for s in self.preview.extraSelections()]

    def _update_actions(self) -> None:
        row = self.current_row()
        mine = row is not None and row.card.user
        for key in ("edit", "delete"):
            self.buttons[key].setEnabled(mine)
        for key in ("suspend", "flag", "reset", "graph"):
            self.buttons[key].setEnabled(row is not None)
        if row is not None:
            self.buttons["suspend"].setText("Unsuspend" if row.suspended else "Suspend")
            self.buttons["flag"].setText("Unflag" if row.flagged else "Flag")

    def open_history(self) -> None:
        """Opening a card (Enter or double-click) shows its review history."""
        if self.current_row() is not None:
            self.tabs.setCurrentIndex(1)

    def _focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- actions --------------------------------------------------------------------------
    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _after_progress_change(self) -> None:
        self.reload()
        self.progress_changed.emit()

    def toggle_suspend(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.service.set_suspended(self.selected_ids(), not row.suspended)
        self._after_progress_change()

    def toggle_flag(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.service.set_flagged(self.selected_ids(), not row.flagged)
        self._after_progress_change()

    def reset_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        what = "this card" if len(ids) == 1 else f"these {len(ids)} cards"
        if not self.confirm(
            "Reset progress",
            f"Forget the progress of {what}? It becomes new again; past reviews stay in the "
            "history and the statistics.",
        ):
            return
        self.service.reset(ids)
        self._after_progress_change()

    def show_on_graph(self) -> None:
        row = self.current_row()
        if row is not None:
            self.graph_requested.emit(row.card.concept)

    def new_card(self, concept_id: str | None = None) -> CardEditor:
        if concept_id is None:
            row = self.current_row()
            concept_id = self.concept_box.currentData() or (row.card.concept if row else None)
        return self._open_editor(CardEditor(self.authoring, None, concept_id, self))

    def edit_current(self) -> CardEditor | None:
        row = self.current_row()
        if row is None or not row.card.user:
            return None
        return self._open_editor(CardEditor(self.authoring, row.card, None, self))

    def _open_editor(self, editor: CardEditor) -> CardEditor:
        if self.editor is not None:
            self.editor.close()
        self.editor = editor
        editor.saved.connect(self._on_saved)
        editor.open()
        return editor

    def _on_saved(self, card_id: str) -> None:
        self.content_changed.emit()
        self.reload()
        if not self.select_card(card_id):
            self.search.clear()
            for box in (self.area_box, self.concept_box, self.status_box, self.difficulty_box):
                box.setCurrentIndex(0)
            self.select_card(card_id)

    def delete_current(self) -> None:
        row = self.current_row()
        if row is None or not row.card.user:
            return
        if not self.confirm(
            "Delete card",
            f"Delete your card “{row.card.question}”? Its file is rewritten without it; "
            "its review history is kept.",
        ):
            return
        result = self.authoring.delete(row.card_id)
        if not result.ok:
            QMessageBox.warning(self, "Card not deleted", "\n".join(result.problems))
            return
        self.content_changed.emit()
        self.reload()

    def _context_menu(self, pos: QPoint) -> None:
        row = self.current_row()
        if row is None:
            return
        menu = QMenu(self)
        for key in ("edit", "suspend", "flag", "reset", "graph", "delete"):
            button = self.buttons[key]
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _index(self, card_id: str) -> QModelIndex:
        row = self.model.row_of(card_id)
        return (
            self.proxy.mapFromSource(self.model.index(row, 0)) if row is not None else QModelIndex()
        )
