"""The behavioural round's results table: one row per telling."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.domain.quiz import format_clock
from app.domain.stories_rehearsal import TELLING_SECONDS
from app.services.story_rehearsal import RehearsalService, RoundItem
from app.ui.quiz_models import RED, score_color
from app.ui.table_model import Index, RowsTableModel


class RoundResultsModel(RowsTableModel):
    HEADERS = ("#", "Question", "Story", "Time / 2:00", "Points", "Score")

    def __init__(self, service: RehearsalService) -> None:
        super().__init__()
        self.service = service
        self.rows: list[RoundItem] = []

    def set_items(self, items: list[RoundItem]) -> None:
        self.beginResetModel()
        self.rows = [item for item in items if item.score is not None]
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            story = self.service.story_of(item)
            covered = sum(1 for c in item.covered if c)
            return (
                str(index.row() + 1),
                item.question.text,
                story.title if story else item.story_id,
                format_clock(item.seconds_used) + (" (time's up)" if item.timed_out else ""),
                f"{covered} of {len(item.covered)}",
                f"{item.score or 0.0:.0%}",
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 5:
                return QColor(score_color(item.score or 0.0))
            if column == 3 and item.seconds_used >= TELLING_SECONDS:
                return QColor(RED)
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return item.question.text
        return None
