"""Beside the Browse table: the selected card rendered (search words marked) and its
review history."""

from __future__ import annotations

import html
from datetime import tzinfo

from PySide6.QtGui import QColor, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.browse_service import BrowseRow, HistoryEntry
from app.services.render import question_html, render_markdown
from app.ui.browse.models import HistoryModel
from app.ui.markdown_view import MarkdownView
from app.ui.theme import is_dark

MATCH_BACKGROUND = "#f5d76e"


class CardDetails(QTabWidget):
    """Two tabs: *Card* (the rendered card) and *History* (its review log)."""

    def __init__(self, local_tz: tzinfo) -> None:
        super().__init__()
        self.setObjectName("browse-tabs")
        self.local_tz = local_tz
        self.preview = MarkdownView(reading_width=None)
        self.preview.setObjectName("browse-preview")
        self.preview.document().setDocumentMargin(16)
        self.history_model = HistoryModel()
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
        self.addTab(self.preview, "Card")
        self.addTab(history, "History")

    def show_nothing(self) -> None:
        self.preview.show_html('<p class="muted">No card matches.</p>')
        self.history_model.set_entries([], self.local_tz)
        self.setTabText(1, "History")

    def show_card(self, row: BrowseRow, history: list[HistoryEntry], terms: list[str]) -> None:
        self.preview.show_html(card_html(row))
        self._highlight(terms)
        self.history_model.set_entries(history, self.local_tz)
        self.history_empty.setVisible(not history)
        self.setTabText(1, f"History ({len(history)})")

    def show_history(self) -> None:
        self.setCurrentIndex(1)

    def _highlight(self, terms: list[str]) -> None:
        """Mark every occurrence of the searched words in the preview."""
        selections = []
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(MATCH_BACKGROUND))
        fmt.setForeground(QColor("#1f2328"))
        document = self.preview.document()
        for term in terms:
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


def card_html(row: BrowseRow) -> str:
    """The card as the preview shows it: question, facts, key points, the answer."""
    card = row.card
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
    listed = (
        f"<p><b>Key points</b></p><ul>{points}</ul>"
        if points
        else "<p><b>Needs key points:</b> this card has none yet, so the quiz lets you grade "
        "it yourself. Edit it (Ctrl+E) to write three to seven.</p>"
    )
    return (
        f"<h2>{question_html(card.question)}</h2>"
        f'<p class="muted">{" · ".join(meta)}</p>'
        f"{listed}<hr>" + render_markdown(card.answer, is_dark())
    )
