"""The Stories screen's Coverage tab: the questions × stories matrix and what is missing."""

from __future__ import annotations

import html

from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.stories import COMPETENCIES
from app.domain.stories_coverage import OVERUSE_LIMIT, Coverage
from app.ui.quiz.palette import AMBER
from app.ui.stories.models import CoverageModel
from app.ui.widgets import muted

MIN_QUESTION_WIDTH = 360


class CoverageTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.summary = QLabel()
        self.summary.setObjectName("stories-coverage-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = CoverageModel()
        self.matrix = QTableView()
        self.matrix.setObjectName("stories-matrix")
        self.matrix.setModel(self.model)
        self.matrix.verticalHeader().hide()
        self.matrix.setWordWrap(False)
        self.matrix.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.matrix.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        layout.addWidget(self.matrix, 1)
        layout.addWidget(
            muted(
                "● the story you would tell (each question gets one, spread across your stories) · "
                "✓ you chose it for the question · ○ it shows the competency the question is about. "
                "Questions in amber have no story yet."
            )
        )

    def set_coverage(self, cover: Coverage) -> None:
        self.model.set_coverage(cover)
        self._fit_question_column()
        parts = [
            f"<b>{len(cover.questions) - len(cover.uncovered)} of {len(cover.questions)}</b> "
            "questions have a story."
        ]
        if cover.overused:
            titles = ", ".join(
                html.escape(s.title) for s in cover.stories if s.id in cover.overused
            )
            parts.append(
                f'<span style="color:{AMBER}">Over-used (told for more than {OVERUSE_LIMIT} '
                f"questions):</span> {titles}."
            )
        if cover.missing_competencies:
            missing = ", ".join(COMPETENCIES[c] for c in cover.missing_competencies)
            parts.append(f"<b>No story shows:</b> {html.escape(missing)}.")
        self.summary.setText(" ".join(parts))

    def _fit_question_column(self) -> None:
        header = self.matrix.horizontalHeader()
        if self.model.columnCount() == 0:
            return
        # The question column takes what the stories leave (its full text is in the tooltip).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for column in range(1, self.model.columnCount()):
            self.matrix.resizeColumnToContents(column)
        others = sum(header.sectionSize(i) for i in range(1, self.model.columnCount()))
        room = self.matrix.viewport().width() - others
        self.matrix.setColumnWidth(0, max(MIN_QUESTION_WIDTH, room))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_question_column()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit_question_column()
