"""What the quiz's and the behavioural round's results pages share: the big coloured score
with its one-line summary, and the table of answers (the question column takes the width)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from app.ui.quiz.palette import score_color


class ScoreLine(QHBoxLayout):
    """The score, then the summary taking the rest of the line, then the page's buttons."""

    def __init__(self, score_name: str, buttons: list[QWidget]) -> None:
        super().__init__()
        self.score_label = QLabel()
        self.score_label.setObjectName(score_name)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.addWidget(self.score_label)
        self.addSpacing(16)
        self.addWidget(self.summary_label, 1)
        for button in buttons:
            self.addWidget(button)

    def show_score(self, score: float, summary: str) -> None:
        self.score_label.setText(
            f'<span style="font-size:30pt; font-weight:700; color:{score_color(score)}">'
            f"{score:.0%}</span>"
        )
        self.summary_label.setText(summary)


def results_table(name: str, model: QAbstractItemModel) -> QTableView:
    """Whole rows selected, no grid, column 1 (the question) stretched, the rest fitted."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table
